/**
 * WAMP-SCRAM on the router, against a client computed here from the algorithm (RFC 5802
 * with autobahn's AuthMessage) on Node's crypto: static and dynamic principals, the WELCOME
 * server signature, channel binding on TLS, and every way in which a login must fail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { MessageType as M, CLIENT_ROLES, WampError } from '@cdc/protocol';
import { Router } from '../src/index.js';
import type { AuthConfig, ScramCredential } from '../src/index.js';
import { Peer, openRealm } from './peer.js';

const hmac = (k: Buffer, d: string | Buffer): Buffer => createHmac('sha256', k).update(d).digest();

/** Stored credentials for a password, PBKDF2-SHA256 (the router never sees the password). */
function credential(password: string, iterations = 1000): ScramCredential & { sp: Buffer } {
  const salt = randomBytes(16);
  const sp = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  return {
    kdf: 'pbkdf2',
    iterations,
    salt: salt.toString('hex'),
    'stored-key': createHash('sha256').update(hmac(sp, 'Client Key')).digest('hex'),
    'server-key': hmac(sp, 'Server Key').toString('hex'),
    sp,
  };
}

function router(): Router {
  const r = new Router({ helloTimeoutMs: 2000 });
  r.addRealm({
    ...openRealm('realm1'),
    roles: [...openRealm().roles, { name: 'user', permissions: [] }],
  });
  r.addRealm(openRealm('auth'));
  return r;
}

interface Login {
  peer: Peer;
  challenge: Record<string, unknown>;
  clientNonce: string;
  authMessage(cbind?: string): string;
  proof(password: string, cbind?: string): string;
}

async function startLogin(
  r: Router,
  auth: AuthConfig,
  authid: string,
  extra: Record<string, unknown> = {},
  peerOpts: ConstructorParameters<typeof Peer>[1] = {},
): Promise<Login> {
  const peer = new Peer(r, { auth, ...peerOpts });
  const clientNonce = randomBytes(16).toString('base64');
  peer.send([
    M.HELLO,
    'realm1',
    {
      roles: CLIENT_ROLES,
      authmethods: ['scram'],
      authid,
      authextra: { nonce: clientNonce, ...extra },
    },
  ]);
  const ch = await peer.expect(M.CHALLENGE);
  assert.equal(ch[1], 'scram');
  const c = ch[2] as Record<string, unknown>;
  const am = (cbind = ''): string =>
    `n=${authid},r=${clientNonce},r=${String(c['nonce'])},s=${String(c['salt'])},i=${String(c['iterations'])},c=${cbind},r=${String(c['nonce'])}`;
  return {
    peer,
    challenge: c,
    clientNonce,
    authMessage: am,
    proof(password, cbind) {
      const sp = pbkdf2Sync(
        password,
        Buffer.from(String(c['salt']), 'base64'),
        Number(c['iterations']),
        32,
        'sha256',
      );
      const clientKey = hmac(sp, 'Client Key');
      const sig = hmac(createHash('sha256').update(clientKey).digest(), am(cbind));
      return Buffer.from(clientKey.map((b, i) => b ^ sig[i]!)).toString('base64');
    },
  };
}

