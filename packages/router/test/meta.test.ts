import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageType as M } from '@cdc/protocol';
import { Router } from '../src/index.js';
import { Peer, openRealm } from './peer.js';

async function setup(n: number): Promise<{ router: Router; peers: Peer[] }> {
  const router = new Router({ goodbyeTimeoutMs: 50 });
  router.addRealm(openRealm('realm1'));
  router.addRealm(openRealm('realm2'));
  const peers: Peer[] = [];
  for (let i = 0; i < n; i++) {
    const p = new Peer(router);
    await p.join('realm1');
    peers.push(p);
  }
  return { router, peers };
}

const result = (m: unknown[]): unknown => {
  assert.equal(m[0], M.RESULT, JSON.stringify(m));
  return (m[3] as unknown[] | undefined)?.[0];
};

test('meta - session count, list, get; other realms are not visible', async () => {
  const {
    router,
    peers: [a, b],
  } = await setup(2);
  const other = new Peer(router);
  await other.join('realm2');
  assert.equal(result(await a!.call('wamp.session.count')), 2);
  assert.deepEqual(
    (result(await a!.call('wamp.session.list')) as number[]).sort(),
    [a!.sessionId, b!.sessionId].sort(),
  );
  assert.deepEqual(result(await a!.call('wamp.session.list', [['nobody']])), []);
  const d = result(await a!.call('wamp.session.get', [b!.sessionId])) as Record<string, unknown>;
  assert.equal(d['session'], b!.sessionId);
  assert.equal(d['authrole'], 'anonymous');
  assert.equal((d['transport'] as Record<string, unknown>)['type'], 'memory');
  assert.equal(
    (await a!.call('wamp.session.get', [other.sessionId]))[4],
    'wamp.error.no_such_session',
  );
  assert.equal((await a!.call('wamp.session.get', ['x']))[4], 'wamp.error.invalid_argument');
});

test('meta - on_join and on_leave events', async () => {
  const {
    router,
    peers: [watcher],
  } = await setup(1);
  await watcher!.subscribe('wamp.session.on_join');
  await watcher!.subscribe('wamp.session.on_leave');
  const p = new Peer(router);
  await p.join('realm1');
  const join = await watcher!.expect(M.EVENT);
  assert.equal(((join[4] as unknown[])[0] as Record<string, unknown>)['session'], p.sessionId);
  p.send([M.GOODBYE, {}, 'wamp.close.normal']);
  const leave = await watcher!.expect(M.EVENT);
  assert.deepEqual((leave[4] as unknown[]).slice(0, 1), [p.sessionId]);
});

test('meta - kill, kill_by_authid, kill_by_authrole, kill_all', async () => {
  const { peers } = await setup(5);
  const [admin, v1, v2, v3, v4] = peers as [Peer, Peer, Peer, Peer, Peer];
  assert.equal(
    (await admin.call('wamp.session.kill', [admin.sessionId]))[4],
    'wamp.error.invalid_argument',
  );
  assert.equal(
    result(
      await admin.call('wamp.session.kill', [v1.sessionId], {
        reason: 'com.example.bye',
        message: 'out',
      }),
    ),
    null,
  );
  const g = await v1.expect(M.GOODBYE);
  assert.deepEqual(g, [M.GOODBYE, { message: 'out' }, 'com.example.bye']);
  v1.send([M.GOODBYE, {}, 'wamp.close.goodbye_and_out']);
  const authid = (
    result(await admin.call('wamp.session.get', [v2.sessionId])) as Record<string, string>
  )['authid'];
  assert.deepEqual(result(await admin.call('wamp.session.kill_by_authid', [authid])), [
    v2.sessionId,
  ]);
  assert.equal((await v2.expect(M.GOODBYE))[2], 'wamp.close.killed');
  assert.equal(
    (await admin.call('wamp.session.kill', [v3.sessionId], { reason: 'not a uri' }))[4],
    'wamp.error.invalid_argument',
  );
  assert.equal(result(await admin.call('wamp.session.kill_all')), 2);
  await v3.expect(M.GOODBYE);
  await v4.expect(M.GOODBYE);
  assert.equal(result(await admin.call('wamp.session.count')), 1);
  assert.equal(result(await admin.call('wamp.session.kill_by_authrole', ['anonymous'])), 0);
});

