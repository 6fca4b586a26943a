/**
 * Strict hex and byte helpers. `Buffer.from(s, 'hex')` silently stops at the first bad
 * character, which would let a malformed signature or key decode to something shorter
 * instead of being rejected, so all hex input goes through `parseHex` first.
 * @module
 */
import { timingSafeEqual } from 'node:crypto';

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;

/** Decode hex (either case); `undefined` if not even-length hex or not `bytes` long. */
export function parseHex(text: string, bytes?: number): Buffer | undefined {
  if (bytes !== undefined && text.length !== bytes * 2) return undefined;
  if (!HEX_RE.test(text)) return undefined;
  return Buffer.from(text, 'hex');
}

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** A Buffer view of `bytes` without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Constant-time equality for equal-length inputs; `false` (early) on length mismatch. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