test('scram - static principal: challenge as Crossbar.io sends it, WELCOME with the server signature', async () => {
  const r = router();
  const cred = credential('pa55word');
  const { sp, ...stored } = cred;
  const auth: AuthConfig = {
    scram: { type: 'static', principals: { joe: { ...stored, role: 'user' } } },
  };
  const l = await startLogin(r, auth, 'joe');
  assert.equal(l.challenge['kdf'], 'pbkdf2');
  assert.equal(l.challenge['iterations'], 1000);
  assert.equal(l.challenge['salt'], Buffer.from(stored.salt, 'hex').toString('base64'));
  // As Crossbar.io: base64(client nonce bytes ‖ 16 random bytes), so the bytes (not the
  // text, 16 bytes not being a multiple of 3) begin with the client's.
  const nonce = Buffer.from(String(l.challenge['nonce']), 'base64');
  assert.deepEqual(nonce.subarray(0, 16), Buffer.from(l.clientNonce, 'base64'));
  assert.equal(nonce.length, 32);
  assert.ok(!('memory' in l.challenge), 'no memory for pbkdf2 (autobahn int()s it)');
  assert.ok(
    !('channel_binding' in l.challenge),
    'no binding key when unbound (autobahn puts it in c=)',
  );
  l.peer.send([M.AUTHENTICATE, l.proof('pa55word'), {}]);
  const w = (await l.peer.expect(M.WELCOME))[2] as Record<string, unknown>;
  assert.equal(w['authid'], 'joe');
  assert.equal(w['authrole'], 'user');
  assert.equal(w['authmethod'], 'scram');
  assert.equal(w['authprovider'], 'static');
  const extra = w['authextra'] as Record<string, unknown>;
  const expected = hmac(hmac(sp, 'Server Key'), l.authMessage()).toString('base64');
  assert.equal(extra['scram_server_signature'], expected);
});

test('scram - wrong password, unknown authid and a replayed final message are all refused alike', async () => {
  const r = router();
  const { sp: _sp, ...stored } = credential('right');
  const auth: AuthConfig = {
    scram: { type: 'static', principals: { joe: { ...stored, role: 'user' } } },
  };

  const wrong = await startLogin(r, auth, 'joe');
  wrong.peer.send([M.AUTHENTICATE, wrong.proof('wrong'), {}]);
  const a1 = await wrong.peer.expect(M.ABORT);
  assert.equal(a1[2], 'wamp.error.authentication_failed');

  // Unknown authid: a challenge like a real one (same KDF parameters, a stable salt), and
  // the same refusal with the same message at AUTHENTICATE.
  const ghost = await startLogin(r, auth, 'ghost');
  assert.deepEqual(Object.keys(ghost.challenge).sort(), Object.keys(wrong.challenge).sort());
  assert.equal(ghost.challenge['kdf'], 'pbkdf2');
  assert.equal(ghost.challenge['iterations'], 1000);
  const ghost2 = await startLogin(r, auth, 'ghost');
  assert.equal(
    ghost2.challenge['salt'],
    ghost.challenge['salt'],
    'the decoy salt is stable per authid',
  );
  ghost2.peer.drop();
  ghost.peer.send([M.AUTHENTICATE, ghost.proof('anything'), {}]);
  const a2 = await ghost.peer.expect(M.ABORT);
  assert.deepEqual([a2[1], a2[2]], [a1[1], a1[2]]);

  // Replay: a proof that was accepted once does not open a second session.
  const first = await startLogin(r, auth, 'joe');
  const proof = first.proof('right');
  first.peer.send([M.AUTHENTICATE, proof, {}]);
  await first.peer.expect(M.WELCOME);
  const replay = new Peer(r, { auth });
  replay.send([
    M.HELLO,
    'realm1',
    {
      roles: CLIENT_ROLES,
      authmethods: ['scram'],
      authid: 'joe',
      authextra: { nonce: first.clientNonce },
    },
  ]);
  const ch = (await replay.expect(M.CHALLENGE))[2] as Record<string, unknown>;
  assert.notEqual(ch['nonce'], first.challenge['nonce'], 'a fresh server nonce every time');
  replay.send([M.AUTHENTICATE, proof, { nonce: first.challenge['nonce'] }]);
  assert.equal((await replay.expect(M.ABORT))[2], 'wamp.error.authentication_failed');

  // A proof that is not 32 bytes, and a HELLO without a nonce.
  const short = await startLogin(r, auth, 'joe');
  short.peer.send([M.AUTHENTICATE, 'AAAA', {}]);
  assert.equal((await short.peer.expect(M.ABORT))[2], 'wamp.error.authentication_failed');
  const noNonce = new Peer(r, { auth });
  noNonce.send([M.HELLO, 'realm1', { roles: CLIENT_ROLES, authmethods: ['scram'], authid: 'joe' }]);
  assert.equal((await noNonce.expect(M.ABORT))[2], 'wamp.error.invalid_argument');
});

