/**
 * The SDK's one error class. Whatever fails — a call the router or center refuses, a join
 * it refuses, a lost connection, a bad argument — is a {@link CdcError} with the error's
 * URI (from the catalogue: `docs/errors.md`), the human-readable message and the payload.
 * @module
 */
import { ERROR_CATALOGUE } from '@cdc/api';
import { WampError, errorMessage } from '@cdc/protocol';
import type { Args, Kwargs } from '@cdc/protocol';

/**
 * A failure with its URI (`uri`), its human-readable message (`message`) and its payload
 * (`args`, `kwargs`), as a `WampError` of `@cdc/protocol` is.
 */
export class CdcError extends WampError {
  override name = 'CdcError';
  /** The procedure (or topic) the failed request named, when there was one. */
  readonly procedure: string | undefined;

  constructor(
    uri: string,
    message: string,
    options: { args?: Args; kwargs?: Kwargs; procedure?: string; cause?: unknown } = {},
  ) {
    super(uri, options.args ?? [message], options.kwargs ?? {}, { cause: options.cause });
    this.message = message;
    this.procedure = options.procedure;
  }

  /** Whether this is the error `uri` (e.g. `CdcErrors.NODE_OFFLINE`). */
  is(uri: string): boolean {
    return this.uri === uri;
  }

  /** The catalogue's meaning of the URI, when it is one of ours. */
  get meaning(): string | undefined {
    return ERROR_CATALOGUE[this.uri];
  }

  override toString(): string {
    return `${this.name}: ${this.uri}: ${this.message}`;
  }

  /**
   * Any failure as a CdcError: a WAMP error keeps its URI, arguments and keyword arguments
   * (its message is its first argument when that is text); anything else becomes
   * `wamp.error.runtime_error` with its message.
   */
  static from(e: unknown, procedure?: string): CdcError {
    if (e instanceof CdcError) return e;
    const base = procedure !== undefined ? { procedure, cause: e } : { cause: e };
    if (e instanceof WampError) {
      const first = e.args[0];
      const text =
        typeof first === 'string' ? first : e.args.length > 0 ? JSON.stringify(e.args) : e.uri;
      return new CdcError(e.uri, text, { ...base, args: e.args, kwargs: e.kwargs });
    }
    return new CdcError('wamp.error.runtime_error', errorMessage(e), base);
  }
}

/** Whether `e` is a CdcError (with URI `uri`, when given). */
export function isCdcError(e: unknown, uri?: string): e is CdcError {
  return e instanceof CdcError && (uri === undefined || e.uri === uri);
}
