/**
 * WAMP-SCRAM as autobahn-python and Crossbar.io implement it (authmethod `scram`): the
 * parts both ends compute alike — KDF names, SASLprep of the authid and the `AuthMessage`
 * whose HMACs are the client proof and the server signature. The hashing itself lives
 * with each end (Node's `crypto` in the router, WebCrypto and WASM in the client).
 * @module
 */
import { toBase64 } from './serializers/base64.js';

/** The KDF names on the wire: Crossbar.io's spelling first, the spec's accepted too. */
export type ScramKdf = 'argon2id-13' | 'pbkdf2';

/** `argon2id-13` (Crossbar.io, autobahn), `argon2id13` (the spec) or `pbkdf2`; else undefined. */
export function normalizeScramKdf(name: unknown): ScramKdf | undefined {
  if (name === 'argon2id-13' || name === 'argon2id13') return 'argon2id-13';
  if (name === 'pbkdf2') return 'pbkdf2';
  return undefined;
}

/** Crossbar.io's (autobahn's `derive_scram_credential`) Argon2id parameters. */
export const SCRAM_ARGON2_DEFAULTS = { iterations: 4096, memory: 512 } as const;
/** PBKDF2-SHA256 iterations when none are given (RFC 7677 asks for at least 4096). */
export const SCRAM_PBKDF2_DEFAULT_ITERATIONS = 100_000;

/** Code point ranges, inclusive. */
type Ranges = readonly (readonly [number, number])[];

const inRanges = (cp: number, r: Ranges): boolean => r.some(([lo, hi]) => cp >= lo && cp <= hi);

// RFC 3454 C.1.2: non-ASCII spaces, mapped to a space.
const NON_ASCII_SPACE: Ranges = [
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200b],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
];
// B.1: commonly mapped to nothing.
const MAPPED_TO_NOTHING: Ranges = [
  [0xad, 0xad],
  [0x34f, 0x34f],
  [0x1806, 0x1806],
  [0x180b, 0x180d],
  [0x200c, 0x200d],
  [0x2060, 0x2060],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
];
// Prohibited output: C.2 controls, C.3 private use, C.5 surrogates, C.8/C.9 format chars.
const PROHIBITED: Ranges = [
  [0x0, 0x1f],
  [0x7f, 0x9f],
  [0x340, 0x341],
  [0x200e, 0x200f],
  [0x202a, 0x202e],
  [0x206a, 0x206f],
  [0xd800, 0xdfff],
  [0xe000, 0xf8ff],
  [0xfff9, 0xfffd],
  [0xf0000, 0x10ffff],
];

/**
 * SASLprep (RFC 4013) as far as names need it: map, NFKC-normalize, refuse prohibited
 * characters. autobahn (through passlib) applies it to the authid in the AuthMessage.
 * @throws Error for a string with prohibited characters.
 */
export function saslprep(value: string): string {
  let mapped = '';
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    if (inRanges(cp, MAPPED_TO_NOTHING)) continue;
    mapped += inRanges(cp, NON_ASCII_SPACE) ? ' ' : ch;
  }
  const out = mapped.normalize('NFKC');
  for (const ch of out) {
    if (inRanges(ch.codePointAt(0) ?? 0, PROHIBITED))
      throw new Error('the name contains characters SASLprep prohibits');
  }
  return out;
}

/** What the `AuthMessage` is made of; nonces and salt as the base64 text sent on the wire. */
export interface ScramExchange {
  authid: string;
  clientNonce: string;
  serverNonce: string;
  salt: string;
  iterations: number;
  /**
   * Channel binding data (the transport's `tls-unique` channel ID) when the client asked
   * for binding and the router agreed; absent otherwise.
   */
  channelId?: Uint8Array | undefined;
}

const ascii = new TextEncoder();

/**
 * The `c=` value. Unbound it is empty, as autobahn and Crossbar.io compute it. Bound, it is
 * the spec's base64 of `p=tls-unique,,` followed by the channel ID, so the proof covers the
 * TLS channel (autobahn-python never asks for binding, so this form is ours and the spec's).
 */
function channelBindingInput(channelId: Uint8Array | undefined): string {
  if (channelId === undefined) return '';
  const head = ascii.encode('p=tls-unique,,');
  const all = new Uint8Array(head.length + channelId.length);
  all.set(head);
  all.set(channelId, head.length);
  return toBase64(all);
}

/** `n=…,r=…,r=…,s=…,i=…,c=…,r=…`, as ASCII bytes. */
export function scramAuthMessage(x: ScramExchange): Uint8Array {
  return ascii.encode(
    `n=${saslprep(x.authid)},r=${x.clientNonce},` +
      `r=${x.serverNonce},s=${x.salt},i=${x.iterations},` +
      `c=${channelBindingInput(x.channelId)},r=${x.serverNonce}`,
  );
}
