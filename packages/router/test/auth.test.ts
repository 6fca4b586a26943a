import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageType as M, CLIENT_ROLES, WampError } from '@cdc/protocol';
import { SigningKey, computeCraSignature, deriveCraKey, signChallenge } from '@cdc/cryptosign';
import { Router } from '../src/index.js';
import type { AuthConfig } from '../src/index.js';
import { Peer, openRealm } from './peer.js';

function router(): Router {
  const r = new Router({ helloTimeoutMs: 2000 });
  r.addRealm({
    ...openRealm('realm1'),
    roles: [...openRealm().roles, { name: 'user', permissions: [] }],
  });
  r.addRealm(openRealm('auth'));
  return r;
}

function hello(p: Peer, realm: string | null, details: Record<string, unknown>): void {
  p.send([M.HELLO, realm, { roles: CLIENT_ROLES, ...details }]);
}

const alice = SigningKey.generate();
const bob = SigningKey.generate();

test('auth - ticket: right ticket welcomed with the configured role, wrong one refused', async () => {
  const r = router();
  const auth: AuthConfig = {
    ticket: { type: 'static', principals: { joe: { ticket: 's3cret', role: 'user' } } },
  };
  const ok = new Peer(r, { auth });
  hello(ok, 'realm1', { authmethods: ['ticket'], authid: 'joe' });
  assert.deepEqual(await ok.expect(M.CHALLENGE), [M.CHALLENGE, 'ticket', {}]);
  ok.send([M.AUTHENTICATE, 's3cret', {}]);
  const w = await ok.expect(M.WELCOME);
  assert.equal((w[2] as Record<string, unknown>)['authid'], 'joe');
  assert.equal((w[2] as Record<string, unknown>)['authrole'], 'user');
  assert.equal((w[2] as Record<string, unknown>)['authmethod'], 'ticket');
  const bad = new Peer(r, { auth });
  hello(bad, 'realm1', { authmethods: ['ticket'], authid: 'joe' });
  await bad.expect(M.CHALLENGE);
  bad.send([M.AUTHENTICATE, 'wrong', {}]);
  assert.equal((await bad.expect(M.ABORT))[2], 'wamp.error.authentication_failed');
  const unknown = new Peer(r, { auth });
  hello(unknown, 'realm1', { authmethods: ['ticket'], authid: 'nobody' });
  assert.equal((await unknown.expect(M.ABORT))[2], 'wamp.error.no_such_principal');
});

test('auth - wampcra plain and salted', async () => {
  const r = router();
  const auth: AuthConfig = {
    wampcra: {
      type: 'static',
      users: {
        plain: { secret: 'p4ss', role: 'user' },
        salty: { secret: 'secret123', role: 'user', salt: 'salt123', iterations: 1000, keylen: 32 },
      },
    },
  };
  for (const [authid, secret] of [
    ['plain', 'p4ss'],
    ['salty', 'secret123'],
  ] as const) {
    const p = new Peer(r, { auth });
    hello(p, 'realm1', { authmethods: ['wampcra'], authid });
    const ch = await p.expect(M.CHALLENGE);
    const extra = ch[2] as Record<string, unknown>;
    const challenge = extra['challenge'] as string;
    const parsed = JSON.parse(challenge) as Record<string, unknown>;
    assert.equal(parsed['authid'], authid);
    assert.equal(parsed['authmethod'], 'wampcra');
    let key = secret as string;
    if (extra['salt'] !== undefined) {
      assert.equal(extra['salt'], 'salt123');
      key = deriveCraKey(
        secret,
        'salt123',
        extra['iterations'] as number,
        extra['keylen'] as number,
      );
      assert.equal(key, 'Eu7CQLfR+/Ffb+275A4s9/6H/RGKYxM4s6IMrsNKzC8=');
    }
    p.send([M.AUTHENTICATE, computeCraSignature(key, challenge), {}]);
    const w = await p.expect(M.WELCOME);
    assert.equal(w[1], parsed['session'], 'the challenge names the session ID to come');
  }
  const p = new Peer(r, { auth });
  hello(p, 'realm1', { authmethods: ['wampcra'], authid: 'plain' });
  const ch = await p.expect(M.CHALLENGE);
  p.send([
    M.AUTHENTICATE,
    computeCraSignature('wrong', (ch[2] as Record<string, string>)['challenge']!),
    {},
  ]);
  assert.equal((await p.expect(M.ABORT))[2], 'wamp.error.authentication_failed');
});

