import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MessageType as M } from '@cdc/protocol';
import { Router } from '../src/index.js';
import type { RealmConfig } from '../src/index.js';
import { Peer, openRealm } from './peer.js';
import { sharedDir } from '@cdc/testkit';

async function setup(
  n: number,
  realm: RealmConfig = openRealm(),
): Promise<{ router: Router; peers: Peer[] }> {
  const router = new Router();
  router.addRealm(realm);
  const peers: Peer[] = [];
  for (let i = 0; i < n; i++) {
    const p = new Peer(router);
    await p.join(realm.name);
    peers.push(p);
  }
  return { router, peers };
}

test('pubsub - subscribers get the event, the publisher is excluded by default', async () => {
  const {
    peers: [pub, s1, s2],
  } = await setup(3);
  const sid = await s1!.subscribe('com.example.topic');
  assert.equal(
    await s2!.subscribe('com.example.topic'),
    sid,
    'one subscription per (topic, match)',
  );
  await pub!.subscribe('com.example.topic');
  pub!.send([M.PUBLISH, 1, { acknowledge: true }, 'com.example.topic', ['hi'], { n: 1 }]);
  const ack = await pub!.expect(M.PUBLISHED);
  for (const s of [s1!, s2!]) {
    const ev = await s.expect(M.EVENT);
    assert.deepEqual(ev, [M.EVENT, sid, ack[2], {}, ['hi'], { n: 1 }]);
  }
  await pub!.nothing();
});

test('pubsub - multisession vector: publisher exclusion disabled', async () => {
  const vector = JSON.parse(
    readFileSync(
      join(sharedDir(), 'wamp-testsuite/multisession/advanced/publisher_exclusion_disabled.json'),
      'utf8',
    ),
  ) as {
    sequence: { from: string; message: Record<string, unknown> }[];
    expected_outcome: { event_count: number };
  };
  const {
    peers: [s],
  } = await setup(1);
  const steps = vector.sequence;
  const sub = steps[0]!.message;
  s!.send([M.SUBSCRIBE, sub['request_id'], sub['options'], sub['topic']]);
  const subscribed = await s!.expect(M.SUBSCRIBED);
  assert.equal(subscribed[1], sub['request_id']);
  const pub = steps[2]!.message;
  s!.send([M.PUBLISH, pub['request_id'], pub['options'], pub['topic'], pub['args']]);
  const ev = await s!.expect(M.EVENT);
  assert.equal(ev[1], subscribed[2]);
  assert.deepEqual(ev[4], steps[3]!.message['args']);
  assert.equal(vector.expected_outcome.event_count, 1);
  await s!.nothing();
});

test('pubsub - black and white listing by session, authid and authrole', async () => {
  const { peers } = await setup(4);
  const [pub, a, b, c] = peers as [Peer, Peer, Peer, Peer];
  for (const s of [a, b, c]) await s.subscribe('com.example.bw');
  const deliveredTo = async (options: Record<string, unknown>): Promise<Peer[]> => {
    pub.send([M.PUBLISH, pub.nextId(), options, 'com.example.bw', [1]]);
    await new Promise((r) => setTimeout(r, 20));
    const got: Peer[] = [];
    for (const s of [a, b, c]) {
      try {
        await s.nothing(1);
      } catch {
        got.push(s);
        await s.next();
      }
    }
    return got;
  };
  assert.deepEqual(await deliveredTo({ exclude: [b.sessionId] }), [a, c]);
  assert.deepEqual(await deliveredTo({ eligible: [b.sessionId, c.sessionId] }), [b, c]);
  assert.deepEqual(
    await deliveredTo({ eligible: [b.sessionId, c.sessionId], exclude: [c.sessionId] }),
    [b],
  );
  assert.deepEqual(await deliveredTo({ exclude_authrole: ['anonymous'] }), []);
  assert.deepEqual(await deliveredTo({ eligible_authrole: ['anonymous'] }), [a, b, c]);
  const authidA = (await a.call('wamp.session.get', [a.sessionId]))[3] as Record<string, unknown>[];
  assert.deepEqual(await deliveredTo({ eligible_authid: [authidA[0]!['authid']] }), [a]);
  assert.deepEqual(await deliveredTo({ exclude_authid: [authidA[0]!['authid']] }), [b, c]);
});

test('pubsub - prefix and wildcard subscriptions get details.topic and one publication ID', async () => {
  const { peers } = await setup(4);
  const [pub, exact, prefix, wild] = peers as [Peer, Peer, Peer, Peer];
  const se = await exact.subscribe('com.example.a.b');
  const sp = await prefix.subscribe('com.example', { match: 'prefix' });
  const sw = await wild.subscribe('com..a.b', { match: 'wildcard' });
  pub.send([M.PUBLISH, 1, { acknowledge: true }, 'com.example.a.b', [1]]);
  const pubId = (await pub.expect(M.PUBLISHED))[2];
  assert.deepEqual(await exact.expect(M.EVENT), [M.EVENT, se, pubId, {}, [1]]);
  assert.deepEqual(await prefix.expect(M.EVENT), [
    M.EVENT,
    sp,
    pubId,
    { topic: 'com.example.a.b' },
    [1],
  ]);
  assert.deepEqual(await wild.expect(M.EVENT), [
    M.EVENT,
    sw,
    pubId,
    { topic: 'com.example.a.b' },
    [1],
  ]);
  pub.send([M.PUBLISH, 2, {}, 'com.other.a.b', [2]]);
  assert.equal((await wild.expect(M.EVENT))[4] !== undefined, true);
  await prefix.nothing();
});

