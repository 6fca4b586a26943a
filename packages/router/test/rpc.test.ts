import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageType as M } from '@cdc/protocol';
import { Router } from '../src/index.js';
import { BASIC_ROLES, Peer, openRealm } from './peer.js';

async function setup(n = 2): Promise<{ router: Router; peers: Peer[] }> {
  const router = new Router();
  router.addRealm(openRealm('realm1'));
  const peers: Peer[] = [];
  for (let i = 0; i < n; i++) {
    const p = new Peer(router);
    await p.join('realm1');
    peers.push(p);
  }
  return { router, peers };
}

test('rpc - call with args and kwargs reaches the callee and the result comes back', async () => {
  const {
    peers: [callee, caller],
  } = await setup();
  const reg = await callee!.register('com.example.add');
  caller!.send([M.CALL, 7, {}, 'com.example.add', [2, 3], { scale: 10 }]);
  const inv = await callee!.expect(M.INVOCATION);
  assert.equal(inv[2], reg);
  assert.deepEqual(inv[3], {});
  assert.deepEqual(inv[4], [2, 3]);
  assert.deepEqual(inv[5], { scale: 10 });
  callee!.send([M.YIELD, inv[1], {}, [50], { note: 'ok' }]);
  const r = await caller!.expect(M.RESULT);
  assert.deepEqual(r, [M.RESULT, 7, {}, [50], { note: 'ok' }]);
});

test('rpc - callee errors pass through with uri, args and kwargs', async () => {
  const {
    peers: [callee, caller],
  } = await setup();
  await callee!.register('com.example.fail');
  caller!.send([M.CALL, 1, {}, 'com.example.fail']);
  const inv = await callee!.expect(M.INVOCATION);
  callee!.send([M.ERROR, M.INVOCATION, inv[1], {}, 'com.example.error.bad', ['nope'], { code: 3 }]);
  const e = await caller!.expect(M.ERROR);
  assert.deepEqual(e, [M.ERROR, M.CALL, 1, {}, 'com.example.error.bad', ['nope'], { code: 3 }]);
});

test('rpc - unknown procedure, invalid URI and duplicate registration are errors', async () => {
  const {
    peers: [a, b],
  } = await setup();
  let r = await a!.call('com.example.none');
  assert.equal(r[4], 'wamp.error.no_such_procedure');
  r = await a!.call('com..bad');
  assert.equal(r[4], 'wamp.error.invalid_uri');
  await a!.register('com.example.once');
  b!.send([M.REGISTER, 9, {}, 'com.example.once']);
  const e = await b!.expect(M.ERROR);
  assert.equal(e[4], 'wamp.error.procedure_already_exists');
  b!.send([M.REGISTER, 10, { invoke: 'roundrobin' }, 'com.example.once']);
  assert.equal((await b!.expect(M.ERROR))[4], 'wamp.error.procedure_already_exists');
  b!.send([M.REGISTER, 11, {}, 'wamp.session.mine']);
  assert.equal((await b!.expect(M.ERROR))[4], 'wamp.error.invalid_uri');
  b!.send([M.UNREGISTER, 12, 123456]);
  assert.equal((await b!.expect(M.ERROR))[4], 'wamp.error.no_such_registration');
});

test('rpc - progressive results are relayed in order before the final result', async () => {
  const {
    peers: [callee, caller],
  } = await setup();
  await callee!.register('com.example.count');
  caller!.send([M.CALL, 1, { receive_progress: true }, 'com.example.count']);
  const inv = await callee!.expect(M.INVOCATION);
  assert.equal((inv[3] as Record<string, unknown>)['receive_progress'], true);
  for (const i of [1, 2, 3]) callee!.send([M.YIELD, inv[1], { progress: true }, [i]]);
  callee!.send([M.YIELD, inv[1], {}, ['done']]);
  for (const i of [1, 2, 3])
    assert.deepEqual(await caller!.expect(M.RESULT), [M.RESULT, 1, { progress: true }, [i]]);
  assert.deepEqual(await caller!.expect(M.RESULT), [M.RESULT, 1, {}, ['done']]);
});

