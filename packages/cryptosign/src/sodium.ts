/**
 * Ed25519 verification by libsodium (`sodium-native`, an optional dependency with prebuilt
 * binaries), where it loads. On this machine kind it verifies in ~55 µs against OpenSSL
 * 3.0's ~100–115 µs through `node:crypto`, and a router verifies once per cryptosign
 * handshake (docs/PERFORMANCE.md, issue 16). It is also what Crossbar.io verifies with
 * (PyNaCl), so the same signatures pass: libsodium refuses small-order keys and
 * non-canonical encodings that OpenSSL lets through. Without the package (a platform with
 * no prebuilt binary, `CDC_ED25519=openssl`), `verifyEd25519` uses `node:crypto`.
 * @module
 */
import { createRequire } from 'node:module';

interface Sodium {
  crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, key: Uint8Array): boolean;
}

function load(): Sodium | undefined {
  if (process.env['CDC_ED25519'] === 'openssl') return undefined;
  try {
    const sodium = createRequire(import.meta.url)('sodium-native') as Partial<Sodium>;
    return typeof sodium.crypto_sign_verify_detached === 'function'
      ? (sodium as Sodium)
      : undefined;
  } catch {
    return undefined;
  }
}

const sodium = load();

/** An implementation of Ed25519 verification. */
export type Ed25519Backend = 'libsodium' | 'openssl';

/** Which implementation verifies Ed25519 signatures in this process by default. */
export const ed25519Backend: Ed25519Backend = sodium === undefined ? 'openssl' : 'libsodium';

/**
 * Verify with libsodium: `undefined` when it is not loaded (the caller falls back to
 * OpenSSL). Lengths are the caller's to check (32-byte key, 64-byte signature).
 */
export function sodiumVerify(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean | undefined {
  if (sodium === undefined) return undefined;
  try {
    return sodium.crypto_sign_verify_detached(signature, message, publicKey);
  } catch {
    return false;
  }
}
