import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  answerCraChallenge,
  computeCraSignature,
  craChallenge,
  deriveCraKey,
  verifyCraSignature,
} from '../src/index.js';
import { keyError } from './tools.js';

// Expected values computed with autobahn-python 22.7.1 (`autobahn.wamp.auth`).
const DERIVED = 'Eu7CQLfR+/Ffb+275A4s9/6H/RGKYxM4s6IMrsNKzC8=';
const CHALLENGE =
  '{"authid": "joe", "authrole": "frontend", "authmethod": "wampcra", "authprovider": "static", ' +
  '"session": 3251278072152162, "nonce": "abc/+=", "timestamp": "2024-05-01T10:00:00.123Z"}';
const SIG_WITH_DERIVED = 'eIeue7qXOMQrMHig/ri4xMraVeNGFPrni88hafA8hBg=';

test('wampcra - deriveCraKey matches autobahn (PBKDF2-HMAC-SHA256 over the salt string)', () => {
  assert.equal(deriveCraKey('secret123', 'salt123', 1000, 32), DERIVED);
  assert.equal(deriveCraKey('secret123', 'salt123'), DERIVED); // defaults 1000 / 32
  assert.equal(deriveCraKey('pässwörd', 'salz', 100, 16), 'swBbHvoW73l3V766WeOSJw==');
});

test('wampcra - deriveCraKey rejects nonsense parameters', () => {
  for (const [it, len] of [
    [0, 32],
    [-1, 32],
    [1.5, 32],
    [Number.NaN, 32],
    [1000, 0],
    [1000, 2.5],
    [1000, 100_000],
  ] as const)
    assert.throws(() => deriveCraKey('s', 'salt', it, len), keyError('INVALID_ARGUMENT'));
});

test('wampcra - computeCraSignature matches autobahn, using the derived key as text', () => {
  assert.equal(computeCraSignature(DERIVED, CHALLENGE), SIG_WITH_DERIVED);
  const unicode =
    '{"authid": "jöe \\"q\\"", "authrole": "r", "authmethod": "wampcra", "authprovider": "dynamic", "session": 1, "nonce": "n", "timestamp": "t"}';
  assert.equal(
    computeCraSignature('secret', unicode),
    'YWagMNUowGjNmERZJoWavcGMfHmBqORWj6ZRMWvVaf8=',
  );
});

test('wampcra - verifyCraSignature accepts only the exact signature and never throws', () => {
  assert.equal(verifyCraSignature(DERIVED, CHALLENGE, SIG_WITH_DERIVED), true);
  const wrong = [
    '',
    SIG_WITH_DERIVED.slice(0, -1),
    SIG_WITH_DERIVED + '=',
    `x${SIG_WITH_DERIVED.slice(1)}`,
    SIG_WITH_DERIVED.replace('=', '*'), // Node's base64 decoder would skip the junk
    ` ${SIG_WITH_DERIVED.slice(1)}`,
    computeCraSignature('secret124', CHALLENGE),
    computeCraSignature(DERIVED, `${CHALLENGE} `),
  ];
  for (const sig of wrong) assert.equal(verifyCraSignature(DERIVED, CHALLENGE, sig), false, sig);
  assert.equal(verifyCraSignature(DERIVED, `${CHALLENGE}x`, SIG_WITH_DERIVED), false);
  const loose = verifyCraSignature as (...args: unknown[]) => boolean;
  for (const junk of [undefined, null, 42, {}, [1, 2]])
    assert.equal(loose(DERIVED, CHALLENGE, junk), false);
});

test('wampcra - craChallenge writes the JSON Crossbar.io sends, byte for byte', () => {
  const text = craChallenge({
    authid: 'joe',
    authrole: 'frontend',
    authprovider: 'static',
    session: 3251278072152162,
    nonce: 'abc/+=',
    timestamp: new Date('2024-05-01T10:00:00.123Z'),
  });
  assert.equal(text, CHALLENGE);
  assert.equal(computeCraSignature(DERIVED, text), SIG_WITH_DERIVED);
});

test('wampcra - craChallenge defaults: fresh 64-char base64 nonce and a millisecond UTC timestamp', () => {
  const before = Date.now();
  const a = JSON.parse(
    craChallenge({ authid: 'a"b', authrole: 'ü', authprovider: 'dynamic', session: 7 }),
  ) as Record<string, unknown>;
  const b = JSON.parse(
    craChallenge({ authid: 'x', authrole: 'y', authprovider: 'static', session: 8 }),
  ) as Record<string, unknown>;
  assert.deepEqual(Object.keys(a), [
    'authid',
    'authrole',
    'authmethod',
    'authprovider',
    'session',
    'nonce',
    'timestamp',
  ]);
  assert.equal(a['authid'], 'a"b');
  assert.equal(a['authrole'], 'ü');
  assert.equal(a['authmethod'], 'wampcra');
  assert.equal(a['session'], 7);
  assert.match(String(a['nonce']), /^[A-Za-z0-9+/]{64}$/);
  assert.notEqual(a['nonce'], b['nonce']);
  assert.match(String(a['timestamp']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.ok(Date.parse(String(a['timestamp'])) >= before - 1);
});

test('wampcra - answerCraChallenge derives the key only when the challenge is salted', () => {
  assert.equal(
    answerCraChallenge('secret123', {
      challenge: CHALLENGE,
      salt: 'salt123',
      iterations: 1000,
      keylen: 32,
    }),
    SIG_WITH_DERIVED,
  );
  assert.equal(
    answerCraChallenge('secret123', { challenge: CHALLENGE, salt: 'salt123' }),
    SIG_WITH_DERIVED,
  );
  assert.equal(
    answerCraChallenge('secret', { challenge: CHALLENGE }),
    computeCraSignature('secret', CHALLENGE),
  );
  assert.equal(
    answerCraChallenge('secret', { challenge: CHALLENGE, salt: '' }),
    computeCraSignature('secret', CHALLENGE),
  );
});
