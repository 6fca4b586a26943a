/**
 * CLI errors: printed on stderr with their URI, and a non-zero exit code.
 * @module
 */

/**
 * A WAMP error (`WampError` of `@cdc/protocol`, the SDK's `CdcError`) by its shape: this
 * module loads with every command, the protocol package only with those that talk.
 */
function isWampError(e: unknown): e is { uri: string; args: unknown[] } {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { uri?: unknown }).uri === 'string' &&
    Array.isArray((e as { args?: unknown }).args)
  );
}

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

/**
 * A {@link CliError}, also one of another copy of this module: `cdc` runs a bundle, and the
 * commands that run a center, a node or a router run unbundled beside it, with their own
 * (apps/cli/scripts/bundle.mjs).
 */
function isCliError(e: unknown): e is CliError {
  return e instanceof CliError || (e instanceof Error && e.name === 'CliError' && 'exitCode' in e);
}

/** Print an error the way every command does: `error: <uri>: <message>`. */
export function reportError(e: unknown): number {
  if (isCliError(e)) {
    process.stderr.write(`error: ${e.uri !== undefined ? `${e.uri}: ` : ''}${e.message}\n`);
    return e.exitCode;
  }
  if (isWampError(e)) {
    const msg = typeof e.args[0] === 'string' ? e.args[0] : JSON.stringify(e.args);
    process.stderr.write(`error: ${e.uri}: ${msg}\n`);
    return 1;
  }
  process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  return 1;
}
