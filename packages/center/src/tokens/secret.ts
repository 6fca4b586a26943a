/**
 * API token secrets (SPEC §7). A token is `cdc_<token_id>_<secret>`: the ID (16 hex) finds
 * the row, the secret (43 base64url characters, 256 random bits) proves it. The store keeps
 * HMAC-SHA256(salt, secret) only. A fast hash is enough: a slow KDF protects guessable
 * passwords, and nobody guesses 256 random bits; the comparison is constant-time.
 * @module
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const TOKEN = /^cdc_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface MadeToken {
  token_id: string;
  /** What the user gets, once. */
  token: string;
  salt: string;
  hash: string;
}

export function hashSecret(salt: string, secret: string): string {
  return createHmac('sha256', Buffer.from(salt, 'hex')).update(secret, 'utf8').digest('hex');
}

export function makeToken(): MadeToken {
  const token_id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const salt = randomBytes(16).toString('hex');
  return { token_id, token: `cdc_${token_id}_${secret}`, salt, hash: hashSecret(salt, secret) };
}

/** The ID and secret of a well-formed token; undefined for anything else. */
export function parseToken(token: string): { token_id: string; secret: string } | undefined {
  const m = TOKEN.exec(token);
  return m === null ? undefined : { token_id: m[1] ?? '', secret: m[2] ?? '' };
}

/** Whether `secret` hashes to `hash` under `salt`, compared in constant time. */
export function secretMatches(salt: string, hash: string, secret: string): boolean {
  const a = Buffer.from(hashSecret(salt, secret), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
