/**
 * WAMP-CRA [WAMP advanced §WAMP-CRA; autobahn `wamp/auth.py`; crossbar
 * `router/auth/wampcra.py`]: the router sends a JSON challenge string, the client answers
 * base64(HMAC-SHA256(key, challenge)), where the key is the secret itself or, for salted
 * secrets, the base64 TEXT of PBKDF2-HMAC-SHA256(secret, salt) — the text, not its bytes,
 * is the HMAC key, which is what autobahn-python and autobahn-js both do.
 * @module
 */
import { createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { KeyError } from './errors.js';

export const CRA_DEFAULT_ITERATIONS = 1000;
export const CRA_DEFAULT_KEYLEN = 32;

/**
 * The derived key for a salted WAMP-CRA secret: base64 of PBKDF2-HMAC-SHA256 over the
 * UTF-8 secret and the UTF-8 bytes of the salt string.
 * @throws KeyError `INVALID_ARGUMENT` for non-positive or non-integer parameters.
 */
export function deriveCraKey(
  secret: string,
  salt: string,
  iterations: number = CRA_DEFAULT_ITERATIONS,
  keylen: number = CRA_DEFAULT_KEYLEN,
): string {
  if (!Number.isSafeInteger(iterations) || iterations < 1)
    throw new KeyError(
      'INVALID_ARGUMENT',
      `WAMP-CRA iterations must be a positive integer, got ${iterations}`,
    );
  if (!Number.isSafeInteger(keylen) || keylen < 1 || keylen > 1024)
    throw new KeyError(
      'INVALID_ARGUMENT',
      `WAMP-CRA keylen must be an integer in 1..1024, got ${keylen}`,
    );
  return pbkdf2Sync(
    Buffer.from(secret, 'utf8'),
    Buffer.from(salt, 'utf8'),
    iterations,
    keylen,
    'sha256',
  ).toString('base64');
}

/** The WAMP-CRA signature: base64(HMAC-SHA256(key as UTF-8, challenge as UTF-8)). */
export function computeCraSignature(key: string, challenge: string): string {
  return createHmac('sha256', Buffer.from(key, 'utf8')).update(challenge, 'utf8').digest('base64');
}

/**
 * Check a WAMP-CRA signature in constant time (for equal lengths; the length of a
 * base64 SHA-256 MAC is public). `false` for any malformed input, never throws.
 */
export function verifyCraSignature(key: string, challenge: string, signature: string): boolean {
  try {
    const expected = Buffer.from(computeCraSignature(key, challenge), 'utf8');
    // Compare the text the client sent, not its base64 decoding: Node's decoder skips
    // junk characters, which would accept signatures that are not the canonical one.
    const given = Buffer.from(signature, 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected);
  } catch {
    return false;
  }
}

export interface CraChallengeFields {
  readonly authid: string;
  readonly authrole: string;
  readonly authprovider: string;
  /** The session id the client will get once authenticated. */
  readonly session: number;
  /** Override the random nonce (tests). */
  readonly nonce?: string;
  /** Override the timestamp (tests); default now. */
  readonly timestamp?: Date;
}

/**
 * The challenge string a router puts in CHALLENGE `extra.challenge`: the JSON object
 * `{authid, authrole, authmethod: "wampcra", authprovider, session, nonce, timestamp}`.
 * Keys, their order, the 64-character base64 nonce (`util.newid(64)`) and the
 * millisecond ISO 8601 `Z` timestamp are Crossbar.io's, and so is the spacing of
 * Python's `json.dumps` (`", "` and `": "`), so the string looks exactly like one from
 * Crossbar.io; clients only ever sign it as opaque text.
 */
export function craChallenge(fields: CraChallengeFields): string {
  const obj: [string, string | number][] = [
    ['authid', fields.authid],
    ['authrole', fields.authrole],
    ['authmethod', 'wampcra'],
    ['authprovider', fields.authprovider],
    ['session', fields.session],
    ['nonce', fields.nonce ?? randomBytes(48).toString('base64')],
    ['timestamp', (fields.timestamp ?? new Date()).toISOString()],
  ];
  return `{${obj.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')}}`;
}

/** The parts of a wampcra CHALLENGE's `extra` a client needs. */
export interface CraChallengeExtra {
  readonly challenge: string;
  readonly salt?: string | undefined;
  readonly iterations?: number | undefined;
  readonly keylen?: number | undefined;
}

/**
 * The client's AUTHENTICATE signature for a wampcra CHALLENGE: with a salt, the key is
 * derived first (default 1000 iterations, 32 bytes, as autobahn); otherwise the secret
 * is the key.
 */
export function answerCraChallenge(secret: string, extra: CraChallengeExtra): string {
  const key =
    extra.salt === undefined || extra.salt === ''
      ? secret
      : deriveCraKey(
          secret,
          extra.salt,
          extra.iterations ?? CRA_DEFAULT_ITERATIONS,
          extra.keylen ?? CRA_DEFAULT_KEYLEN,
        );
  return computeCraSignature(key, extra.challenge);
}
