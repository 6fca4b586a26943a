import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageType as M } from '@cdc/protocol';
import { Router, StaticRole, parseAuthorizerResult } from '../src/index.js';
import type { AuthConfig, RoleConfig } from '../src/index.js';
import { Peer, openRealm } from './peer.js';

test('authorization - static resolution: exact, then wildcard, then longest prefix, then deny', () => {
  const role = new StaticRole({
    name: 'r',
    permissions: [
      { uri: 'com.example.', match: 'prefix', allow: { call: true } },
      { uri: 'com.example.admin.', match: 'prefix', allow: { call: false } },
      { uri: 'com.example.admin.status', match: 'exact', allow: { call: true } },
      { uri: 'com.example..public', match: 'wildcard', allow: { call: true, subscribe: true } },
    ],
  });
  const can = (uri: string, action: 'call' | 'subscribe' = 'call'): boolean =>
    role.authorize('a', 'r', uri, action).allow;
  assert.equal(can('com.example.foo'), true);
  assert.equal(can('com.example.admin.reboot'), false);
  assert.equal(can('com.example.admin.status'), true);
  assert.equal(can('com.example.admin.public'), true, 'wildcard beats prefix');
  assert.equal(can('com.example.x.public', 'subscribe'), true);
  assert.equal(can('com.example.foo', 'subscribe'), false, 'actions are separate');
  assert.equal(can('org.other'), false, 'default denies');
});

test('authorization - starred URIs and placeholders', () => {
  const role = new StaticRole({
    name: 'user',
    permissions: [
      { uri: 'com.app.*', allow: { subscribe: true } },
      { uri: 'com.*.status', allow: { call: true } },
      { uri: 'com.user.{authid}.', match: 'prefix', allow: { register: true } },
      { uri: 'com.role.{authrole}', allow: { publish: true } },
    ],
  });
  assert.equal(role.authorize('a', 'user', 'com.app.news', 'subscribe').allow, true);
  assert.equal(role.authorize('a', 'user', 'com.x.status', 'call').allow, true);
  assert.equal(role.authorize('alice', 'user', 'com.user.alice.inbox', 'register').allow, true);
  assert.equal(role.authorize('bob', 'user', 'com.user.alice.inbox', 'register').allow, false);
  assert.equal(role.authorize('bob', 'user', 'com.role.user', 'publish').allow, true);
});

test('authorization - disclose and cache come from the permission', () => {
  const role = new StaticRole({
    name: 'r',
    permissions: [
      {
        uri: 'a.',
        match: 'prefix',
        allow: { call: true, publish: true },
        disclose: { caller: true },
        cache: false,
      },
    ],
  });
  assert.deepEqual(role.authorize('x', 'r', 'a.b', 'call'), {
    allow: true,
    disclose: true,
    cache: false,
  });
  assert.deepEqual(role.authorize('x', 'r', 'a.b', 'publish'), {
    allow: true,
    disclose: false,
    cache: false,
  });
});

test('authorization - dynamic authorizer results are validated', () => {
  assert.deepEqual(parseAuthorizerResult(true), { allow: true, disclose: false, cache: false });
  assert.deepEqual(parseAuthorizerResult({ allow: true, disclose: true, cache: true }), {
    allow: true,
    disclose: true,
    cache: true,
  });
  assert.throws(() => parseAuthorizerResult({ allow: 'yes' }), /bool/);
  assert.throws(() => parseAuthorizerResult({ disclose: true }), /allow/);
  assert.throws(() => parseAuthorizerResult({ allow: true, bogus: 1 }), /unknown key/);
  assert.throws(() => parseAuthorizerResult('no'), /string/);
});

function routerWith(roles: RoleConfig[]): Router {
  const r = new Router();
  r.addRealm({ name: 'realm1', roles });
  r.addRealm(openRealm('backend'));
  return r;
}

const asRole = (role: string): AuthConfig => ({ anonymous: { type: 'static', role } });

