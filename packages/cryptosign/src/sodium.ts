/**
 * Ed25519 verification by libsodium (`sodium-native`, an optional dependency with prebuilt
 * binaries), the default; `CDC_ED25519=openssl` keeps it on `node:crypto`. On this machine
 * kind it verifies in ~51 µs against OpenSSL 3.0's ~87 µs (`bench/ed25519.mjs`), and a
 * router verifies once per cryptosign handshake; it is also what Crossbar.io verifies with
 * (PyNaCl), so the same signatures pass. The addon is loaded on the first verification,
 * not at start: loaded eagerly in every process it once kept a center's realm backends
 * from establishing their sessions in time (docs/PERFORMANCE.md, issue 16). Where the
 * package does not load, verification stays with OpenSSL.
 * @module
 */
import { createRequire } from 'node:module';

interface Sodium {
  crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, key: Uint8Array): boolean;
}

/** An implementation of Ed25519 verification. */
export type Ed25519Backend = 'libsodium' | 'openssl';

/** Which implementation verifies Ed25519 signatures in this process by default. */
export const ed25519Backend: Ed25519Backend =
  process.env['CDC_ED25519'] === 'openssl' ? 'openssl' : 'libsodium';

let sodium: Sodium | null | undefined;

/** The addon, loaded on first use; null where it does not load. */
function load(): Sodium | null {
  if (sodium !== undefined) return sodium;
  try {
    const m = createRequire(import.meta.url)('sodium-native') as Partial<Sodium>;
    sodium = typeof m.crypto_sign_verify_detached === 'function' ? (m as Sodium) : null;
  } catch {
    sodium = null;
  }
  return sodium;
}

/** Whether libsodium loads here (asking loads it). */
export function sodiumAvailable(): boolean {
  return load() !== null;
}

/**
 * Verify with libsodium: `undefined` when it does not load (the caller falls back to
 * OpenSSL). Lengths are the caller's to check (32-byte key, 64-byte signature).
 */
export function sodiumVerify(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean | undefined {
  const s = load();
  if (s === null) return undefined;
  try {
    return s.crypto_sign_verify_detached(signature, message, publicKey);
  } catch {
    return false;
  }
}
