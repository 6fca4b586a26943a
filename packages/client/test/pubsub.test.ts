import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageType, WampErrors } from '@cdc/protocol';
import type { EventDetails } from '../src/index.js';
import {
  WELCOME_DETAILS,
  establish,
  expectMessage,
  expectNothing,
  flush,
  rolesWithout,
} from './fake-router.js';

test('pubsub - publish without acknowledge resolves undefined once sent', async () => {
  const { session, peer } = await establish();
  const result = await session.publish('com.example.topic', ['hi'], { n: 1 });
  assert.equal(result, undefined);
  const p = await expectMessage(peer, MessageType.PUBLISH);
  assert.equal(p.topic, 'com.example.topic');
  assert.deepEqual(p.options, {});
  assert.deepEqual(p.args, ['hi']);
  assert.deepEqual(p.kwargs, { n: 1 });
});

test('pubsub - publish with acknowledge resolves with the publication ID', async () => {
  const { session, peer } = await establish();
  const pending = session.publish('com.example.topic', [], {}, { acknowledge: true });
  const p = await expectMessage(peer, MessageType.PUBLISH);
  assert.deepEqual(p.options, { acknowledge: true });
  assert.equal(p.args, undefined);
  peer.send([MessageType.PUBLISHED, p.requestId, 31337]);
  assert.deepEqual(await pending, { id: 31337 });
});

test('pubsub - an acknowledged publish rejects with the router error', async () => {
  const { session, peer } = await establish();
  const pending = session.publish('com.example.topic', [], {}, { acknowledge: true });
  const p = await expectMessage(peer, MessageType.PUBLISH);
  peer.send([MessageType.ERROR, MessageType.PUBLISH, p.requestId, {}, WampErrors.NOT_AUTHORIZED]);
  await assert.rejects(pending, { uri: WampErrors.NOT_AUTHORIZED });
});

test('pubsub - publish options are mapped to their wire names', async () => {
  const { session, peer } = await establish();
  await session.publish('com.example.topic', null, null, {
    excludeMe: false,
    exclude: [1, 2],
    eligible: [3],
    excludeAuthid: ['a'],
    excludeAuthrole: ['r'],
    eligibleAuthid: ['b'],
    eligibleAuthrole: ['s'],
    retain: true,
    discloseMe: true,
    extra: { x_custom: 1 },
  });
  const p = await expectMessage(peer, MessageType.PUBLISH);
  assert.deepEqual(p.options, {
    x_custom: 1,
    exclude_me: false,
    exclude: [1, 2],
    eligible: [3],
    exclude_authid: ['a'],
    exclude_authrole: ['r'],
    eligible_authid: ['b'],
    eligible_authrole: ['s'],
    retain: true,
    disclose_me: true,
  });
});

test('pubsub - publish payload passthru sends the bytes and ppt options untouched', async () => {
  const { session, peer } = await establish();
  await session.publish('com.example.topic', [new Uint8Array([7, 8])], null, { pptScheme: 'mqtt' });
  const p = await expectMessage(peer, MessageType.PUBLISH);
  assert.deepEqual(p.options, { ppt_scheme: 'mqtt' });
  const blob = p.args?.[0];
  assert.ok(blob instanceof Uint8Array);
  assert.deepEqual([...blob], [7, 8]);
  const { session: other } = await establish(
    {},
    { ...WELCOME_DETAILS, roles: rolesWithout('broker', 'payload_passthru_mode') },
  );
  await assert.rejects(other.publish('com.x', [new Uint8Array(1)], null, { pptScheme: 'mqtt' }), {
    uri: WampErrors.FEATURE_NOT_SUPPORTED,
  });
});

test('pubsub - bad publish arguments are rejected locally', async () => {
  const { session, peer } = await establish();
  await assert.rejects(session.publish('a b'), { uri: WampErrors.INVALID_URI });
  await assert.rejects(session.publish('com.x', {} as unknown as []), {
    uri: WampErrors.INVALID_ARGUMENT,
  });
  await assert.rejects(
    session.publish('com.x', [], {}, { exclude: ['x'] as unknown as number[] }),
    {
      uri: WampErrors.INVALID_ARGUMENT,
    },
  );
  await assert.rejects(
    session.publish('com.x', [], {}, { eligibleAuthid: [1] as unknown as string[] }),
    {
      uri: WampErrors.INVALID_ARGUMENT,
    },
  );
  await expectNothing(peer);
});

