import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { KeyError, SigningKey, ed25519Backend, verifyEd25519 } from '../src/index.js';
import { sodiumAvailable } from '../src/sodium.js';
import type { Ed25519Backend } from '../src/index.js';
import { LruMap } from '../src/lru.js';
import { keyError } from './tools.js';

// RFC 8032 §7.1, TEST 1 (empty message) and TEST 2 (one byte).
const RFC8032 = [
  {
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    pub: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    msg: '',
    sig: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    pub: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    msg: '72',
    sig: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
];

/** Both verification backends: libsodium (an optional dependency) and OpenSSL. */
const BACKENDS: Ed25519Backend[] = ['libsodium', 'openssl'];

test('ed25519 - libsodium loads here and verifies unless CDC_ED25519=openssl', () => {
  // The platforms CDC supports (Node 20–24 on Linux/macOS/Windows, x64/arm64) all have one.
  assert.equal(sodiumAvailable(), true);
  assert.equal(ed25519Backend, process.env['CDC_ED25519'] === 'openssl' ? 'openssl' : 'libsodium');
});

test('ed25519 - RFC 8032 test vectors sign and verify, with either backend', () => {
  for (const v of RFC8032) {
    const key = SigningKey.fromSeed(v.seed);
    assert.equal(key.publicKeyHex, v.pub);
    const sig = key.sign(Buffer.from(v.msg, 'hex'));
    assert.equal(Buffer.from(sig).toString('hex'), v.sig);
    for (const b of BACKENDS) {
      assert.equal(verifyEd25519(v.pub, Buffer.from(v.msg, 'hex'), sig, b), true, b);
      assert.equal(verifyEd25519(key.publicKey, Buffer.from(v.msg, 'hex'), sig, b), true, b);
    }
  }
});

test('ed25519 - fromSeed accepts bytes, lower and upper case hex alike', () => {
  const v = RFC8032[0]!;
  const a = SigningKey.fromSeed(Buffer.from(v.seed, 'hex'));
  const b = SigningKey.fromSeed(v.seed.toUpperCase());
  assert.equal(a.publicKeyHex, v.pub);
  assert.equal(b.publicKeyHex, v.pub);
  assert.equal(a.publicKey.length, 32);
  assert.deepEqual(Buffer.from(a.seed).toString('hex'), v.seed);
});

test('ed25519 - fromSeed rejects wrong lengths and non-hex with INVALID_KEY', () => {
  const bad: (string | Uint8Array)[] = [
    '',
    'ab',
    '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f6', // 63 chars
    '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f6000', // 66 chars
    'zz61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    new Uint8Array(31),
    new Uint8Array(33),
    new Uint8Array(64),
  ];
  for (const seed of bad) assert.throws(() => SigningKey.fromSeed(seed), keyError('INVALID_KEY'));
  assert.throws(() => SigningKey.fromSeed('x'.repeat(64)), KeyError);
});

test('ed25519 - generate makes distinct working keys', () => {
  const a = SigningKey.generate();
  const b = SigningKey.generate();
  assert.notEqual(a.publicKeyHex, b.publicKeyHex);
  assert.match(a.publicKeyHex, /^[0-9a-f]{64}$/);
  const msg = Buffer.from('hello');
  assert.equal(verifyEd25519(a.publicKeyHex, msg, a.sign(msg)), true);
  assert.equal(verifyEd25519(b.publicKeyHex, msg, a.sign(msg)), false);
  assert.equal(SigningKey.fromSeed(a.seed).publicKeyHex, a.publicKeyHex);
});

test('ed25519 - the key is isolated from the buffers it was made from and hands out', () => {
  const seed = Buffer.from(RFC8032[0]!.seed, 'hex');
  const key = SigningKey.fromSeed(seed);
  seed.fill(0);
  key.seed.fill(0);
  key.publicKey.fill(0);
  assert.equal(key.publicKeyHex, RFC8032[0]!.pub);
  assert.equal(Buffer.from(key.seed).toString('hex'), RFC8032[0]!.seed);
  assert.equal(Buffer.from(key.publicKey).toString('hex'), RFC8032[0]!.pub);
});

test('ed25519 - printing or serialising a key never shows the seed', () => {
  const v = RFC8032[0]!;
  const key = SigningKey.fromSeed(v.seed);
  for (const text of [
    JSON.stringify(key),
    String(key),
    inspect(key, { depth: 5, showHidden: true }),
  ]) {
    assert.ok(!text.includes(v.seed), text);
  }
  assert.ok(JSON.stringify(key).includes(v.pub));
});

for (const backend of BACKENDS)
  test(`ed25519 - verifyEd25519 (${backend}) returns false for malformed input and never throws`, () => {
    const v = RFC8032[1]!;
    const msg = Buffer.from(v.msg, 'hex');
    const sig = Buffer.from(v.sig, 'hex');
    assert.equal(verifyEd25519(v.pub, msg, sig.subarray(0, 63), backend), false);
    assert.equal(verifyEd25519(v.pub, msg, Buffer.concat([sig, Buffer.of(0)]), backend), false);
    assert.equal(verifyEd25519(v.pub.slice(2), msg, sig, backend), false);
    assert.equal(verifyEd25519('g' + v.pub.slice(1), msg, sig, backend), false);
    assert.equal(verifyEd25519(new Uint8Array(31), msg, sig, backend), false);
    // 32 bytes that are not a valid curve point.
    assert.equal(verifyEd25519('ff'.repeat(32), msg, sig, backend), false);
    assert.equal(verifyEd25519(v.pub.toUpperCase(), msg, sig, backend), true);
    const flipped = Buffer.from(sig);
    flipped[10]! ^= 1;
    assert.equal(verifyEd25519(v.pub, msg, flipped, backend), false);
    // S >= L (add the group order to S) must be rejected: malleability.
    const L = Buffer.from(
      'edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010',
      'hex',
    );
    const s = Buffer.from(sig.subarray(32));
    let carry = 0;
    for (let i = 0; i < 32; i++) {
      const sum = s[i]! + L[i]! + carry;
      s[i] = sum & 0xff;
      carry = sum >> 8;
    }
    assert.equal(
      verifyEd25519(v.pub, msg, Buffer.concat([sig.subarray(0, 32), s]), backend),
      false,
    );
  });

test('lru - keeps at most maxEntries and evicts the least recently used', () => {
  const lru = new LruMap<string, number>(3);
  lru.set('a', 1);
  lru.set('b', 2);
  lru.set('c', 3);
  assert.equal(lru.get('a'), 1); // a is now the most recent
  lru.set('d', 4); // evicts b
  assert.equal(lru.size, 3);
  assert.equal(lru.has('b'), false);
  assert.deepEqual(
    ['a', 'c', 'd'].map((k) => lru.get(k)),
    [1, 3, 4],
  );
  lru.set('c', 30); // update moves c to the front without growing
  assert.equal(lru.size, 3);
  lru.set('e', 5); // the reads above left a least recent
  assert.equal(lru.has('a'), false);
  assert.equal(lru.get('c'), 30);
  lru.clear();
  assert.equal(lru.size, 0);
  assert.throws(() => new LruMap(0), RangeError);
  assert.throws(() => new LruMap(1.5), RangeError);
});
