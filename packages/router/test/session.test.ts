import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageType as M, CLIENT_ROLES } from '@cdc/protocol';
import { Router } from '../src/index.js';
import { Peer, openRealm } from './peer.js';

function setup(): Router {
  const router = new Router({ helloTimeoutMs: 300, goodbyeTimeoutMs: 100 });
  router.addRealm(openRealm('realm1'));
  return router;
}

test('session - anonymous HELLO gets WELCOME with router roles and features', async () => {
  const router = setup();
  const p = new Peer(router);
  const d = await p.join('realm1');
  assert.ok(p.sessionId >= 1 && p.sessionId <= 2 ** 53);
  assert.equal(d['realm'], 'realm1');
  assert.equal(d['authrole'], 'anonymous');
  assert.equal(d['authmethod'], 'anonymous');
  const roles = d['roles'] as Record<string, { features: Record<string, boolean> }>;
  assert.equal(roles['broker']!.features['publisher_exclusion'], true);
  assert.equal(roles['dealer']!.features['call_canceling'], true);
  assert.equal(roles['dealer']!.features['progressive_call_results'], true);
  assert.match(String(d['authid']), /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
});

test('session - unknown realm is ABORTed with wamp.error.no_such_realm', async () => {
  const p = new Peer(setup());
  p.send([M.HELLO, 'nope', { roles: CLIENT_ROLES }]);
  const a = await p.expect(M.ABORT);
  assert.equal(a[2], 'wamp.error.no_such_realm');
  assert.match(String((a[1] as Record<string, unknown>)['message']), /nope/);
  await p.waitClosed();
});

test('session - a second HELLO is a protocol violation and only that session is closed', async () => {
  const router = setup();
  const bystander = new Peer(router);
  await bystander.join('realm1');
  await bystander.register('com.example.echo');
  const p = new Peer(router);
  await p.join('realm1');
  p.send([M.HELLO, 'realm1', { roles: CLIENT_ROLES }]);
  const a = await p.expect(M.ABORT);
  assert.equal(a[2], 'wamp.error.protocol_violation');
  await p.waitClosed();
  // The bystander still works.
  const caller = new Peer(router);
  await caller.join('realm1');
  caller.send([M.CALL, 1, {}, 'com.example.echo', [1]]);
  const inv = await bystander.expect(M.INVOCATION);
  bystander.send([M.YIELD, inv[1], {}, [2]]);
  const r = await caller.expect(M.RESULT);
  assert.deepEqual(r[3], [2]);
});

test('session - messages before HELLO, malformed messages and unknown codes are violations', async () => {
  const router = setup();
  const cases: unknown[] = [
    [M.CALL, 1, {}, 'com.x'],
    'not a list',
    [],
    [999, 1],
    [M.HELLO, 'realm1', { roles: {} }],
    [M.HELLO, 'realm1', { roles: { caller: 'x' } }],
    [M.HELLO, 42, { roles: CLIENT_ROLES }],
  ];
  for (const raw of cases) {
    const p = new Peer(router);
    p.sendRaw(raw);
    const a = await p.expect(M.ABORT);
    assert.equal(a[2], 'wamp.error.protocol_violation', JSON.stringify(raw));
    assert.equal(typeof (a[1] as Record<string, unknown>)['message'], 'string');
    await p.waitClosed();
  }
  assert.equal(router.connectionCount, 0);
});

test('session - wrong field types on an established session name the field', async () => {
  const router = setup();
  const p = new Peer(router);
  await p.join('realm1');
  p.sendRaw([M.CALL, 'one', {}, 'com.x']);
  const a = await p.expect(M.ABORT);
  assert.equal(a[2], 'wamp.error.protocol_violation');
  assert.match(String((a[1] as Record<string, unknown>)['message']), /CALL\.Request/);
  await p.waitClosed();
  assert.equal(router.getRealm('realm1')?.sessions.size, 0);
});

test('session - GOODBYE is echoed and the transport can carry a new session', async () => {
  const router = setup();
  const p = new Peer(router);
  await p.join('realm1');
  const first = p.sessionId;
  p.send([M.GOODBYE, {}, 'wamp.close.normal']);
  const g = await p.expect(M.GOODBYE);
  assert.equal(g[2], 'wamp.close.goodbye_and_out');
  assert.equal(router.getRealm('realm1')?.sessions.size, 0);
  await p.join('realm1');
  assert.notEqual(p.sessionId, first);
});

test('session - a connection that never says HELLO is closed', async () => {
  const p = new Peer(setup());
  const a = await p.expect(M.ABORT, 2000);
  assert.equal(a[2], 'wamp.error.protocol_violation');
  await p.waitClosed();
});

test('session - HELLO without authmethods means anonymous; unconfigured methods are refused', async () => {
  const router = setup();
  const p = new Peer(router);
  p.send([
    M.HELLO,
    'realm1',
    { roles: CLIENT_ROLES, authmethods: ['ticket', 'wampcra'], authid: 'x' },
  ]);
  const a = await p.expect(M.ABORT);
  assert.equal(a[2], 'wamp.error.no_auth_method');
  assert.match(String((a[1] as Record<string, unknown>)['message']), /ticket, wampcra/);
});

test('session - a transport drop removes the session and its registrations', async () => {
  const router = setup();
  const p = new Peer(router);
  await p.join('realm1');
  await p.register('com.example.gone');
  p.drop();
  await new Promise((r) => setTimeout(r, 10));
  const c = new Peer(router);
  await c.join('realm1');
  const r = await c.call('com.example.gone');
  assert.equal(r[0], M.ERROR);
  assert.equal(r[4], 'wamp.error.no_such_procedure');
  assert.equal(router.getRealm('realm1')?.sessions.size, 1);
});

test('session - each serializer carries a full session', async () => {
  for (const serializer of ['json', 'msgpack', 'cbor'] as const) {
    const router = setup();
    const callee = new Peer(router, { serializer });
    await callee.join('realm1');
    await callee.register('com.example.bin');
    const caller = new Peer(router, { serializer: 'json' });
    await caller.join('realm1');
    const bytes = new Uint8Array([0, 1, 2, 255]);
    caller.send([M.CALL, 1, {}, 'com.example.bin', [bytes], { big: 2 ** 40 }]);
    const inv = await callee.expect(M.INVOCATION);
    const got = (inv[4] as unknown[])[0] as Uint8Array;
    assert.deepEqual(new Uint8Array(got), bytes, serializer);
    assert.deepEqual(inv[5], { big: 2 ** 40 });
    callee.send([M.YIELD, inv[1], {}, [got]]);
    const r = await caller.expect(M.RESULT);
    assert.deepEqual(new Uint8Array((r[3] as unknown[])[0] as Uint8Array), bytes);
  }
});

test('session - session IDs are given back: after GOODBYE, a refused handshake, a drop', async () => {
  const router = setup();
  const p = new Peer(router);
  for (let i = 0; i < 3; i++) {
    await p.join('realm1');
    assert.equal(router.sessionIdCount, 1);
    p.send([M.GOODBYE, {}, 'wamp.close.normal']);
    await p.expect(M.GOODBYE);
    assert.equal(router.sessionIdCount, 0);
  }
  // A handshake refused after the ID was reserved (the realm does not exist).
  const refused = new Peer(router);
  refused.send([M.HELLO, 'nope', { roles: CLIENT_ROLES }]);
  await refused.expect(M.ABORT);
  await refused.waitClosed();
  assert.equal(router.sessionIdCount, 0);
  await p.join('realm1');
  p.drop();
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(router.sessionIdCount, 0);
});
