/**
 * WAMP-cryptosign challenge signing and verification [WAMP advanced §Cryptosign;
 * crossbar `router/auth/cryptosign.py`]. The AUTHENTICATE signature is the hex of NaCl's
 * "signed message": the 64-byte Ed25519 signature followed by the 32-byte message, where
 * the message is the challenge, XOR the `tls-unique` channel id when channel binding is on.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { bytesEqual, parseHex, toHex } from './bytes.js';
import { SIGNATURE_LENGTH, verifyEd25519, type SigningKey } from './ed25519.js';
import { KeyError } from './errors.js';

/** Challenges and channel ids are both 32 bytes. */
export const CHALLENGE_LENGTH = 32;
/** Hex length of an AUTHENTICATE signature: (64 + 32) bytes. */
export const SIGNED_CHALLENGE_HEX_LENGTH = (SIGNATURE_LENGTH + CHALLENGE_LENGTH) * 2;

/** A fresh 32-byte random challenge as 64 hex characters. */
export function randomChallenge(): string {
  return randomBytes(CHALLENGE_LENGTH).toString('hex');
}

/**
 * The 32 bytes that get signed: the challenge, or the challenge XOR the channel id when
 * one is given (`null`/`undefined` mean no channel binding).
 * @throws KeyError `INVALID_ARGUMENT` if either is not exactly 32 bytes (64 hex).
 */
export function cryptosignMessage(
  challenge: Uint8Array | string,
  channelId?: Uint8Array | null,
): Uint8Array {
  const message = toChallengeBytes(challenge);
  if (channelId === undefined || channelId === null) return message;
  if (channelId.length !== CHALLENGE_LENGTH)
    throw new KeyError(
      'INVALID_ARGUMENT',
      `a channel id must be ${CHALLENGE_LENGTH} bytes, got ${channelId.length}`,
    );
  return message.map((b, i) => b ^ (channelId[i] ?? 0));
}

/** A copy of the challenge as bytes (so XOR never touches the caller's buffer). */
function toChallengeBytes(challenge: Uint8Array | string): Uint8Array {
  if (typeof challenge === 'string') {
    const bytes = parseHex(challenge, CHALLENGE_LENGTH);
    if (bytes === undefined)
      throw new KeyError(
        'INVALID_ARGUMENT',
        `a cryptosign challenge must be ${CHALLENGE_LENGTH * 2} hex characters, got ${
          challenge.length > 80 ? `${challenge.length} characters` : JSON.stringify(challenge)
        }`,
      );
    return new Uint8Array(bytes);
  }
  if (challenge.length !== CHALLENGE_LENGTH)
    throw new KeyError(
      'INVALID_ARGUMENT',
      `a cryptosign challenge must be ${CHALLENGE_LENGTH} bytes, got ${challenge.length}`,
    );
  return Uint8Array.from(challenge);
}

/** Join signature and message into the AUTHENTICATE hex (192 characters). */
export function signedChallengeHex(signature: Uint8Array, message: Uint8Array): string {
  return toHex(signature) + toHex(message);
}

/**
 * Sign a CHALLENGE's `extra.challenge` with `key`: returns the 192-hex AUTHENTICATE
 * signature (`hex(sig64 ‖ message32)`).
 * @throws KeyError `INVALID_ARGUMENT` for a malformed challenge or channel id.
 */
export function signChallenge(
  key: SigningKey,
  challengeHex: string,
  channelId?: Uint8Array | null,
): string {
  const message = cryptosignMessage(challengeHex, channelId);
  return signedChallengeHex(key.sign(message), message);
}

/**
 * The router's check of an AUTHENTICATE signature, as crossbar does it: 96 bytes of hex,
 * a valid Ed25519 signature by `pubkeyHex` over the trailing 32 bytes, and those bytes
 * equal to the expected message. Returns `false` for every kind of bad input — wrong
 * lengths, non-hex, an invalid public key — and never throws, because all of these
 * arrive straight from an unauthenticated peer.
 */
export function verifyChallengeSignature(
  pubkeyHex: string,
  challengeHex: string,
  signatureHex: string,
  channelId?: Uint8Array | null,
): boolean {
  // The try also covers JavaScript callers passing non-strings straight from a decoded
  // message: whatever the input, the answer is `false`, never an exception.
  try {
    if (signatureHex.length !== SIGNED_CHALLENGE_HEX_LENGTH) return false;
    const expected = cryptosignMessage(challengeHex, channelId);
    const signed = parseHex(signatureHex);
    if (signed === undefined) return false;
    const signature = signed.subarray(0, SIGNATURE_LENGTH);
    const message = signed.subarray(SIGNATURE_LENGTH);
    // Compare the message first: it is cheap and rejects a signature made for another
    // challenge or channel without spending an Ed25519 verification.
    if (!bytesEqual(message, expected)) return false;
    return verifyEd25519(pubkeyHex, message, signature);
  } catch {
    return false;
  }
}
