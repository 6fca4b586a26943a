/**
 * Mutual authentication of two center instances on a new link: an HMAC-SHA256
 * challenge-response over fresh nonces from both sides, keyed with the shared cluster
 * secret. The server proves itself too, so an instance never forwards sessions to a
 * listener that merely answers on the owner's address. The secret itself never crosses.
 * @module
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const NONCE_BYTES = 32;

export function newNonce(): Uint8Array {
  return randomBytes(NONCE_BYTES);
}

/** The client's proof: over both nonces and its instance ID, with a role label. */
export function clientMac(
  secret: Uint8Array,
  serverNonce: Uint8Array,
  clientNonce: Uint8Array,
  instance: string,
): Uint8Array {
  return mac(secret, 'cdc-link-client', serverNonce, clientNonce, instance);
}

/** The server's proof, with the nonces the other way round and its own label. */
export function serverMac(
  secret: Uint8Array,
  serverNonce: Uint8Array,
  clientNonce: Uint8Array,
  instance: string,
): Uint8Array {
  return mac(secret, 'cdc-link-server', clientNonce, serverNonce, instance);
}

/** Constant-time comparison of a received proof with the expected one. */
export function macEquals(received: unknown, expected: Uint8Array): boolean {
  return (
    received instanceof Uint8Array &&
    received.byteLength === expected.byteLength &&
    timingSafeEqual(received, expected)
  );
}

function mac(
  secret: Uint8Array,
  label: string,
  first: Uint8Array,
  second: Uint8Array,
  instance: string,
): Uint8Array {
  return createHmac('sha256', secret)
    .update(`${label}\0`)
    .update(first)
    .update(second)
    .update(instance)
    .digest();
}