test('rpc - progress the caller did not ask for is not relayed', async () => {
  const {
    peers: [callee, caller],
  } = await setup();
  await callee!.register('com.example.p');
  caller!.send([M.CALL, 1, {}, 'com.example.p']);
  const inv = await callee!.expect(M.INVOCATION);
  callee!.send([M.YIELD, inv[1], { progress: true }, [1]]);
  callee!.send([M.YIELD, inv[1], {}, [2]]);
  assert.deepEqual(await caller!.expect(M.RESULT), [M.RESULT, 1, {}, [2]]);
});

test('rpc - cancel skip, kill and killnowait', async () => {
  const {
    peers: [callee, caller],
  } = await setup();
  await callee!.register('com.example.slow');
  // killnowait: ERROR at once and INTERRUPT; a late YIELD is dropped.
  caller!.send([M.CALL, 1, {}, 'com.example.slow']);
  let inv = await callee!.expect(M.INVOCATION);
  caller!.send([M.CANCEL, 1, { mode: 'killnowait' }]);
  assert.equal((await caller!.expect(M.ERROR))[4], 'wamp.error.canceled');
  assert.deepEqual(await callee!.expect(M.INTERRUPT), [
    M.INTERRUPT,
    inv[1],
    { mode: 'killnowait' },
  ]);
  callee!.send([M.ERROR, M.INVOCATION, inv[1], {}, 'wamp.error.canceled']);
  await caller!.nothing();
  // kill: INTERRUPT, and the callee's answer decides.
  caller!.send([M.CALL, 2, {}, 'com.example.slow']);
  inv = await callee!.expect(M.INVOCATION);
  caller!.send([M.CANCEL, 2, { mode: 'kill' }]);
  assert.equal((await callee!.expect(M.INTERRUPT))[2] && 'kill', 'kill');
  await caller!.nothing();
  callee!.send([M.YIELD, inv[1], {}, ['finished anyway']]);
  assert.deepEqual(await caller!.expect(M.RESULT), [M.RESULT, 2, {}, ['finished anyway']]);
  // skip: ERROR at once, no INTERRUPT, late result dropped.
  caller!.send([M.CALL, 3, {}, 'com.example.slow']);
  inv = await callee!.expect(M.INVOCATION);
  caller!.send([M.CANCEL, 3, { mode: 'skip' }]);
  assert.equal((await caller!.expect(M.ERROR))[4], 'wamp.error.canceled');
  await callee!.nothing();
  callee!.send([M.YIELD, inv[1], {}, ['late']]);
  await caller!.nothing();
});

test('rpc - a callee without call_canceling is never interrupted', async () => {
  const router = new Router();
  router.addRealm(openRealm());
  const callee = new Peer(router);
  await callee.join('realm1', { roles: BASIC_ROLES });
  await callee.register('com.example.x');
  const caller = new Peer(router);
  await caller.join('realm1');
  caller.send([M.CALL, 1, {}, 'com.example.x']);
  await callee.expect(M.INVOCATION);
  caller.send([M.CANCEL, 1, { mode: 'kill' }]);
  assert.equal((await caller.expect(M.ERROR))[4], 'wamp.error.canceled');
  await callee.nothing();
});

test('rpc - call timeout gives wamp.error.timeout and interrupts the callee', async () => {
  const {
    peers: [callee, caller],
  } = await setup();
  await callee!.register('com.example.hang');
  caller!.send([M.CALL, 1, { timeout: 30 }, 'com.example.hang']);
  const inv = await callee!.expect(M.INVOCATION);
  assert.equal((inv[3] as Record<string, unknown>)['timeout'], 30);
  const e = await caller!.expect(M.ERROR);
  assert.equal(e[4], 'wamp.error.timeout');
  assert.equal((await callee!.expect(M.INTERRUPT))[2] !== undefined, true);
  callee!.send([M.ERROR, M.INVOCATION, inv[1], {}, 'wamp.error.canceled']);
  await caller!.nothing();
});

