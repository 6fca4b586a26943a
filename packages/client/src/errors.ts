/**
 * Typed errors of the client. Every one is a {@link WampError}, so callers can catch one
 * class and branch on its stable `uri`; the subclasses only add what their situation knows.
 * @module
 */
import { CloseReasons, WampError, WampErrors } from '@cdc/protocol';
import type { Args, Kwargs } from '@cdc/protocol';

/**
 * Sent in ABORT when the client cannot answer a CHALLENGE (no credentials for the method,
 * or the signer failed). autobahn uses the same URI.
 */
export const CANNOT_AUTHENTICATE = WampErrors.CANNOT_AUTHENTICATE;

/**
 * The router refused the session with ABORT (during the handshake), or the client gave up
 * on the handshake itself. `uri` is the ABORT reason, e.g. `wamp.error.not_authorized`.
 */
export class AbortError extends WampError {
  override name = 'AbortError';
  /** The ABORT `Details` (usually `{message}`). */
  readonly details: Record<string, unknown>;

  constructor(reason: string, details: Record<string, unknown> = {}, args?: Args, kwargs?: Kwargs) {
    const text = typeof details['message'] === 'string' ? details['message'] : undefined;
    super(reason, args ?? (text !== undefined ? [text] : []), kwargs ?? {});
    this.details = details;
  }

  /** The reason URI (same as `uri`). */
  get reason(): string {
    return this.uri;
  }

  /** The human-readable message the router put in `Details.message`, if any. */
  get detailMessage(): string | undefined {
    const m = this.details['message'];
    return typeof m === 'string' ? m : undefined;
  }
}

/**
 * A request could not complete because its session ended, or a request was made on a
 * session that has ended. `uri` is the close reason (`wamp.close.normal`,
 * `wamp.close.system_shutdown`, `wamp.error.protocol_violation`, …).
 */
export class SessionClosedError extends WampError {
  override name = 'SessionClosedError';

  constructor(reason: string = CloseReasons.NORMAL, message?: string) {
    super(reason, message !== undefined ? [message] : []);
  }

  get reason(): string {
    return this.uri;
  }
}

/** The transport dropped without a closing handshake; `uri` is `wamp.close.transport_lost`. */
export class TransportLostError extends SessionClosedError {
  override name = 'TransportLostError';

  constructor(message = 'the transport was lost') {
    super(CloseReasons.TRANSPORT_LOST, message);
  }
}

/** A call was canceled (locally or by the router); `uri` is `wamp.error.canceled`. */
export class CanceledError extends WampError {
  override name = 'CanceledError';

  constructor(args: Args = ['the call was canceled'], kwargs: Kwargs = {}) {
    super(WampErrors.CANCELED, args, kwargs);
  }
}

/** The WampError for an ERROR received from the router; canceled calls get {@link CanceledError}. */
export function errorFromWire(uri: string, args: Args = [], kwargs: Kwargs = {}): WampError {
  return uri === WampErrors.CANCELED
    ? new CanceledError(args, kwargs)
    : new WampError(uri, args, kwargs);
}

/** A local argument error, raised before anything goes on the wire. */
export function invalidArgument(message: string): WampError {
  return WampError.of(WampErrors.INVALID_ARGUMENT, message);
}
