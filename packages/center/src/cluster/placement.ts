/**
 * Where each realm should live: rendezvous (highest random weight) hashing of the realm name
 * over the live instances. Every instance computes the same answer from the same list, with
 * no coordination; when an instance joins, only the realms it now wins move to it (about
 * 1/n of them), and when one leaves, only its realms move, spread over the others.
 * @module
 */
import { createHash } from 'node:crypto';

/** The instance's weight for a realm: 64 bits of SHA-256 of both names. */
export function weight(instance: string, realm: string): bigint {
  return createHash('sha256')
    .update(instance)
    .update('\0')
    .update(realm)
    .digest()
    .readBigUInt64BE(0);
}

/** The instance that should serve `realm` (undefined when there is none). */
export function ownerOf(realm: string, instances: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestWeight = -1n;
  for (const id of instances) {
    const w = weight(id, realm);
    // Ties (astronomically unlikely) go to the smaller id, so every instance agrees.
    if (w > bestWeight || (w === bestWeight && best !== undefined && id < best)) {
      best = id;
      bestWeight = w;
    }
  }
  return best;
}