test('rpc - the callee leaving mid-call gives the caller wamp.error.canceled', async () => {
  const {
    peers: [callee, caller],
  } = await setup();
  await callee!.register('com.example.vanish');
  caller!.send([M.CALL, 1, {}, 'com.example.vanish']);
  await callee!.expect(M.INVOCATION);
  callee!.drop();
  const e = await caller!.expect(M.ERROR);
  assert.equal(e[4], 'wamp.error.canceled');
});

test('rpc - the caller leaving mid-call interrupts the callee', async () => {
  const {
    peers: [callee, caller],
  } = await setup();
  await callee!.register('com.example.orphan');
  caller!.send([M.CALL, 1, {}, 'com.example.orphan']);
  const inv = await callee!.expect(M.INVOCATION);
  caller!.drop();
  assert.deepEqual(await callee!.expect(M.INTERRUPT), [
    M.INTERRUPT,
    inv[1],
    { mode: 'killnowait' },
  ]);
  callee!.send([M.YIELD, inv[1], {}, ['ignored']]); // no protocol violation for a late answer
  await callee!.nothing();
  assert.equal(callee!.closed, false);
});

test('rpc - shared registration: roundrobin, first, last, random and policy mismatch', async () => {
  const { peers } = await setup(4);
  const [c1, c2, c3, caller] = peers as [Peer, Peer, Peer, Peer];
  for (const c of [c1, c2, c3]) await c.register('com.example.rr', { invoke: 'roundrobin' });
  const order: Peer[] = [];
  for (let i = 1; i <= 6; i++) {
    caller.send([M.CALL, caller.nextId(), {}, 'com.example.rr']);
    const got = await Promise.race(
      [c1, c2, c3].map((c) => c.expect(M.INVOCATION).then((m) => ({ c, m }))),
    );
    order.push(got.c);
    got.c.send([M.YIELD, got.m[1], {}, []]);
    await caller.expect(M.RESULT);
  }
  assert.deepEqual(order, [c1, c2, c3, c1, c2, c3]);
  c1.send([M.REGISTER, 99, { invoke: 'first' }, 'com.example.rr']);
  assert.equal((await c1.expect(M.ERROR))[4], 'wamp.error.procedure_already_exists');
  c2.send([M.REGISTER, 99, { invoke: 'first' }, 'com.example.other']);
  await c2.expect(M.REGISTERED);
  c3.send([M.REGISTER, 100, { invoke: 'last' }, 'com.example.other']);
  assert.equal(
    (await c3.expect(M.ERROR))[4],
    'wamp.error.procedure_exists_with_different_invocation_policy',
  );
  for (const [policy, want] of [
    ['first', c1],
    ['last', c3],
  ] as const) {
    const uri = `com.example.${policy}`;
    for (const c of [c1, c2, c3]) await c.register(uri, { invoke: policy });
    caller.send([M.CALL, caller.nextId(), {}, uri]);
    const m = await want.expect(M.INVOCATION);
    want.send([M.YIELD, m[1], {}, []]);
    await caller.expect(M.RESULT);
  }
});

test('rpc - concurrency limit per callee gives crossbar.error.max_concurrency_reached', async () => {
  const {
    peers: [callee, caller],
  } = await setup();
  await callee!.register('com.example.one', { concurrency: 1 });
  caller!.send([M.CALL, caller!.nextId(), {}, 'com.example.one']);
  const inv = await callee!.expect(M.INVOCATION);
  caller!.send([M.CALL, caller!.nextId(), {}, 'com.example.one']);
  assert.equal((await caller!.expect(M.ERROR))[4], 'crossbar.error.max_concurrency_reached');
  callee!.send([M.YIELD, inv[1], {}, []]);
  await caller!.expect(M.RESULT);
  // With the slot free again, the next call goes through.
  caller!.send([M.CALL, caller!.nextId(), {}, 'com.example.one']);
  const again = await callee!.expect(M.INVOCATION);
  callee!.send([M.YIELD, again[1], {}, ['ok']]);
  assert.deepEqual((await caller!.expect(M.RESULT))[3], ['ok']);
});

