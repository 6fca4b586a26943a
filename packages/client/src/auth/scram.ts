/**
 * WAMP-SCRAM from the client side, as autobahn-python computes it (authmethod `scram`,
 * WELCOME `authextra.scram_server_signature`), on WebCrypto for PBKDF2, HMAC and SHA-256
 * and `hash-wasm` for Argon2id, so it runs in browsers too.
 *
 * Why hash-wasm rather than the native `argon2` package: this client must run in a
 * browser (no Node built-ins, no native addons), and hash-wasm is a small, maintained,
 * dependency-free WebAssembly build that installs from the npm registry with no build
 * step. The router never runs the KDF (it holds only StoredKey and ServerKey), so the
 * client and `cdc auth scram-credentials` are the only places Argon2 runs.
 *
 * Argon2 at Crossbar.io's parameters (t=4096, m=512 KiB) costs about 1.5 s here, so the
 * salted password is remembered per credential set (password and KDF parameters) and a
 * reconnecting client pays it once — the spec allows caching it.
 * @module
 */
import {
  SCRAM_ARGON2_DEFAULTS,
  SCRAM_PBKDF2_DEFAULT_ITERATIONS,
  fromBase64,
  normalizeScramKdf,
  scramAuthMessage,
  toBase64,
} from '@cdc/protocol';
import type { ScramKdf } from '@cdc/protocol';
import type { ChannelBinding } from './cryptosign.js';

type WebCrypto = typeof globalThis.crypto;

function webcrypto(): WebCrypto {
  // Looked up at use: very old runtimes or insecure browser contexts lack it.
  const c = (globalThis as { crypto?: WebCrypto }).crypto;
  if (c?.subtle === undefined) throw new Error('WebCrypto (globalThis.crypto) is not available');
  return c;
}

const utf8 = new TextEncoder();

async function hmac(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const s = webcrypto().subtle;
  const k = await s.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await s.sign('HMAC', k, data));
}

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await webcrypto().subtle.digest('SHA-256', data));
}

export interface KdfParams {
  kdf: ScramKdf;
  salt: Uint8Array;
  iterations: number;
  /** Argon2 memory, KiB. */
  memory?: number | undefined;
}

/**
 * SaltedPassword. For Argon2id it is, as in autobahn and Crossbar.io, the *base64 text*
 * of the hash taken from the PHC string (unpadded); for PBKDF2-SHA256 the 32 raw bytes.
 */
