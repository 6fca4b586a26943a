/**
 * WAMP-CRA [WAMP advanced §WAMP-CRA] on WebCrypto (`globalThis.crypto.subtle`), so it runs
 * in browsers too. A salted secret is first stretched with PBKDF2 and, as autobahn and
 * crossbar do, the *base64 text* of the derived key is the HMAC key.
 * @module
 */
import { toBase64 } from '@cdc/protocol';

const utf8 = new TextEncoder();

type Subtle = typeof globalThis.crypto.subtle;

function subtle(): Subtle {
  // Looked up at use: very old runtimes or insecure browser contexts lack it.
  const s = (globalThis as { crypto?: { subtle?: Subtle } }).crypto?.subtle;
  if (s === undefined) throw new Error('WebCrypto (globalThis.crypto.subtle) is not available');
  return s;
}

/**
 * The salted WAMP-CRA key: base64(PBKDF2-HMAC-SHA256(secret, salt, iterations, keylen)).
 * The salt is used as its UTF-8 string bytes, not decoded.
 * `deriveCraKey('secret123', 'salt123', 1000, 32)` is `Eu7CQLfR+/Ffb+275A4s9/6H/RGKYxM4s6IMrsNKzC8=`.
 */
export async function deriveCraKey(
  secret: string,
  salt: string,
  iterations = 1000,
  keylen = 32,
): Promise<string> {
  const s = subtle();
  const base = await s.importKey('raw', utf8.encode(secret), 'PBKDF2', false, ['deriveBits']);
  const bits = await s.deriveBits(
    { name: 'PBKDF2', salt: utf8.encode(salt), iterations, hash: 'SHA-256' },
    base,
    keylen * 8,
  );
  return toBase64(new Uint8Array(bits));
}

/** base64(HMAC-SHA256(key, challenge)), both taken as UTF-8 text. */
export async function craSignature(key: string, challenge: string): Promise<string> {
  const s = subtle();
  const k = await s.importKey('raw', utf8.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const mac = await s.sign('HMAC', k, utf8.encode(challenge));
  return toBase64(new Uint8Array(mac));
}

/** The AUTHENTICATE signature for a `wampcra` CHALLENGE's extra. */
export async function answerCra(secret: string, extra: Record<string, unknown>): Promise<string> {
  const challenge = extra['challenge'];
  if (typeof challenge !== 'string') throw new Error('wampcra CHALLENGE has no challenge string');
  const salt = extra['salt'];
  let key = secret;
  if (typeof salt === 'string' && salt !== '') {
    const iterations = typeof extra['iterations'] === 'number' ? extra['iterations'] : 1000;
    const keylen = typeof extra['keylen'] === 'number' ? extra['keylen'] : 32;
    key = await deriveCraKey(secret, salt, iterations, keylen);
  }
  return craSignature(key, challenge);
}