test('rpc - pattern registrations: exact beats prefix beats wildcard, with details.procedure', async () => {
  const { peers } = await setup(5);
  const [exact, prefix, wild1, wild2, caller] = peers as [Peer, Peer, Peer, Peer, Peer];
  await exact.register('a1.b2.c3');
  await prefix.register('a1.b2', { match: 'prefix' });
  await wild1.register('a1.b2..d4.e5..g7', { match: 'wildcard' });
  await wild2.register('a1.b2..d4..f6.g7', { match: 'wildcard' });
  await wild2.register('x..z', { match: 'wildcard' });
  const check = async (uri: string, who: Peer, detail: string | undefined): Promise<void> => {
    caller.send([M.CALL, caller.nextId(), {}, uri]);
    const inv = await who.expect(M.INVOCATION);
    assert.equal((inv[3] as Record<string, unknown>)['procedure'], detail, uri);
    who.send([M.YIELD, inv[1], {}, []]);
    await caller.expect(M.RESULT);
  };
  await check('a1.b2.c3', exact, undefined);
  await check('a1.b2.c3.d4', prefix, 'a1.b2.c3.d4');
  await check('a1.b2-x', prefix, 'a1.b2-x');
  await check('x.y.z', wild2, 'x.y.z');
  const r = await caller.call('x.y.z.w');
  assert.equal(r[4], 'wamp.error.no_such_procedure');
});

test('rpc - wildcard precedence: longest first literal run wins', async () => {
  const { peers } = await setup(3);
  const [w1, w2, caller] = peers as [Peer, Peer, Peer];
  await w1.register('a1.b2..d4.e5..g7', { match: 'wildcard' });
  await w2.register('a1.b2..d4..f6.g7', { match: 'wildcard' });
  caller.send([M.CALL, 1, {}, 'a1.b2.c88.d4.e5.f6.g7']);
  const inv = await w1.expect(M.INVOCATION);
  w1.send([M.YIELD, inv[1], {}, []]);
  await caller.expect(M.RESULT);
});

test('rpc - caller disclosure on request of the registration', async () => {
  const {
    peers: [callee, caller],
  } = await setup();
  await callee!.register('com.example.who', { disclose_caller: true });
  caller!.send([M.CALL, 1, {}, 'com.example.who']);
  const inv = await callee!.expect(M.INVOCATION);
  const d = inv[3] as Record<string, unknown>;
  assert.equal(d['caller'], caller!.sessionId);
  assert.equal(typeof d['caller_authid'], 'string');
  assert.equal(d['caller_authrole'], 'anonymous');
});

test('rpc - re-routing on wamp.error.unavailable, then no_available_callee', async () => {
  const { peers } = await setup(3);
  const [c1, c2, caller] = peers as [Peer, Peer, Peer];
  await c1.register('com.example.busy', { invoke: 'first' });
  await c2.register('com.example.busy', { invoke: 'first' });
  caller.send([M.CALL, 1, {}, 'com.example.busy', ['x']]);
  let inv = await c1.expect(M.INVOCATION);
  c1.send([M.ERROR, M.INVOCATION, inv[1], {}, 'wamp.error.unavailable']);
  inv = await c2.expect(M.INVOCATION);
  assert.deepEqual(inv[4], ['x']);
  c2.send([M.ERROR, M.INVOCATION, inv[1], {}, 'wamp.error.unavailable']);
  assert.equal((await caller.expect(M.ERROR))[4], 'wamp.error.no_available_callee');
});