test('authorization - denials are wamp.error.not_authorized with a message, per action', async () => {
  const r = routerWith([
    {
      name: 'reader',
      permissions: [{ uri: 'com.read.', match: 'prefix', allow: { call: true, subscribe: true } }],
    },
    {
      name: 'writer',
      permissions: [{ uri: 'com.', match: 'prefix', allow: { register: true, publish: true } }],
    },
  ]);
  const reader = new Peer(r, { auth: asRole('reader') });
  await reader.join('realm1');
  reader.send([M.REGISTER, 1, {}, 'com.read.x']);
  const e = await reader.expect(M.ERROR);
  assert.equal(e[4], 'wamp.error.not_authorized');
  assert.match(String((e[5] as unknown[])[0]), /com\.read\.x/);
  reader.send([M.PUBLISH, 2, { acknowledge: true }, 'com.read.x', []]);
  assert.equal((await reader.expect(M.ERROR))[4], 'wamp.error.not_authorized');
  reader.send([M.SUBSCRIBE, 3, {}, 'com.write.x']);
  assert.equal((await reader.expect(M.ERROR))[4], 'wamp.error.not_authorized');
  const writer = new Peer(r, { auth: asRole('writer') });
  await writer.join('realm1');
  await writer.register('com.read.x');
  assert.equal((await writer.call('com.read.x'))[4], 'wamp.error.not_authorized');
  reader.send([M.CALL, 4, {}, 'com.read.x', [1]]);
  const inv = await writer.expect(M.INVOCATION);
  writer.send([M.YIELD, inv[1], {}, [1]]);
  assert.equal((await reader.expect(M.RESULT))[0], M.RESULT);
});

test('authorization - dynamic authorizer called with session details, uri, action, options; cached when asked', async () => {
  const r = routerWith([{ name: 'dyn', authorizer: 'com.example.authorize' }]);
  const backend = new Peer(r, { auth: asRole('trusted') });
  await backend.join('realm1');
  await backend.register('com.example.authorize');
  await backend.register('com.example.target');
  const client = new Peer(r, { auth: asRole('dyn') });
  await client.join('realm1');
  client.send([M.CALL, client.nextId(), {}, 'com.example.target']);
  let az = await backend.expect(M.INVOCATION);
  const [details, uri, action] = az[4] as [Record<string, unknown>, string, string];
  assert.equal(details['session'], client.sessionId);
  assert.equal(details['authrole'], 'dyn');
  assert.equal(uri, 'com.example.target');
  assert.equal(action, 'call');
  backend.send([M.YIELD, az[1], {}, [{ allow: true, cache: true, disclose: true }]]);
  let inv = await backend.expect(M.INVOCATION);
  assert.equal((inv[3] as Record<string, unknown>)['caller'], client.sessionId);
  backend.send([M.YIELD, inv[1], {}, ['ok']]);
  assert.deepEqual((await client.expect(M.RESULT))[3], ['ok']);
  // Cached: the second call goes straight through.
  client.send([M.CALL, client.nextId(), {}, 'com.example.target']);
  inv = await backend.expect(M.INVOCATION);
  assert.equal(inv.length, 4, 'the target INVOCATION (no args), not another authorizer call');
  backend.send([M.YIELD, inv[1], {}, []]);
  await client.expect(M.RESULT);
  // A denial, and an authorizer failure.
  client.send([M.SUBSCRIBE, client.nextId(), {}, 'com.example.t']);
  az = await backend.expect(M.INVOCATION);
  backend.send([M.YIELD, az[1], {}, [false]]);
  assert.equal((await client.expect(M.ERROR))[4], 'wamp.error.not_authorized');
  client.send([M.SUBSCRIBE, client.nextId(), {}, 'com.example.u']);
  az = await backend.expect(M.INVOCATION);
  backend.send([M.YIELD, az[1], {}, ['garbage']]);
  const e = await client.expect(M.ERROR);
  assert.equal(e[4], 'wamp.error.authorization_failed');
});

test('authorization - messages after a pending authorization keep their order', async () => {
  const r = routerWith([{ name: 'dyn', authorizer: 'com.example.authorize' }]);
  const backend = new Peer(r, { auth: asRole('trusted') });
  await backend.join('realm1');
  await backend.register('com.example.authorize');
  const client = new Peer(r, { auth: asRole('dyn') });
  await client.join('realm1');
  client.send([M.SUBSCRIBE, 1, {}, 'com.example.a']);
  client.send([M.SUBSCRIBE, 2, {}, 'com.example.b']);
  const first = await backend.expect(M.INVOCATION);
  assert.equal((first[4] as unknown[])[1], 'com.example.a');
  await backend.nothing(); // the second waits for the first
  backend.send([M.YIELD, first[1], {}, [true]]);
  const second = await backend.expect(M.INVOCATION);
  assert.equal((second[4] as unknown[])[1], 'com.example.b');
  backend.send([M.YIELD, second[1], {}, [true]]);
  assert.equal((await client.expect(M.SUBSCRIBED))[1], 1);
  assert.equal((await client.expect(M.SUBSCRIBED))[1], 2);
});

test('authorization - removing a role closes its sessions', async () => {
  const r = routerWith([{ name: 'temp', permissions: [] }]);
  const p = new Peer(r, { auth: asRole('temp') });
  await p.join('realm1');
  r.getRealm('realm1')!.removeRole('temp');
  const g = await p.expect(M.GOODBYE);
  assert.equal(g[2], 'wamp.close.auth-changed');
});