test('pubsub - subscribe delivers EVENTs with their details', async () => {
  const { session, peer } = await establish();
  const got: [unknown[], Record<string, unknown>, EventDetails][] = [];
  const pending = session.subscribe('com.example.', (a, k, d) => void got.push([a, k, d]), {
    match: 'prefix',
    getRetained: true,
  });
  const s = await expectMessage(peer, MessageType.SUBSCRIBE);
  assert.equal(s.topic, 'com.example.');
  assert.deepEqual(s.options, { match: 'prefix', get_retained: true });
  peer.send([MessageType.SUBSCRIBED, s.requestId, 500]);
  peer.send([
    MessageType.EVENT,
    500,
    9001,
    {
      topic: 'com.example.a',
      retained: true,
      publisher: 12,
      publisher_authid: 'p',
      publisher_authrole: 'r',
    },
    [1],
    { k: 2 },
  ]);
  const sub = await pending;
  assert.equal(sub.id, 500);
  assert.equal(sub.topic, 'com.example.');
  assert.ok(sub.active);
  await flush();
  assert.equal(got.length, 1);
  const [args, kwargs, details] = got[0]!;
  assert.deepEqual(args, [1]);
  assert.deepEqual(kwargs, { k: 2 });
  assert.equal(details.publication, 9001);
  assert.equal(details.topic, 'com.example.a');
  assert.equal(details.retained, true);
  assert.equal(details.publisher, 12);
  assert.equal(details.publisherAuthid, 'p');
  assert.equal(details.publisherAuthrole, 'r');
  peer.send([MessageType.EVENT, 500, 9002, {}]);
  await flush();
  assert.equal(got[1]![2].topic, 'com.example.');
  assert.equal(got[1]![2].retained, false);
});

test('pubsub - local handlers share one router subscription; UNSUBSCRIBE goes with the last', async () => {
  const { session, peer } = await establish();
  const a: unknown[] = [];
  const b: unknown[] = [];
  const pa = session.subscribe('com.example.t', (args) => void a.push(args[0]));
  const sa = await expectMessage(peer, MessageType.SUBSCRIBE);
  peer.send([MessageType.SUBSCRIBED, sa.requestId, 600]);
  const pb = session.subscribe('com.example.t', (args) => void b.push(args[0]));
  const sb = await expectMessage(peer, MessageType.SUBSCRIBE);
  peer.send([MessageType.SUBSCRIBED, sb.requestId, 600]);
  const [subA, subB] = await Promise.all([pa, pb]);
  peer.send([MessageType.EVENT, 600, 1, {}, ['one']]);
  await flush();
  assert.deepEqual(a, ['one']);
  assert.deepEqual(b, ['one']);

  await subA.unsubscribe();
  assert.equal(subA.active, false);
  await expectNothing(peer);
  peer.send([MessageType.EVENT, 600, 2, {}, ['two']]);
  await flush();
  assert.deepEqual(a, ['one']);
  assert.deepEqual(b, ['one', 'two']);

  const last = subB.unsubscribe();
  const u = await expectMessage(peer, MessageType.UNSUBSCRIBE);
  assert.equal(u.subscription, 600);
  peer.send([MessageType.UNSUBSCRIBED, u.requestId]);
  await last;
  // An EVENT that crossed our UNSUBSCRIBE is dropped quietly.
  peer.send([MessageType.EVENT, 600, 3, {}, ['three']]);
  await flush();
  assert.deepEqual(b, ['one', 'two']);
  assert.ok(session.isOpen);
});

