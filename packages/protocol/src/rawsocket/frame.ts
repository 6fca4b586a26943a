/**
 * RawSocket framing: every message is prefixed with 4 bytes, `RRRR XTTT` and a 24-bit
 * big-endian length. TTT is the frame type; X is the 25th length bit, set only for a
 * payload of exactly 2^24 bytes (with the 24 length bits cleared).
 * @module
 */
import { PayloadSizeError } from '../transport.js';
import { RAWSOCKET_MAX_LENGTH } from './handshake.js';

export const FrameType = {
  WAMP: 0,
  PING: 1,
  PONG: 2,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export const FRAME_HEADER_LENGTH = 4;

/**
 * Write a frame header at `offset` of `target` (which needs 4 bytes there). Writes into a
 * caller's buffer so a transport can frame header and payload in one allocation.
 * @throws PayloadSizeError for a payload over 2^24 bytes, which no frame can carry.
 */
export function writeFrameHeader(
  target: Uint8Array,
  offset: number,
  type: FrameType,
  length: number,
): void {
  if (length > RAWSOCKET_MAX_LENGTH) throw new PayloadSizeError(length, RAWSOCKET_MAX_LENGTH);
  if (length === RAWSOCKET_MAX_LENGTH) {
    target[offset] = 0x08 | type;
    target[offset + 1] = 0;
    target[offset + 2] = 0;
    target[offset + 3] = 0;
    return;
  }
  target[offset] = type;
  target[offset + 1] = (length >>> 16) & 0xff;
  target[offset + 2] = (length >>> 8) & 0xff;
  target[offset + 3] = length & 0xff;
}

/** One complete frame (header + a copy of the payload). */
export function encodeFrame(type: FrameType, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_LENGTH + payload.length);
  writeFrameHeader(out, 0, type, payload.length);
  out.set(payload, FRAME_HEADER_LENGTH);
  return out;
}
