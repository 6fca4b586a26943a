import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  KeySigner,
  PUBLIC_KEY_CACHE_SIZE,
  SigningKey,
  clearPublicKeyCache,
  cryptosignMessage,
  publicKeyCacheSize,
  randomChallenge,
  signChallenge,
  verifyChallengeSignature,
  verifyEd25519,
} from '../src/index.js';
import { sharedDir } from '@cdc/testkit';
import { keyError } from './tools.js';

interface Vector {
  channel_id: string | null;
  private_key: string;
  challenge: string;
  signature: string;
}

const vectors = (
  JSON.parse(
    readFileSync(join(sharedDir(), 'wamp-testsuite', 'cryptosign-vectors.json'), 'utf8'),
  ) as { vectors: Vector[] }
).vectors;

function channelOf(v: Vector): Uint8Array | null {
  return v.channel_id === null ? null : Buffer.from(v.channel_id, 'hex');
}

/** Flip one bit of the byte at `index` in a hex string. */
function flipHex(hex: string, index: number): string {
  const bytes = Buffer.from(hex, 'hex');
  bytes[index]! ^= 0x01;
  return bytes.toString('hex');
}

test('cryptosign - there are six spec vectors, three with and three without channel id', () => {
  assert.equal(vectors.length, 6);
  assert.equal(vectors.filter((v) => v.channel_id === null).length, 3);
});

for (const [i, v] of vectors.entries()) {
  const bound = v.channel_id === null ? 'without' : 'with';
  test(`cryptosign - vector ${i + 1} (${bound} channel id) signs to the expected signature`, () => {
    const key = SigningKey.fromSeed(v.private_key);
    assert.equal(signChallenge(key, v.challenge, channelOf(v)), v.signature);
  });

  test(`cryptosign - vector ${i + 1} (${bound} channel id) verifies`, () => {
    const pub = SigningKey.fromSeed(v.private_key).publicKeyHex;
    assert.equal(verifyChallengeSignature(pub, v.challenge, v.signature, channelOf(v)), true);
    // Hex case does not matter, as for crossbar's binascii.a2b_hex.
    assert.equal(
      verifyChallengeSignature(
        pub.toUpperCase(),
        v.challenge.toUpperCase(),
        v.signature.toUpperCase(),
        channelOf(v),
      ),
      true,
    );
  });

  test(`cryptosign - vector ${i + 1} (${bound} channel id) rejects every tampering`, () => {
    const pub = SigningKey.fromSeed(v.private_key).publicKeyHex;
    const ch = channelOf(v);
    const ok = (sig: string, c = ch, challenge = v.challenge, p = pub): boolean =>
      verifyChallengeSignature(p, challenge, sig, c);
    for (const at of [0, 31, 32, 63])
      assert.equal(ok(flipHex(v.signature, at)), false, `signature byte ${at}`);
    for (const at of [64, 80, 95])
      assert.equal(ok(flipHex(v.signature, at)), false, `message byte ${at}`);
    // Another challenge, and the signature under its own (valid) message but a different channel.
    assert.equal(ok(v.signature, ch, flipHex(v.challenge, 0)), false);
    const otherChannel = Buffer.alloc(32, 0x42);
    assert.equal(ok(v.signature, otherChannel), false);
    // Binding on one side only.
    assert.equal(ok(v.signature, ch === null ? otherChannel : null), false);
    // Someone else's key.
    const stranger = SigningKey.fromSeed(vectors[(i + 1) % 3]!.private_key).publicKeyHex;
    assert.equal(ok(v.signature, ch, v.challenge, stranger), false);
  });
}

test('cryptosign - channel binding signs challenge XOR channel id', () => {
  const v = vectors.find((x) => x.channel_id !== null)!;
  const challenge = Buffer.from(v.challenge, 'hex');
  const channel = Buffer.from(v.channel_id!, 'hex');
  const message = cryptosignMessage(v.challenge, channel);
  assert.deepEqual(Buffer.from(message), Buffer.from(challenge.map((b, i) => b ^ channel[i]!)));
  assert.equal(v.signature.slice(128), Buffer.from(message).toString('hex'));
  // Without binding (null or undefined) the message is the challenge itself.
  assert.deepEqual(Buffer.from(cryptosignMessage(v.challenge)), challenge);
  assert.deepEqual(Buffer.from(cryptosignMessage(challenge, null)), challenge);
  // Inputs are not modified.
  const copy = Buffer.from(challenge);
  cryptosignMessage(copy, channel);
  assert.deepEqual(copy, challenge);
});

test('cryptosign - malformed challenges and channel ids are rejected with INVALID_ARGUMENT', () => {
  const key = SigningKey.generate();
  for (const challenge of [
    '',
    'ab',
    'f'.repeat(63),
    'f'.repeat(66),
    'g'.repeat(64),
    ' '.repeat(64),
  ])
    assert.throws(() => signChallenge(key, challenge), keyError('INVALID_ARGUMENT'));
  assert.throws(() => cryptosignMessage(new Uint8Array(31)), keyError('INVALID_ARGUMENT'));
  for (const channel of [new Uint8Array(0), new Uint8Array(31), new Uint8Array(33)])
    assert.throws(
      () => signChallenge(key, randomChallenge(), channel),
      keyError('INVALID_ARGUMENT', 'channel id'),
    );
});