test('scram - argon2id credentials are challenged with their memory and iterations', async () => {
  const r = router();
  const auth: AuthConfig = {
    scram: {
      type: 'static',
      principals: {
        ann: {
          kdf: 'argon2id13',
          iterations: 4096,
          memory: 512,
          salt: '00'.repeat(16),
          'stored-key': '11'.repeat(32),
          'server-key': '22'.repeat(32),
          role: 'user',
        },
      },
    },
  };
  const l = await startLogin(r, auth, 'ann');
  assert.equal(l.challenge['kdf'], 'argon2id-13', "Crossbar.io's spelling on the wire");
  assert.equal(l.challenge['memory'], 512);
  assert.equal(l.challenge['iterations'], 4096);
  l.peer.drop();
});

test('scram - dynamic authenticator returns the credentials; its errors pass through', async () => {
  const r = router();
  const cred = credential('dyn');
  const { sp: _sp, ...stored } = cred;
  const auth: AuthConfig = {
    scram: {
      type: 'function',
      authenticate: (_realm, authid, details) => {
        assert.equal(details['authmethod'], 'scram');
        if (authid === 'joe') return { ...stored, role: 'user', extra: { x_by: 'fn' } };
        throw WampError.of('com.example.no_user', 'no such user');
      },
    },
  };
  const l = await startLogin(r, auth, 'joe');
  l.peer.send([M.AUTHENTICATE, l.proof('dyn'), {}]);
  const w = (await l.peer.expect(M.WELCOME))[2] as Record<string, unknown>;
  assert.equal(w['authprovider'], 'dynamic');
  const extra = w['authextra'] as Record<string, unknown>;
  assert.equal(extra['x_by'], 'fn');
  assert.equal(typeof extra['scram_server_signature'], 'string');
  const bad = new Peer(r, { auth });
  bad.send([
    M.HELLO,
    'realm1',
    { roles: CLIENT_ROLES, authmethods: ['scram'], authid: 'eve', authextra: { nonce: 'AAAA' } },
  ]);
  assert.equal((await bad.expect(M.ABORT))[2], 'com.example.no_user');
});

test('scram - channel binding tls-unique: the proof covers the channel ID; refused without TLS', async () => {
  const r = router();
  const { sp: _sp, ...stored } = credential('bound');
  const auth: AuthConfig = {
    scram: { type: 'static', principals: { joe: { ...stored, role: 'user' } } },
  };
  const channelId = new Uint8Array(randomBytes(32));
  const tls = { info: { tls: true, channelId } };
  const cbind = (id: Uint8Array): string =>
    Buffer.concat([Buffer.from('p=tls-unique,,'), Buffer.from(id)]).toString('base64');

  const ok = await startLogin(r, auth, 'joe', { channel_binding: 'tls-unique' }, tls);
  assert.equal(ok.challenge['channel_binding'], 'tls-unique');
  ok.peer.send([
    M.AUTHENTICATE,
    ok.proof('bound', cbind(channelId)),
    { nonce: ok.challenge['nonce'], channel_binding: 'tls-unique' },
  ]);
  await ok.peer.expect(M.WELCOME);

  // A proof bound to another channel (a man in the middle's) fails.
  const mitm = await startLogin(r, auth, 'joe', { channel_binding: 'tls-unique' }, tls);
  mitm.peer.send([M.AUTHENTICATE, mitm.proof('bound', cbind(new Uint8Array(32))), {}]);
  assert.equal((await mitm.peer.expect(M.ABORT))[2], 'wamp.error.authentication_failed');

  const plain = new Peer(r, { auth });
  plain.send([
    M.HELLO,
    'realm1',
    {
      roles: CLIENT_ROLES,
      authmethods: ['scram'],
      authid: 'joe',
      authextra: { nonce: 'AAAA', channel_binding: 'tls-unique' },
    },
  ]);
  const a = await plain.expect(M.ABORT);
  assert.equal(a[2], 'wamp.error.invalid_argument');
  assert.match(String((a[1] as Record<string, unknown>)['message']), /TLS/);
});
