/**
 * WAMP IDs [WAMP basic §IDs]: integers in [1, 2^53]. Session and publication IDs are
 * drawn at random; request IDs count up per session, wrapping.
 * @module
 */
import { MAX_ID } from './messages/fields.js';

/** A random ID, uniform over [1, 2^53]. */
export function randomId(): number {
  // Two draws: Math.random has 52 bits of precision at best.
  const hi = Math.floor(Math.random() * 0x200000); // 21 bits
  const lo = Math.floor(Math.random() * 0x100000000); // 32 bits
  return ((hi * 0x100000000 + lo) % MAX_ID) + 1;
}

/** Sequential IDs 1, 2, 3, … wrapping after 2^53. */
export class IdSequence {
  private current = 0;
  next(): number {
    this.current = this.current >= MAX_ID ? 1 : this.current + 1;
    return this.current;
  }
}