test('auth - cryptosign static principals: by authid, by key alone, wrong signature, unknown key', async () => {
  const r = router();
  const auth: AuthConfig = {
    cryptosign: {
      type: 'static',
      principals: { alice: { role: 'user', authorized_keys: [alice.publicKeyHex] } },
    },
  };
  for (const authid of ['alice', undefined]) {
    const p = new Peer(r, { auth });
    hello(p, 'realm1', {
      authmethods: ['cryptosign'],
      ...(authid ? { authid } : {}),
      authextra: { pubkey: alice.publicKeyHex },
    });
    const ch = await p.expect(M.CHALLENGE);
    const extra = ch[2] as Record<string, unknown>;
    assert.match(extra['challenge'] as string, /^[0-9a-f]{64}$/);
    assert.equal(extra['channel_binding'], null);
    p.send([M.AUTHENTICATE, signChallenge(alice, extra['challenge'] as string), {}]);
    const w = await p.expect(M.WELCOME);
    const d = w[2] as Record<string, unknown>;
    assert.equal(d['authid'], 'alice');
    assert.equal(d['authmethod'], 'cryptosign');
    assert.equal((d['authextra'] as Record<string, unknown>)['pubkey'], alice.publicKeyHex);
  }
  const forged = new Peer(r, { auth });
  hello(forged, 'realm1', {
    authmethods: ['cryptosign'],
    authextra: { pubkey: alice.publicKeyHex },
  });
  const ch = await forged.expect(M.CHALLENGE);
  forged.send([
    M.AUTHENTICATE,
    signChallenge(bob, (ch[2] as Record<string, string>)['challenge']!),
    {},
  ]);
  assert.equal((await forged.expect(M.ABORT))[2], 'wamp.error.authentication_failed');
  const stranger = new Peer(r, { auth });
  hello(stranger, 'realm1', {
    authmethods: ['cryptosign'],
    authextra: { pubkey: bob.publicKeyHex },
  });
  assert.equal((await stranger.expect(M.ABORT))[2], 'wamp.error.no_such_principal');
  const noKey = new Peer(r, { auth });
  hello(noKey, 'realm1', { authmethods: ['cryptosign'] });
  const a = await noKey.expect(M.ABORT);
  assert.equal(a[2], 'wamp.error.invalid_argument');
  assert.match(String((a[1] as Record<string, unknown>)['message']), /pubkey/);
});

test('auth - cryptosign honours tls-unique channel binding on TLS transports', async () => {
  const r = router();
  const auth: AuthConfig = {
    cryptosign: {
      type: 'static',
      principals: { alice: { role: 'user', authorized_keys: [alice.publicKeyHex] } },
    },
  };
  const channelId = new Uint8Array(32).fill(7);
  const run = async (signWithBinding: boolean): Promise<unknown[]> => {
    const p = new Peer(r, { auth, info: { tls: true, channelId } });
    hello(p, 'realm1', {
      authmethods: ['cryptosign'],
      authextra: { pubkey: alice.publicKeyHex, channel_binding: 'tls-unique' },
    });
    const ch = await p.expect(M.CHALLENGE);
    const extra = ch[2] as Record<string, string>;
    assert.equal(extra['channel_binding'], 'tls-unique');
    p.send([
      M.AUTHENTICATE,
      signChallenge(alice, extra['challenge']!, signWithBinding ? channelId : null),
      {},
    ]);
    return p.next();
  };
  assert.equal((await run(true))[0], M.WELCOME);
  assert.equal((await run(false))[2], 'wamp.error.authentication_failed');
});

test('auth - channel binding accepts the alternate convention (autobahn-python Twisted)', async () => {
  const r = router();
  const auth: AuthConfig = {
    cryptosign: {
      type: 'static',
      principals: { alice: { role: 'user', authorized_keys: [alice.publicKeyHex] } },
    },
  };
  const standard = new Uint8Array(32).fill(1);
  const twisted = new Uint8Array(32).fill(2);
  for (const [id, ok] of [
    [twisted, true],
    [new Uint8Array(32).fill(3), false],
  ] as const) {
    const p = new Peer(r, {
      auth,
      info: { tls: true, channelId: standard, channelIdAlternates: [twisted] },
    });
    hello(p, 'realm1', {
      authmethods: ['cryptosign'],
      authextra: { pubkey: alice.publicKeyHex, channel_binding: 'tls-unique' },
    });
    const ch = await p.expect(M.CHALLENGE);
    p.send([
      M.AUTHENTICATE,
      signChallenge(alice, (ch[2] as Record<string, string>)['challenge']!, id),
      {},
    ]);
    const m = await p.next();
    assert.equal(m[0], ok ? M.WELCOME : M.ABORT);
  }
});