test('cryptosign - verifyChallengeSignature returns false for malformed input and never throws', () => {
  const v = vectors[0]!;
  const pub = SigningKey.fromSeed(v.private_key).publicKeyHex;
  const cases: [string, string, string, Uint8Array | null | undefined][] = [
    [pub, v.challenge, v.signature.slice(0, 190), null], // short
    [pub, v.challenge, v.signature + '00', null], // long
    [pub, v.challenge, 'z' + v.signature.slice(1), null], // non-hex
    [pub, v.challenge, '', null],
    [pub, v.challenge, ' '.repeat(192), null],
    [pub.slice(0, 62), v.challenge, v.signature, null], // short pubkey
    [pub + '00', v.challenge, v.signature, null], // long pubkey
    ['x'.repeat(64), v.challenge, v.signature, null], // non-hex pubkey
    ['ff'.repeat(32), v.challenge, v.signature, null], // not a curve point
    [pub, v.challenge.slice(2), v.signature, null], // short challenge
    [pub, 'q'.repeat(64), v.signature, null], // non-hex challenge
    [pub, v.challenge, v.signature, new Uint8Array(16)], // short channel id
  ];
  for (const [p, c, s, ch] of cases)
    assert.equal(verifyChallengeSignature(p, c, s, ch), false, `${p} ${c} ${s}`);
  // JavaScript callers may hand over anything decoded from the wire.
  const loose = verifyChallengeSignature as (...args: unknown[]) => boolean;
  for (const junk of [undefined, null, 42, {}, [], new Uint8Array(96)]) {
    assert.equal(loose(junk, v.challenge, v.signature), false);
    assert.equal(loose(pub, junk, v.signature), false);
    assert.equal(loose(pub, v.challenge, junk), false);
  }
  assert.equal(loose(pub, v.challenge, v.signature, 'not bytes'), false);
});

test('cryptosign - randomChallenge gives 64 fresh hex characters', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 100; i++) {
    const c = randomChallenge();
    assert.match(c, /^[0-9a-f]{64}$/);
    seen.add(c);
  }
  assert.equal(seen.size, 100);
});

test('cryptosign - a generated key signs challenges that verify, bound and unbound', () => {
  const key = SigningKey.generate();
  const challenge = randomChallenge();
  const channel = Buffer.alloc(32, 7);
  const sig = signChallenge(key, challenge);
  assert.equal(sig.length, 192);
  assert.equal(verifyChallengeSignature(key.publicKeyHex, challenge, sig), true);
  const bound = signChallenge(key, challenge, channel);
  assert.equal(verifyChallengeSignature(key.publicKeyHex, challenge, bound, channel), true);
  assert.equal(verifyChallengeSignature(key.publicKeyHex, challenge, bound), false);
});

test('cryptosign - KeySigner answers the spec vectors', async () => {
  for (const v of vectors) {
    const signer = new KeySigner(SigningKey.fromSeed(v.private_key));
    assert.equal(signer.kind, 'key');
    assert.equal(await signer.signChallenge(v.challenge, channelOf(v)), v.signature);
  }
  const signer = new KeySigner(SigningKey.generate());
  await assert.rejects(signer.signChallenge('nope'), keyError('INVALID_ARGUMENT'));
});

test('cryptosign - OpenSSL public keys are cached, bounded, and verification is fast', () => {
  clearPublicKeyCache();
  const v = vectors.find((x) => x.channel_id === null)!;
  // The cache serves the OpenSSL backend (libsodium takes the raw key as it is).
  const signed = Buffer.from(v.signature, 'hex');
  const verifyChallengeSignature = (pub: string, _challenge: string, _sig: string): boolean =>
    verifyEd25519(pub, signed.subarray(64), signed.subarray(0, 64), 'openssl');
  const pub = SigningKey.fromSeed(v.private_key).publicKeyHex;
  assert.equal(verifyChallengeSignature(pub, v.challenge, v.signature), true);
  assert.equal(publicKeyCacheSize(), 1);
  // The same key in upper case is the same cache entry.
  assert.equal(verifyChallengeSignature(pub.toUpperCase(), v.challenge, v.signature), true);
  assert.equal(publicKeyCacheSize(), 1);
  // A flood of distinct keys never grows the cache past its bound.
  const start = performance.now();
  const n = 2000;
  for (let i = 0; i < n; i++) {
    const fake = i.toString(16).padStart(64, 'a');
    verifyChallengeSignature(fake, v.challenge, v.signature);
  }
  assert.ok(publicKeyCacheSize() <= PUBLIC_KEY_CACHE_SIZE);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) verifyChallengeSignature(pub, v.challenge, v.signature);
  const perVerifyMs = (performance.now() - t0) / n;
  // ~0.1 ms on a laptop; a generous bound keeps slow CI from flaking.
  assert.ok(perVerifyMs < 2, `verify took ${perVerifyMs} ms`);
  assert.ok(performance.now() - start < 20_000);
  clearPublicKeyCache();
  assert.equal(publicKeyCacheSize(), 0);
});