test('pubsub - a SUBSCRIBE that crossed the UNSUBSCRIBE of the same subscription re-subscribes', async () => {
  const { session, peer } = await establish();
  const got: unknown[] = [];
  const first = session.subscribe('com.example.t', () => undefined);
  const s1 = await expectMessage(peer, MessageType.SUBSCRIBE);
  peer.send([MessageType.SUBSCRIBED, s1.requestId, 700]);
  const sub1 = await first;
  const leaving = sub1.unsubscribe();
  const u = await expectMessage(peer, MessageType.UNSUBSCRIBE);
  const second = session.subscribe('com.example.t', (args) => void got.push(args[0]));
  const s2 = await expectMessage(peer, MessageType.SUBSCRIBE);
  // The router answers the SUBSCRIBE (same ID), then removes us with the UNSUBSCRIBE.
  peer.send([MessageType.SUBSCRIBED, s2.requestId, 700]);
  peer.send([MessageType.UNSUBSCRIBED, u.requestId]);
  await leaving;
  const s3 = await expectMessage(peer, MessageType.SUBSCRIBE);
  assert.equal(s3.topic, 'com.example.t');
  peer.send([MessageType.SUBSCRIBED, s3.requestId, 701]);
  const sub2 = await second;
  assert.equal(sub2.id, 701);
  peer.send([MessageType.EVENT, 701, 1, {}, ['x']]);
  await flush();
  assert.deepEqual(got, ['x']);
});

test('pubsub - a throwing or rejecting event handler is reported, others still run', async () => {
  const errors: string[] = [];
  const { session, peer } = await establish({ onError: (_e, where) => errors.push(where) });
  const got: unknown[] = [];
  void session.subscribe('com.example.t', () => {
    throw new Error('sync');
  });
  const s1 = await expectMessage(peer, MessageType.SUBSCRIBE);
  peer.send([MessageType.SUBSCRIBED, s1.requestId, 800]);
  void session.subscribe('com.example.t', () => Promise.reject(new Error('async')));
  const s2 = await expectMessage(peer, MessageType.SUBSCRIBE);
  peer.send([MessageType.SUBSCRIBED, s2.requestId, 800]);
  void session.subscribe('com.example.t', (args) => void got.push(args[0]));
  const s3 = await expectMessage(peer, MessageType.SUBSCRIBE);
  peer.send([MessageType.SUBSCRIBED, s3.requestId, 800]);
  await flush();
  peer.send([MessageType.EVENT, 800, 1, {}, ['ok']]);
  await flush();
  assert.deepEqual(got, ['ok']);
  assert.deepEqual(errors, ['event', 'event']);
});

test('pubsub - router revocation deactivates every local handler and calls onRevoke', async () => {
  const { session, peer } = await establish();
  const reasons: string[] = [];
  const p = session.subscribe('com.example.t', () => undefined, {
    onRevoke: (r) => reasons.push(r),
  });
  const s = await expectMessage(peer, MessageType.SUBSCRIBE);
  peer.send([MessageType.SUBSCRIBED, s.requestId, 900]);
  const sub = await p;
  peer.send([MessageType.UNSUBSCRIBED, 0, { subscription: 900, reason: 'com.example.kicked' }]);
  await flush();
  assert.equal(sub.active, false);
  assert.deepEqual(reasons, ['com.example.kicked']);
  await sub.unsubscribe();
  await expectNothing(peer);
  assert.ok(session.isOpen);
});

test('pubsub - subscribe errors and bad arguments', async () => {
  const { session, peer } = await establish();
  const p = session.subscribe('com.example.t', () => undefined);
  const s = await expectMessage(peer, MessageType.SUBSCRIBE);
  peer.send([
    MessageType.ERROR,
    MessageType.SUBSCRIBE,
    s.requestId,
    {},
    WampErrors.NOT_AUTHORIZED,
    ['no'],
  ]);
  await assert.rejects(p, { uri: WampErrors.NOT_AUTHORIZED, args: ['no'] });
  await assert.rejects(
    session.subscribe('com..t', () => undefined),
    { uri: WampErrors.INVALID_URI },
  );
  await assert.rejects(session.subscribe('com.t', null as unknown as () => void), {
    uri: WampErrors.INVALID_ARGUMENT,
  });
  await expectNothing(peer);
});

test('pubsub - SUBSCRIBED for an unknown request is a protocol violation', async () => {
  const { session, peer } = await establish();
  peer.send([MessageType.SUBSCRIBED, 77, 1]);
  assert.equal(
    (await expectMessage(peer, MessageType.ABORT)).reason,
    WampErrors.PROTOCOL_VIOLATION,
  );
  assert.equal((await session.closed).reason, WampErrors.PROTOCOL_VIOLATION);
});