test('auth - dynamic authenticator called over WAMP, its errors reach the client', async () => {
  const r = router();
  const backend = new Peer(r, { auth: { anonymous: { type: 'static', role: 'trusted' } } });
  await backend.join('auth');
  await backend.register('com.example.authenticate');
  const auth: AuthConfig = {
    cryptosign: {
      type: 'dynamic',
      authenticator: 'com.example.authenticate',
      'authenticator-realm': 'auth',
    },
    ticket: {
      type: 'dynamic',
      authenticator: 'com.example.authenticate',
      'authenticator-realm': 'auth',
    },
  };
  // cryptosign: the authenticator picks realm, authid and role for a key.
  const p = new Peer(r, { auth });
  hello(p, null, { authmethods: ['cryptosign'], authextra: { pubkey: alice.publicKeyHex } });
  let inv = await backend.expect(M.INVOCATION);
  const [realm, authid, details] = inv[4] as [unknown, unknown, Record<string, unknown>];
  assert.equal(realm, null);
  assert.equal(authid, null);
  assert.equal((details['authextra'] as Record<string, unknown>)['pubkey'], alice.publicKeyHex);
  backend.send([
    M.YIELD,
    inv[1],
    {},
    [
      {
        realm: 'realm1',
        authid: 'node-1',
        role: 'user',
        pubkey: alice.publicKeyHex,
        extra: { x: 1 },
      },
    ],
  ]);
  const ch = await p.expect(M.CHALLENGE);
  p.send([
    M.AUTHENTICATE,
    signChallenge(alice, (ch[2] as Record<string, string>)['challenge']!),
    {},
  ]);
  const w = (await p.expect(M.WELCOME))[2] as Record<string, unknown>;
  assert.deepEqual(
    [w['realm'], w['authid'], w['authrole'], w['authprovider']],
    ['realm1', 'node-1', 'user', 'dynamic'],
  );
  assert.equal((w['authextra'] as Record<string, unknown>)['x'], 1);
  // An application error from the authenticator becomes the ABORT reason.
  const q = new Peer(r, { auth });
  hello(q, null, { authmethods: ['cryptosign'], authextra: { pubkey: bob.publicKeyHex } });
  inv = await backend.expect(M.INVOCATION);
  backend.send([
    M.ERROR,
    M.INVOCATION,
    inv[1],
    {},
    'com.example.error.unpaired',
    ['this node is not paired'],
  ]);
  const a = await q.expect(M.ABORT);
  assert.equal(a[2], 'com.example.error.unpaired');
  assert.equal((a[1] as Record<string, unknown>)['message'], 'this node is not paired');
  // ticket: called at AUTHENTICATE time with details.ticket.
  const t = new Peer(r, { auth });
  hello(t, 'realm1', { authmethods: ['ticket'], authid: 'tom' });
  await t.expect(M.CHALLENGE);
  t.send([M.AUTHENTICATE, 'tickety', {}]);
  inv = await backend.expect(M.INVOCATION);
  assert.equal(((inv[4] as unknown[])[2] as Record<string, unknown>)['ticket'], 'tickety');
  backend.send([M.YIELD, inv[1], {}, ['user']]);
  assert.equal(((await t.expect(M.WELCOME))[2] as Record<string, unknown>)['authid'], 'tom');
});

test('auth - function authenticator; roles and realms it names must exist', async () => {
  const r = router();
  const auth: AuthConfig = {
    anonymous: {
      type: 'function',
      authenticate: (realm) => {
        if (realm === 'denied') throw WampError.of('com.example.denied', 'go away');
        if (realm === 'norole') return { role: 'ghost' };
        return { role: 'user', authid: 'fn-user' };
      },
    },
  };
  const ok = new Peer(r, { auth });
  assert.equal((await ok.join('realm1'))['authid'], 'fn-user');
  const cases: [string, string][] = [
    ['denied', 'com.example.denied'],
    ['norole', 'wamp.error.no_such_realm'],
    ['missing', 'wamp.error.no_such_realm'],
  ];
  for (const [realm, uri] of cases) {
    const p = new Peer(r, { auth });
    hello(p, realm, {});
    assert.equal((await p.expect(M.ABORT))[2], uri, realm);
  }
  const r2 = router();
  const p = new Peer(r2, {
    auth: { anonymous: { type: 'function', authenticate: () => ({ role: 'ghost' }) } },
  });
  hello(p, 'realm1', {});
  assert.equal((await p.expect(M.ABORT))[2], 'wamp.error.no_such_role');
});

test('auth - AUTHENTICATE without CHALLENGE and a session dropped during authentication', async () => {
  const r = router();
  const p = new Peer(r, {
    auth: { ticket: { type: 'static', principals: { joe: { ticket: 'x', role: 'user' } } } },
  });
  p.send([M.AUTHENTICATE, 'x', {}]);
  assert.equal((await p.expect(M.ABORT))[2], 'wamp.error.protocol_violation');
  const q = new Peer(r, {
    auth: { ticket: { type: 'static', principals: { joe: { ticket: 'x', role: 'user' } } } },
  });
  hello(q, 'realm1', { authmethods: ['ticket'], authid: 'joe' });
  await q.expect(M.CHALLENGE);
  q.drop();
  await new Promise((res) => setTimeout(res, 10));
  assert.equal(r.connectionCount, 0);
});
