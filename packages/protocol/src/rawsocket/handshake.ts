/**
 * The RawSocket opening handshake [WAMP advanced §RawSocket Transport]: the client sends
 * `0x7F, (L << 4) | S, 0, 0`; the router echoes S with its own L, or replies
 * `0x7F, E << 4, 0, 0` to refuse. L announces the largest message the sender will
 * *receive*, 2^(9+L) bytes (512 B … 16 MiB).
 * @module
 */
import { HandshakeErrorCode, RawSocketHandshakeError } from './errors.js';

export const RAWSOCKET_MAGIC = 0x7f;
export const HANDSHAKE_LENGTH = 4;
/** The largest message RawSocket can carry: 2^24 bytes (L = 15). */
export const RAWSOCKET_MAX_LENGTH = 0x1000000;

/** Bytes for a length exponent: 2^(9+L). */
export function exponentToMaxLength(exponent: number): number {
  if (!Number.isInteger(exponent) || exponent < 0 || exponent > 15)
    throw new RangeError(`RawSocket length exponent must be 0..15, got ${exponent}`);
  return 2 ** (9 + exponent);
}

/**
 * The largest exponent whose length does not exceed `bytes`, clamped to 0..15: a peer
 * announcing it never has to accept more than it asked for (below 512 B it gets 512 B,
 * the protocol minimum).
 */
export function maxLengthToExponent(bytes: number): number {
  if (!(bytes >= 1024)) return 0;
  if (bytes >= RAWSOCKET_MAX_LENGTH) return 15;
  return Math.floor(Math.log2(bytes)) - 9;
}

/** A decoded handshake: what the sender speaks and the largest message it accepts. */
export interface RawSocketHandshake {
  /** The serializer number (1 JSON, 2 MessagePack, 3 CBOR, …). */
  serializer: number;
  /** The length exponent L. */
  exponent: number;
  /** 2^(9+L): the largest message the sender accepts. */
  maxLength: number;
}

function encode(second: number): Uint8Array {
  return Uint8Array.of(RAWSOCKET_MAGIC, second, 0, 0);
}

/** The client's request, or the router's accepting reply (same layout). */
export function encodeHandshake(serializer: number, exponent: number): Uint8Array {
  if (!Number.isInteger(serializer) || serializer < 1 || serializer > 15)
    throw new RangeError(`RawSocket serializer must be 1..15, got ${serializer}`);
  exponentToMaxLength(exponent); // range check
  return encode((exponent << 4) | serializer);
}

/** A router's error reply. */
export function encodeHandshakeError(code: number): Uint8Array {
  if (!Number.isInteger(code) || code < 1 || code > 15)
    throw new RangeError(`RawSocket handshake error code must be 1..15, got ${code}`);
  return encode(code << 4);
}

function checkFrame(bytes: Uint8Array): void {
  if (bytes.length < HANDSHAKE_LENGTH)
    throw new RawSocketHandshakeError(`RawSocket handshake needs 4 bytes, got ${bytes.length}`);
  if (bytes[0] !== RAWSOCKET_MAGIC) throw new RawSocketHandshakeError('not a RawSocket handshake');
}

/**
 * Parse a client's request (router side).
 * @throws RawSocketHandshakeError whose `code` is the error to reply with (none for a
 *   wrong magic byte: that is not RawSocket at all, so just drop the connection).
 */
export function parseHandshakeRequest(bytes: Uint8Array): RawSocketHandshake {
  checkFrame(bytes);
  if (bytes[2] !== 0 || bytes[3] !== 0)
    throw new RawSocketHandshakeError(
      'RawSocket handshake uses reserved bits',
      HandshakeErrorCode.RESERVED_BITS_USED,
    );
  const second = bytes[1] ?? 0;
  const serializer = second & 0x0f;
  if (serializer === 0)
    throw new RawSocketHandshakeError(
      'RawSocket handshake requests the illegal serializer 0',
      HandshakeErrorCode.SERIALIZER_UNSUPPORTED,
    );
  const exponent = second >> 4;
  return { serializer, exponent, maxLength: 2 ** (9 + exponent) };
}

/**
 * Parse a router's reply (client side).
 * @throws RawSocketHandshakeError with the router's error `code` for an error reply, or
 *   without a code for a malformed reply.
 */
export function parseHandshakeReply(bytes: Uint8Array): RawSocketHandshake {
  checkFrame(bytes);
  const second = bytes[1] ?? 0;
  const serializer = second & 0x0f;
  if (serializer === 0) throw RawSocketHandshakeError.fromCode(second >> 4);
  if (bytes[2] !== 0 || bytes[3] !== 0)
    throw new RawSocketHandshakeError('RawSocket handshake reply uses reserved bits');
  const exponent = second >> 4;
  return { serializer, exponent, maxLength: 2 ** (9 + exponent) };
}
