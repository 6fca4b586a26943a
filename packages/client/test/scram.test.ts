/**
 * WAMP-SCRAM in the client: credentials derived exactly as autobahn-python's
 * `derive_scram_credential` (a vector made with Debian's autobahn 22.7.1 and argon2-cffi),
 * and the exchange against a router played by hand, checked with Node's crypto: HELLO's
 * nonce, the proof, the server signature in WELCOME (a wrong one is refused).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { MessageType, WampErrors } from '@cdc/protocol';
import { AbortError, deriveScramCredential, joinSession, type JoinOptions } from '../src/index.js';
import { RouterPeer, WELCOME_DETAILS, expectMessage } from './fake-router.js';
import { transportPair } from './memory-transport.js';

const hmac = (k: Buffer, d: string | Buffer): Buffer => createHmac('sha256', k).update(d).digest();

test('scram - argon2id credentials equal autobahn-python derive_scram_credential', async () => {
  // autobahn.wamp.auth.derive_scram_credential('alice@example.com', 's3cret-pässword'):
  // salt = SHA-256(email)[:16], t=4096, m=512, p=1.
  const salt = createHash('sha256').update('alice@example.com').digest().subarray(0, 16);
  const c = await deriveScramCredential('s3cret-pässword', { kdf: 'argon2id13', salt });
  assert.deepEqual(c, {
    kdf: 'argon2id-13',
    memory: 512,
    iterations: 4096,
    salt: 'ff8d9819fc0e12bf0d24892e45987e24',
    'stored-key': 'd8df763bf2b478d1765b81e4809397c2f5a07849724030036a906b550e6dfbc4',
    'server-key': '98c7495d0218914219930c6664ad3ced331be754b7f6ebf84dad4df51281c4ca',
  });
});

test('scram - pbkdf2 credentials: PBKDF2-SHA256 of the salt bytes, random salt by default', async () => {
  const c = await deriveScramCredential('pw', { kdf: 'pbkdf2', iterations: 1000 });
  assert.equal(c.kdf, 'pbkdf2');
  assert.equal(c.memory, undefined);
  const sp = pbkdf2Sync('pw', Buffer.from(c.salt, 'hex'), 1000, 32, 'sha256');
  assert.equal(c['server-key'], hmac(sp, 'Server Key').toString('hex'));
  assert.equal(c['stored-key'], createHash('sha256').update(hmac(sp, 'Client Key')).digest('hex'));
  const d = await deriveScramCredential('pw', { kdf: 'pbkdf2', iterations: 1000 });
  assert.notEqual(d.salt, c.salt);
  await assert.rejects(deriveScramCredential('pw', { kdf: 'md5' }), /unknown kdf/);
});

async function exchange(
  options: Partial<JoinOptions>,
  signature: (am: string, sp: Buffer) => string,
) {
  const [transport, routerSide] = transportPair();
  const peer = new RouterPeer(routerSide);
  const joining = joinSession(transport, {
    realm: 'realm1',
    authid: 'joe',
    password: 'pw',
    ...options,
  });
  joining.catch(() => undefined);
  const hello = await expectMessage(peer, MessageType.HELLO);
  assert.deepEqual(hello.details.authmethods, ['scram']);
  const cnonce = String((hello.details.authextra as Record<string, unknown>)['nonce']);
  assert.equal(Buffer.from(cnonce, 'base64').length, 16);
  const snonce = Buffer.concat([Buffer.from(cnonce, 'base64'), randomBytes(16)]).toString('base64');
  const salt = randomBytes(16);
  peer.send([
    MessageType.CHALLENGE,
    'scram',
    { nonce: snonce, kdf: 'pbkdf2', salt: salt.toString('base64'), iterations: 500 },
  ]);
  const auth = await expectMessage(peer, MessageType.AUTHENTICATE);
  const am = `n=joe,r=${cnonce},r=${snonce},s=${salt.toString('base64')},i=500,c=,r=${snonce}`;
  const sp = pbkdf2Sync('pw', salt, 500, 32, 'sha256');
  const clientKey = hmac(sp, 'Client Key');
  const sig = hmac(createHash('sha256').update(clientKey).digest(), am);
  assert.equal(
    auth.signature,
    Buffer.from(clientKey.map((b, i) => b ^ sig[i]!)).toString('base64'),
  );
  assert.equal(auth.extra['nonce'], snonce);
  peer.send([
    MessageType.WELCOME,
    77,
    {
      ...WELCOME_DETAILS,
      authid: 'joe',
      authmethod: 'scram',
      authextra: { scram_server_signature: signature(am, sp) },
    },
  ]);
  return { peer, joining };
}

test('scram - proof as autobahn computes it; WELCOME with the right server signature joins', async () => {
  const { peer, joining } = await exchange({}, (am, sp) =>
    hmac(hmac(sp, 'Server Key'), am).toString('base64'),
  );
  const s = await joining;
  assert.equal(s.authmethod, 'scram');
  peer.drop();
});

test('scram - a router that cannot prove it knows the credentials is refused', async () => {
  const { peer, joining } = await exchange({}, () => randomBytes(32).toString('base64'));
  await assert.rejects(
    joining,
    (e: unknown) => e instanceof AbortError && e.uri === WampErrors.AUTHENTICATION_FAILED,
  );
  const abort = await expectMessage(peer, MessageType.ABORT);
  assert.equal(abort.reason, WampErrors.AUTHENTICATION_FAILED);
});

test('scram - a challenge whose nonce does not extend ours is not answered', async () => {
  const [transport, routerSide] = transportPair();
  const peer = new RouterPeer(routerSide);
  const joining = joinSession(transport, { realm: 'realm1', authid: 'joe', password: 'pw' });
  joining.catch(() => undefined);
  await expectMessage(peer, MessageType.HELLO);
  peer.send([
    MessageType.CHALLENGE,
    'scram',
    { nonce: randomBytes(32).toString('base64'), kdf: 'pbkdf2', salt: 'AAAA', iterations: 1 },
  ]);
  const abort = await expectMessage(peer, MessageType.ABORT);
  assert.equal(abort.reason, WampErrors.CANNOT_AUTHENTICATE);
  await assert.rejects(joining, AbortError);
});
