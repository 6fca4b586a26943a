/**
 * Typed errors raised by the Node transports.
 * @module
 */

/** A listener could not be opened (`code`: the system error code, e.g. `EADDRINUSE`). */
export class ListenError extends Error {
  override name = 'ListenError';
  constructor(
    message: string,
    readonly code: string,
    /** The endpoint as text: `tcp:127.0.0.1:8080` or `unix:/path`. */
    readonly endpoint: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export type ConnectErrorCode =
  'TIMEOUT' | 'HANDSHAKE' | 'HTTP_STATUS' | 'NO_SUBPROTOCOL' | 'BAD_URL' | 'NETWORK';

/** A client transport could not be established. */
export class ConnectError extends Error {
  override name = 'ConnectError';
  constructor(
    message: string,
    readonly code: ConnectErrorCode,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A received message could not be unserialized (reported through `onProtocolError`). */
export class MessageDecodeError extends Error {
  override name = 'MessageDecodeError';
}