export async function saltedPassword(password: string, p: KdfParams): Promise<Uint8Array> {
  if (p.kdf === 'argon2id-13') {
    // Loaded when first needed: its WebAssembly modules cost every client ~40 ms at start.
    const { argon2id } = await import('hash-wasm');
    const encoded = await argon2id({
      password: utf8.encode(password),
      salt: p.salt,
      iterations: p.iterations,
      memorySize: p.memory ?? SCRAM_ARGON2_DEFAULTS.memory,
      parallelism: 1,
      hashLength: 32,
      outputType: 'encoded',
    });
    return utf8.encode(encoded.slice(encoded.lastIndexOf('$') + 1));
  }
  const s = webcrypto().subtle;
  const base = await s.importKey('raw', utf8.encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await s.deriveBits(
    { name: 'PBKDF2', salt: p.salt, iterations: p.iterations, hash: 'SHA-256' },
    base,
    256,
  );
  return new Uint8Array(bits);
}

const toHex = (b: Uint8Array): string =>
  Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** A principal's stored credentials in Crossbar.io's config format. */
export interface ScramCredentialJson {
  kdf: ScramKdf;
  iterations: number;
  memory?: number;
  salt: string;
  'stored-key': string;
  'server-key': string;
}

/**
 * The stored credentials for a password (what `cdc auth scram-credentials` prints): the
 * router learns only StoredKey and ServerKey. Defaults: Argon2id at Crossbar.io's
 * parameters, PBKDF2-SHA256 at 100 000 iterations, a random 16-byte salt.
 */
export async function deriveScramCredential(
  password: string,
  o: { kdf?: string; salt?: Uint8Array; iterations?: number; memory?: number } = {},
): Promise<ScramCredentialJson> {
  const kdf = normalizeScramKdf(o.kdf ?? 'argon2id-13');
  if (kdf === undefined) throw new Error(`unknown kdf ${JSON.stringify(o.kdf)}`);
  const salt = o.salt ?? webcrypto().getRandomValues(new Uint8Array(16));
  const argon = kdf === 'argon2id-13';
  const iterations =
    o.iterations ?? (argon ? SCRAM_ARGON2_DEFAULTS.iterations : SCRAM_PBKDF2_DEFAULT_ITERATIONS);
  const memory = argon ? (o.memory ?? SCRAM_ARGON2_DEFAULTS.memory) : undefined;
  const sp = await saltedPassword(password, { kdf, salt, iterations, memory });
  const clientKey = await hmac(sp, utf8.encode('Client Key'));
  return {
    kdf,
    iterations,
    ...(memory !== undefined ? { memory } : {}),
    salt: toHex(salt),
    'stored-key': toHex(await sha256(clientKey)),
    'server-key': toHex(await hmac(sp, utf8.encode('Server Key'))),
  };
}

/**
 * Whether the router's nonce begins with ours. Compared as bytes: Crossbar.io sends
 * base64(client bytes ‖ server bytes), whose text does not begin with the text of a
 * 16-byte client nonce.
 */
function extendsNonce(server: string, client: string): boolean {
  let s: Uint8Array;
  let c: Uint8Array;
  try {
    s = fromBase64(server);
    c = fromBase64(client);
  } catch {
    return false;
  }
  return s.length > c.length && c.every((b, i) => s[i] === b);
}

/** Salted passwords already computed, per password and KDF parameters. */
const cache = new Map<string, Promise<Uint8Array>>();
const CACHE_LIMIT = 64;

function cachedSaltedPassword(password: string, p: KdfParams): Promise<Uint8Array> {
  const key = JSON.stringify([password, p.kdf, toHex(p.salt), p.iterations, p.memory ?? null]);
  let v = cache.get(key);
  if (v === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    v = saltedPassword(password, p);
    cache.set(key, v);
    v.catch(() => cache.delete(key));
  }
  return v;
}

/**
 * One SCRAM exchange: the nonce for HELLO, the proof for the CHALLENGE, and the check of
 * the router's signature in WELCOME (mutual authentication).
 */
export class ScramExchange {
  readonly clientNonce: string;
  private expectedSignature: string | undefined;

  constructor(
    private readonly authid: string,
    private readonly password: string,
    private readonly binding: ChannelBinding | null | undefined,
    private readonly cached = true,
  ) {
    this.clientNonce = toBase64(webcrypto().getRandomValues(new Uint8Array(16)));
  }

  helloExtra(): Record<string, unknown> {
    const extra: Record<string, unknown> = { nonce: this.clientNonce };
    if (this.binding !== undefined && this.binding !== null)
      extra['channel_binding'] = this.binding;
    return extra;
  }

  /** The AUTHENTICATE signature (base64 ClientProof) and extra for a `scram` CHALLENGE. */
  async answer(
    extra: Record<string, unknown>,
    channelId: Uint8Array | undefined,
  ): Promise<{ signature: string; extra: Record<string, unknown> }> {
    const { nonce, salt, iterations, memory } = extra;
    const kdf = normalizeScramKdf(extra['kdf']);
    if (kdf === undefined) throw new Error(`unknown SCRAM kdf ${JSON.stringify(extra['kdf'])}`);
    if (typeof nonce !== 'string' || !extendsNonce(nonce, this.clientNonce))
      throw new Error('the SCRAM challenge nonce does not extend ours');
    if (typeof salt !== 'string' || typeof iterations !== 'number' || iterations < 1)
      throw new Error('the SCRAM challenge lacks salt or iterations');
    if (kdf === 'argon2id-13' && typeof memory !== 'number')
      throw new Error('the SCRAM challenge lacks memory for argon2id');
    const bound = extra['channel_binding'] ?? null;
    if (bound !== null && bound !== 'tls-unique')
      throw new Error('unsupported SCRAM channel binding');
    if (bound !== null && channelId === undefined)
      throw new Error('channel binding tls-unique asked for, but the transport has no channel ID');
    const params: KdfParams = {
      kdf,
      salt: fromBase64(salt),
      iterations,
      memory: typeof memory === 'number' ? memory : undefined,
    };
    const sp = await (this.cached
      ? cachedSaltedPassword(this.password, params)
      : saltedPassword(this.password, params));
    const am = scramAuthMessage({
      authid: this.authid,
      clientNonce: this.clientNonce,
      serverNonce: nonce,
      salt,
      iterations,
      channelId: bound !== null ? channelId : undefined,
    });
    const clientKey = await hmac(sp, utf8.encode('Client Key'));
    const signature = await hmac(await sha256(clientKey), am);
    const proof = clientKey.map((b, i) => b ^ (signature[i] ?? 0));
    const serverKey = await hmac(sp, utf8.encode('Server Key'));
    this.expectedSignature = toBase64(await hmac(serverKey, am));
    const out: Record<string, unknown> = { nonce };
    if (bound !== null && channelId !== undefined) {
      out['channel_binding'] = bound;
      out['cbind_data'] = toBase64(channelId);
    }
    return { signature: toBase64(proof), extra: out };
  }

  /** Why the WELCOME does not prove the router knows our credentials, or undefined. */
  checkWelcome(authextra: Record<string, unknown> | undefined): string | undefined {
    const got = authextra?.['scram_server_signature'];
    if (this.expectedSignature === undefined) return 'WELCOME without a SCRAM exchange';
    if (typeof got !== 'string') return 'WELCOME lacks scram_server_signature';
    return got === this.expectedSignature ? undefined : 'the SCRAM server signature is wrong';
  }
}