test('pubsub - retained event is delivered to later subscribers that ask for it', async () => {
  const {
    peers: [pub, late, other],
  } = await setup(3);
  pub!.send([M.PUBLISH, 1, { retain: true, acknowledge: true }, 'com.example.state', ['v1']]);
  await pub!.expect(M.PUBLISHED);
  pub!.send([M.PUBLISH, 2, { retain: true, acknowledge: true }, 'com.example.state', ['v2']]);
  await pub!.expect(M.PUBLISHED);
  const sid = await late!.subscribe('com.example.state', { get_retained: true });
  const ev = await late!.expect(M.EVENT);
  assert.equal(ev[1], sid);
  assert.deepEqual(ev[3], { retained: true });
  assert.deepEqual(ev[4], ['v2']);
  await other!.subscribe('com.example', { match: 'prefix', get_retained: true });
  const ev2 = await other!.expect(M.EVENT);
  assert.deepEqual(ev2[3], { retained: true, topic: 'com.example.state' });
  await other!.subscribe('com.example.none', {});
  await other!.nothing();
});

test('pubsub - unsubscribe, errors for unknown subscriptions and invalid topics', async () => {
  const {
    peers: [pub, s],
  } = await setup(2);
  const sid = await s!.subscribe('com.example.x');
  s!.send([M.UNSUBSCRIBE, 50, sid]);
  assert.deepEqual(await s!.expect(M.UNSUBSCRIBED), [M.UNSUBSCRIBED, 50]);
  s!.send([M.UNSUBSCRIBE, 51, sid]);
  assert.equal((await s!.expect(M.ERROR))[4], 'wamp.error.no_such_subscription');
  pub!.send([M.PUBLISH, 1, {}, 'com.example.x', []]);
  await s!.nothing();
  s!.send([M.SUBSCRIBE, 52, {}, 'com..x']);
  assert.equal((await s!.expect(M.ERROR))[4], 'wamp.error.invalid_uri');
  pub!.send([M.PUBLISH, 2, { acknowledge: true }, 'com. bad', []]);
  assert.equal((await pub!.expect(M.ERROR))[4], 'wamp.error.invalid_uri');
  pub!.send([M.PUBLISH, 3, { acknowledge: true }, 'wamp.session.on_join', []]);
  assert.equal((await pub!.expect(M.ERROR))[4], 'wamp.error.invalid_uri');
});

test('pubsub - publisher disclosure by role config and disclose_me', async () => {
  const realm: RealmConfig = {
    name: 'realm1',
    roles: [
      {
        name: 'anonymous',
        permissions: [
          { uri: 'com.', match: 'prefix', allow: { publish: true, subscribe: true } },
          {
            uri: 'com.disclosed.',
            match: 'prefix',
            allow: { publish: true, subscribe: true },
            disclose: { publisher: true },
          },
        ],
      },
    ],
  };
  const {
    peers: [pub, s],
  } = await setup(2, realm);
  await s!.subscribe('com.disclosed.t');
  await s!.subscribe('com.plain.t');
  pub!.send([M.PUBLISH, 1, {}, 'com.disclosed.t', []]);
  const d = (await s!.expect(M.EVENT))[3] as Record<string, unknown>;
  assert.equal(d['publisher'], pub!.sessionId);
  assert.equal(d['publisher_authrole'], 'anonymous');
  pub!.send([M.PUBLISH, 2, {}, 'com.plain.t', []]);
  assert.deepEqual((await s!.expect(M.EVENT))[3], {});
});

test('pubsub - event history via wamp.subscription.get_events', async () => {
  const realm = {
    ...openRealm(),
    store: { type: 'memory' as const, 'event-history': [{ uri: 'com.example.log', limit: 3 }] },
  };
  const {
    peers: [pub, s],
  } = await setup(2, realm);
  const sid = await s!.subscribe('com.example.log');
  for (let i = 1; i <= 5; i++) pub!.send([M.PUBLISH, i, {}, 'com.example.log', [i]]);
  for (let i = 1; i <= 5; i++) await s!.expect(M.EVENT);
  const r = await s!.call('wamp.subscription.get_events', [sid, 10]);
  assert.equal(r[0], M.RESULT);
  const events = (r[3] as unknown[])[0] as { args: unknown[] }[];
  assert.deepEqual(
    events.map((e) => e.args),
    [[5], [4], [3]],
  );
  const other = await s!.subscribe('com.example.nolog');
  const e = await s!.call('wamp.subscription.get_events', [other]);
  assert.equal(e[4], 'wamp.error.history_unavailable');
});

test('pubsub - a subscriber leaving mid-fan-out does not disturb the others', async () => {
  const { router, peers } = await setup(5);
  const [pub, ...subs] = peers as [Peer, ...Peer[]];
  for (const s of subs) await s.subscribe('com.example.many');
  subs[1]!.drop();
  pub.send([M.PUBLISH, 1, {}, 'com.example.many', ['x']]);
  for (const s of [subs[0]!, subs[2]!, subs[3]!])
    assert.deepEqual((await s.expect(M.EVENT))[4], ['x']);
  assert.equal(router.getRealm('realm1')?.sessions.size, 4);
});
