/**
 * CLI errors: printed on stderr with their URI, and a non-zero exit code.
 * @module
 */
import { WampError, errorMessage } from '@cdc/protocol';

export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly uri?: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Print an error the way every command does: `error: <uri>: <message>`. */
export function reportError(e: unknown): number {
  if (e instanceof CliError) {
    process.stderr.write(`error: ${e.uri !== undefined ? `${e.uri}: ` : ''}${e.message}\n`);
    return e.exitCode;
  }
  if (e instanceof WampError) {
    const msg = typeof e.args[0] === 'string' ? e.args[0] : JSON.stringify(e.args);
    process.stderr.write(`error: ${e.uri}: ${msg}\n`);
    return 1;
  }
  process.stderr.write(`error: ${errorMessage(e)}\n`);
  return 1;
}
