/**
 * Typed errors of the RawSocket handshake and framing.
 * @module
 */

/** The error codes of a RawSocket handshake error reply (`0x7F, E << 4, 0, 0`). */
export const HandshakeErrorCode = {
  SERIALIZER_UNSUPPORTED: 1,
  MAX_LENGTH_UNACCEPTABLE: 2,
  RESERVED_BITS_USED: 3,
  MAX_CONNECTIONS: 4,
} as const;
export type HandshakeErrorCode = (typeof HandshakeErrorCode)[keyof typeof HandshakeErrorCode];

const HANDSHAKE_ERROR_TEXT: Readonly<Record<number, string>> = {
  1: 'serializer unsupported',
  2: 'maximum message length unacceptable',
  3: 'use of reserved bits',
  4: 'maximum connection count reached',
};

/** Why a 4-byte handshake was refused, by the router (`code` set) or by the reader. */
export class RawSocketHandshakeError extends Error {
  override name = 'RawSocketHandshakeError';
  constructor(
    message: string,
    /** The RawSocket error code to send (router side) or received (client side), if any. */
    readonly code?: number | undefined,
  ) {
    super(message);
  }

  /** An error for a handshake error reply carrying `code`. */
  static fromCode(code: number): RawSocketHandshakeError {
    const text = HANDSHAKE_ERROR_TEXT[code] ?? `unknown error ${code}`;
    return new RawSocketHandshakeError(`RawSocket handshake refused: ${text}`, code);
  }
}

export type FrameErrorReason = 'reserved-bits' | 'unknown-type' | 'invalid-length';

/** A malformed RawSocket frame header. (Oversized frames raise `PayloadSizeError`.) */
export class RawSocketFrameError extends Error {
  override name = 'RawSocketFrameError';
  constructor(
    readonly reason: FrameErrorReason,
    message: string,
  ) {
    super(message);
  }
}
