/**
 * PINs (SPEC §4.4): five digits from the CSPRNG, kept only as a salted scrypt hash and
 * compared in constant time. 90,000 PINs cannot resist an offline search whatever the hash
 * costs, so the hash keeps a database reader from simply reading PINs off, and the real
 * protection is online: 15 minutes, five tries, one use. scrypt's cost is set low enough
 * that a burst of registrations stays cheap (it runs on libuv's thread pool).
 * @module
 */
import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';

/** Where PINs come from: `randomPin` in production; tests of a whole center inject theirs. */
export type PinSource = (ctx: { kind: 'user' | 'realm'; email: string }) => number;

export const PIN_MIN = 10_000;
export const PIN_MAX = 99_999;

/** A five-digit PIN (never with a leading zero: it travels as an int). */
export const randomPin: PinSource = () => randomInt(PIN_MIN, PIN_MAX + 1);

const N = 2 ** 10;
const R = 8;
const P = 1;
const KEY_LEN = 32;

function derive(pin: number, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(String(pin), salt, KEY_LEN, { N: n, r, p }, (err, key) =>
      err === null ? resolve(key) : reject(err),
    );
  });
}

/** `scrypt$N$r$p$<salt hex>$<hash hex>`: the parameters travel with the hash. */
export async function hashPin(pin: number): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(pin, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('hex')}$${key.toString('hex')}`;
}

export async function pinMatches(pin: number, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'hex');
  const key = await derive(pin, Buffer.from(salt, 'hex'), Number(n), Number(r), Number(p));
  return key.length === expected.length && timingSafeEqual(key, expected);
}