test('rpc - progressive call invocations stream to one INVOCATION id', async () => {
  const {
    peers: [callee, caller],
  } = await setup();
  await callee!.register('com.example.upload');
  caller!.send([M.CALL, 1, { progress: true }, 'com.example.upload', ['a']]);
  const i1 = await callee!.expect(M.INVOCATION);
  assert.equal((i1[3] as Record<string, unknown>)['progress'], true);
  caller!.send([M.CALL, 1, { progress: true }, 'com.example.upload', ['b']]);
  caller!.send([M.CALL, 1, {}, 'com.example.upload', ['c']]);
  const i2 = await callee!.expect(M.INVOCATION);
  const i3 = await callee!.expect(M.INVOCATION);
  assert.equal(i2[1], i1[1]);
  assert.equal(i3[1], i1[1]);
  assert.deepEqual(i2[3], { progress: true });
  assert.deepEqual(i3[3], {});
  assert.deepEqual([i1[4], i2[4], i3[4]], [['a'], ['b'], ['c']]);
  callee!.send([M.YIELD, i1[1], {}, ['abc']]);
  assert.deepEqual(await caller!.expect(M.RESULT), [M.RESULT, 1, {}, ['abc']]);
});

test('rpc - YIELD for an unknown invocation is a protocol violation', async () => {
  const {
    peers: [p],
  } = await setup(1);
  p!.send([M.YIELD, 4242, {}, []]);
  assert.equal((await p!.expect(M.ABORT))[2], 'wamp.error.protocol_violation');
});

test('rpc - payload passthru is relayed untouched in both directions', async () => {
  const {
    peers: [callee, caller],
  } = await setup();
  await callee!.register('com.example.e2e');
  const blob = new Uint8Array([9, 8, 7]);
  caller!.send([
    M.CALL,
    1,
    { ppt_scheme: 'x_custom', ppt_serializer: 'cbor' },
    'com.example.e2e',
    [blob],
  ]);
  const inv = await callee!.expect(M.INVOCATION);
  const d = inv[3] as Record<string, unknown>;
  assert.equal(d['ppt_scheme'], 'x_custom');
  assert.equal(d['ppt_serializer'], 'cbor');
  callee!.send([M.YIELD, inv[1], { enc_algo: 'cryptobox', enc_serializer: 'msgpack' }, blob]);
  const r = await caller!.expect(M.RESULT);
  assert.deepEqual(r[2], { enc_algo: 'cryptobox', enc_serializer: 'msgpack' });
  assert.deepEqual(new Uint8Array(r[3] as Uint8Array), blob);
});

test('rpc - messages too large for a peer become wamp.error.payload_size_exceeded', async () => {
  const router = new Router();
  router.addRealm(openRealm());
  const callee = new Peer(router, { maxMessageSize: 2048 });
  await callee.join('realm1');
  await callee.register('com.example.small');
  const caller = new Peer(router, { maxMessageSize: 2048 });
  await caller.join('realm1');
  // The INVOCATION would not fit the callee.
  caller.send([M.CALL, 1, {}, 'com.example.small', ['x'.repeat(3000)]]);
  const e1 = await caller.expect(M.ERROR);
  assert.equal(e1[4], 'wamp.error.payload_size_exceeded');
  await callee.nothing();
  // The RESULT would not fit the caller; the caller still gets an answer.
  caller.send([M.CALL, 2, {}, 'com.example.small', ['hi']]);
  const inv = await callee.expect(M.INVOCATION);
  callee.send([M.YIELD, inv[1], {}, ['y'.repeat(3000)]]);
  const e2 = await caller.expect(M.ERROR);
  assert.equal(e2[4], 'wamp.error.payload_size_exceeded');
  // Both sessions keep working.
  caller.send([M.CALL, 3, {}, 'com.example.small', ['ok']]);
  const inv3 = await callee.expect(M.INVOCATION);
  callee.send([M.YIELD, inv3[1], {}, ['fine']]);
  assert.deepEqual((await caller.expect(M.RESULT))[3], ['fine']);
});

test('rpc - a client that cannot even take WELCOME is refused cleanly', async () => {
  const router = new Router();
  router.addRealm(openRealm());
  const tiny = new Peer(router, { maxMessageSize: 64 });
  tiny.send([M.HELLO, 'realm1', { roles: { caller: {} } }]);
  await tiny.waitClosed();
  assert.equal(router.getRealm('realm1')!.sessions.size, 0);
  assert.equal(router.connectionCount, 0);
});