test('meta - registration list, lookup, match, get, callees, events and remove_callee', async () => {
  const {
    peers: [watcher, callee, other],
  } = await setup(3);
  for (const t of ['on_create', 'on_register', 'on_unregister', 'on_delete']) {
    await watcher!.subscribe(`wamp.registration.${t}`);
  }
  const reg = await callee!.register('com.example.p', { invoke: 'roundrobin' });
  const created = await watcher!.expect(M.EVENT);
  const info = (created[4] as unknown[])[1] as Record<string, unknown>;
  assert.deepEqual(
    [info['id'], info['uri'], info['match'], info['invoke']],
    [reg, 'com.example.p', 'exact', 'roundrobin'],
  );
  assert.deepEqual((await watcher!.expect(M.EVENT))[4], [callee!.sessionId, reg]);
  await other!.register('com.example.p', { invoke: 'roundrobin' });
  await watcher!.expect(M.EVENT);
  const pre = await callee!.register('com.example.', { match: 'prefix' });
  await watcher!.expect(M.EVENT);
  await watcher!.expect(M.EVENT);
  assert.deepEqual(result(await watcher!.call('wamp.registration.list')), {
    exact: [reg],
    prefix: [pre],
    wildcard: [],
  });
  assert.equal(result(await watcher!.call('wamp.registration.lookup', ['com.example.p'])), reg);
  assert.equal(
    result(
      await watcher!.call('wamp.registration.lookup', ['com.example.'], {
        options: { match: 'prefix' },
      }),
    ),
    pre,
  );
  assert.equal(result(await watcher!.call('wamp.registration.match', ['com.example.q'])), pre);
  assert.equal(result(await watcher!.call('wamp.registration.match', ['org.none'])), null);
  assert.equal(
    (result(await watcher!.call('wamp.registration.get', [reg])) as Record<string, unknown>)['uri'],
    'com.example.p',
  );
  assert.equal(
    (await watcher!.call('wamp.registration.get', [1]))[4],
    'wamp.error.no_such_registration',
  );
  assert.equal(result(await watcher!.call('wamp.registration.count_callees', [reg])), 2);
  assert.deepEqual(
    (result(await watcher!.call('wamp.registration.list_callees', [reg])) as number[]).sort(),
    [callee!.sessionId, other!.sessionId].sort(),
  );
  // The on_unregister event is published before the RESULT goes back.
  watcher!.send([
    M.CALL,
    watcher!.nextId(),
    {},
    'wamp.registration.remove_callee',
    [reg, other!.sessionId],
  ]);
  assert.deepEqual((await watcher!.expect(M.EVENT))[4], [other!.sessionId, reg]);
  assert.equal(result(await watcher!.expect(M.RESULT)), null);
  assert.deepEqual(await other!.expect(M.UNREGISTERED), [
    M.UNREGISTERED,
    0,
    { registration: reg, reason: 'wamp.error.unregistered' },
  ]);
  callee!.drop();
  const evs = [await watcher!.expect(M.EVENT), await watcher!.expect(M.EVENT)];
  assert.ok(evs.every((e) => (e[4] as unknown[])[0] === callee!.sessionId));
});

test('meta - subscription list, lookup, match, get, subscribers and remove_subscriber', async () => {
  const {
    peers: [admin, s1, s2],
  } = await setup(3);
  const sid = await s1!.subscribe('com.example.t');
  await s2!.subscribe('com.example.t');
  const wid = await s2!.subscribe('com..t', { match: 'wildcard' });
  assert.deepEqual(result(await admin!.call('wamp.subscription.list')), {
    exact: [sid],
    prefix: [],
    wildcard: [wid],
  });
  assert.equal(result(await admin!.call('wamp.subscription.lookup', ['com.example.t'])), sid);
  assert.deepEqual(
    (result(await admin!.call('wamp.subscription.match', ['com.example.t'])) as number[]).sort(),
    [sid, wid].sort(),
  );
  assert.equal(result(await admin!.call('wamp.subscription.match', ['org.x'])), null);
  assert.equal(result(await admin!.call('wamp.subscription.count_subscribers', [sid])), 2);
  assert.equal(
    (await admin!.call('wamp.subscription.list_subscribers', [999]))[4],
    'wamp.error.no_such_subscription',
  );
  await admin!.call('wamp.subscription.remove_subscriber', [sid, s1!.sessionId]);
  assert.deepEqual(await s1!.expect(M.UNSUBSCRIBED), [
    M.UNSUBSCRIBED,
    0,
    { subscription: sid, reason: 'wamp.error.unsubscribed' },
  ]);
  assert.deepEqual(result(await admin!.call('wamp.subscription.list_subscribers', [sid])), [
    s2!.sessionId,
  ]);
});

test('meta - testaments are published when the session goes, flush removes them', async () => {
  const {
    peers: [watcher, dying],
  } = await setup(2);
  await watcher!.subscribe('com.example.gone');
  assert.equal(
    result(
      await dying!.call('wamp.session.add_testament', ['com.example.gone', ['destroyed-1'], {}]),
    ),
    null,
  );
  await dying!.call('wamp.session.add_testament', [
    'com.example.gone',
    ['detached-1'],
    {},
    { scope: 'detached' },
  ]);
  await dying!.call('wamp.session.add_testament', [
    'com.example.gone',
    ['flushed'],
    {},
    { scope: 'detached' },
  ]);
  assert.equal(
    result(await dying!.call('wamp.session.flush_testaments', [{ scope: 'detached' }])),
    2,
  );
  await dying!.call('wamp.session.add_testament', [
    'com.example.gone',
    ['detached-2'],
    {},
    { scope: 'detached' },
  ]);
  assert.equal(
    (await dying!.call('wamp.session.add_testament', ['bad uri']))[4],
    'wamp.error.invalid_argument',
  );
  dying!.drop();
  assert.deepEqual((await watcher!.expect(M.EVENT))[4], ['detached-2']);
  assert.deepEqual((await watcher!.expect(M.EVENT))[4], ['destroyed-1']);
});
