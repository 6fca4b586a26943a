/**
 * Ed25519 on Node's own `crypto` (OpenSSL; verification by libsodium where it loads, see
 * `sodium.ts`). Node has no raw-key import for Ed25519, so
 * keys are wrapped in the fixed DER prefixes of PKCS#8 (private) and SPKI (public) —
 * for Ed25519 both encodings are a constant header followed by the 32 raw bytes.
 * @module
 */
import {
  createPrivateKey,
  createPublicKey,
  randomBytes,
  sign as nodeSign,
  verify as nodeVerify,
  type KeyObject,
} from 'node:crypto';
import { asBuffer, parseHex, toHex } from './bytes.js';
import { KeyError } from './errors.js';
import { LruMap } from './lru.js';
import { ed25519Backend, sodiumVerify, type Ed25519Backend } from './sodium.js';

/** RFC 8410: SEQUENCE { INTEGER 0, AlgorithmIdentifier id-Ed25519, OCTET STRING { OCTET STRING (32) } } */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** RFC 8410: SEQUENCE { AlgorithmIdentifier id-Ed25519, BIT STRING (32 bytes) } */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export const SEED_LENGTH = 32;
export const PUBLIC_KEY_LENGTH = 32;
export const SIGNATURE_LENGTH = 64;

/** An Ed25519 private key, built from its 32-byte seed. */
export class SigningKey {
  readonly #seed: Buffer;
  readonly #privateKey: KeyObject;
  readonly #publicKey: Buffer;
  /** The 32-byte public key as lower-case hex (the cryptosign `pubkey`). */
  readonly publicKeyHex: string;

  private constructor(seed: Buffer) {
    this.#seed = seed;
    this.#privateKey = createPrivateKey({
      key: Buffer.concat([PKCS8_PREFIX, seed]),
      format: 'der',
      type: 'pkcs8',
    });
    const spki = createPublicKey(this.#privateKey).export({ format: 'der', type: 'spki' });
    this.#publicKey = spki.subarray(SPKI_PREFIX.length);
    this.publicKeyHex = this.#publicKey.toString('hex');
  }

  /** A new key from 32 bytes of CSPRNG output. */
  static generate(): SigningKey {
    return new SigningKey(randomBytes(SEED_LENGTH));
  }

  /** The key for a 32-byte seed, given as bytes or 64 hex characters. */
  static fromSeed(seed: Uint8Array | string): SigningKey {
    let bytes: Buffer | undefined;
    if (typeof seed === 'string') {
      bytes = parseHex(seed.trim(), SEED_LENGTH);
      if (bytes === undefined)
        throw new KeyError(
          'INVALID_KEY',
          `an Ed25519 seed must be ${SEED_LENGTH * 2} hex characters, got ${describeText(seed)}`,
        );
    } else {
      if (seed.length !== SEED_LENGTH)
        throw new KeyError(
          'INVALID_KEY',
          `an Ed25519 seed must be ${SEED_LENGTH} bytes, got ${seed.length}`,
        );
      // Copy so that the caller wiping or reusing its buffer cannot change this key.
      bytes = Buffer.from(seed);
    }
    return new SigningKey(bytes);
  }

  /** The 32-byte public key (a copy). */
  get publicKey(): Uint8Array {
    return Uint8Array.from(this.#publicKey);
  }

  /** The 32-byte private seed (a copy), e.g. for writing a key file. Handle with care. */
  get seed(): Uint8Array {
    return Uint8Array.from(this.#seed);
  }

  /** The 64-byte Ed25519 signature of `message`. */
  sign(message: Uint8Array): Uint8Array {
    return new Uint8Array(nodeSign(null, message, this.#privateKey));
  }

  /** Never print the seed by accident (`console.log(key)`, JSON logs). */
  toJSON(): { publicKey: string } {
    return { publicKey: this.publicKeyHex };
  }

  toString(): string {
    return `SigningKey(${this.publicKeyHex})`;
  }
}

function describeText(text: string): string {
  return text.length > 80 ? `${text.length} characters` : JSON.stringify(text);
}

/** Default bound of the public-key cache; ~200 bytes each, so ~2 MB at most. */
export const PUBLIC_KEY_CACHE_SIZE = 10_000;

const publicKeyCache = new LruMap<string, KeyObject>(PUBLIC_KEY_CACHE_SIZE);

/**
 * The `KeyObject` for a 32-byte public key, cached by its lower-case hex. `undefined`
 * if OpenSSL rejects the bytes (it accepts most 32-byte strings and fails at verify).
 */
export function publicKeyObject(publicKeyHex: string, publicKey: Buffer): KeyObject | undefined {
  const cached = publicKeyCache.get(publicKeyHex);
  if (cached !== undefined) return cached;
  let key: KeyObject;
  try {
    // As a JWK, not DER: OpenSSL 3's DER decoder takes ~110 µs a key, the JWK path ~9 µs,
    // and a center sees every key of its fleet when the fleet reconnects.
    key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: publicKey.toString('base64url') },
      format: 'jwk',
    });
  } catch {
    return undefined;
  }
  publicKeyCache.set(publicKeyHex, key);
  return key;
}

/** Entries currently in the public-key cache (for monitoring and tests). */
export function publicKeyCacheSize(): number {
  return publicKeyCache.size;
}

/** Empty the public-key cache (e.g. in tests). */
export function clearPublicKeyCache(): void {
  publicKeyCache.clear();
}

/**
 * Verify an Ed25519 signature; `false` for anything malformed, never throws. The public
 * key is 32 bytes or 64 hex characters. `backend` defaults to `ed25519Backend` (libsodium
 * unless `CDC_ED25519=openssl`, see `sodium.ts`).
 */
export function verifyEd25519(
  publicKey: Uint8Array | string,
  message: Uint8Array,
  signature: Uint8Array,
  backend: Ed25519Backend = ed25519Backend,
): boolean {
  if (signature.length !== SIGNATURE_LENGTH) return false;
  let bytes: Buffer | undefined;
  if (typeof publicKey === 'string') bytes = parseHex(publicKey, PUBLIC_KEY_LENGTH);
  else if (publicKey.length === PUBLIC_KEY_LENGTH) bytes = asBuffer(publicKey);
  if (bytes === undefined) return false;
  // libsodium when asked for and it loads (faster here, and Crossbar.io's own rules).
  const fast = backend === 'libsodium' ? sodiumVerify(bytes, message, signature) : undefined;
  if (fast !== undefined) return fast;
  const hex = typeof publicKey === 'string' ? publicKey.toLowerCase() : toHex(bytes);
  const key = publicKeyObject(hex, bytes);
  if (key === undefined) return false;
  try {
    return nodeVerify(null, message, key, signature);
  } catch {
    return false;
  }
}
