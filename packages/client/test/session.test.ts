import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CloseReasons, MessageType, WampErrors } from '@cdc/protocol';
import { SessionClosedError, TransportLostError, type CloseInfo } from '../src/index.js';
import { establish, expectMessage, flush } from './fake-router.js';

test('session - leave sends GOODBYE and resolves with the router reply reason', async () => {
  const { session, peer } = await establish();
  const infos: CloseInfo[] = [];
  session.onLeave((i) => infos.push(i));
  const leaving = session.leave('wamp.close.logout', 'bye now');
  assert.equal(session.isOpen, false);
  const g = await expectMessage(peer, MessageType.GOODBYE);
  assert.equal(g.reason, 'wamp.close.logout');
  assert.deepEqual(g.details, { message: 'bye now' });
  // Crossbar answers wamp.close.normal rather than goodbye_and_out; any reason is fine.
  peer.send([MessageType.GOODBYE, {}, CloseReasons.NORMAL]);
  assert.equal(await leaving, CloseReasons.NORMAL);
  assert.equal(await session.leave(), CloseReasons.NORMAL);
  const info = await session.closed;
  assert.deepEqual(info, { reason: 'wamp.close.logout', message: 'bye now', initiator: 'local' });
  assert.deepEqual(infos, [info]);
  await peer.closed;
});

test('session - leave defaults to wamp.close.normal; requests during leave are refused', async () => {
  const { session, peer } = await establish();
  const leaving = session.leave();
  assert.equal((await expectMessage(peer, MessageType.GOODBYE)).reason, CloseReasons.NORMAL);
  await assert.rejects(session.call('com.example.x'), SessionClosedError);
  await assert.rejects(
    session.subscribe('com.example.x', () => undefined),
    SessionClosedError,
  );
  peer.send([MessageType.GOODBYE, {}, CloseReasons.GOODBYE_AND_OUT]);
  assert.equal(await leaving, CloseReasons.GOODBYE_AND_OUT);
});

test('session - leave gives up after goodbyeTimeout when the router does not answer', async () => {
  const { session, peer } = await establish({ goodbyeTimeout: 20 });
  const leaving = session.leave();
  await expectMessage(peer, MessageType.GOODBYE);
  assert.equal(await leaving, CloseReasons.TRANSPORT_LOST);
  await peer.closed;
});

test('session - a router GOODBYE is echoed; pending requests reject with its reason', async () => {
  const { session, peer } = await establish();
  const pending = session.call('com.example.slow');
  await expectMessage(peer, MessageType.CALL);
  peer.send([MessageType.GOODBYE, { message: 'maintenance' }, CloseReasons.SYSTEM_SHUTDOWN]);
  const reply = await expectMessage(peer, MessageType.GOODBYE);
  assert.equal(reply.reason, CloseReasons.GOODBYE_AND_OUT);
  await assert.rejects(
    pending,
    (e: unknown) => e instanceof SessionClosedError && e.uri === CloseReasons.SYSTEM_SHUTDOWN,
  );
  assert.deepEqual(await session.closed, {
    reason: CloseReasons.SYSTEM_SHUTDOWN,
    message: 'maintenance',
    initiator: 'router',
  });
  await assert.rejects(session.publish('com.example.t'), {
    uri: CloseReasons.SYSTEM_SHUTDOWN,
  });
  await peer.closed;
});

test('session - an ABORT from the router ends the session', async () => {
  const { session, peer } = await establish();
  const pending = session.call('com.example.slow');
  await expectMessage(peer, MessageType.CALL);
  peer.send([MessageType.ABORT, { message: 'kicked' }, 'wamp.close.killed']);
  await assert.rejects(pending, { uri: 'wamp.close.killed' });
  assert.equal((await session.closed).initiator, 'router');
});

test('session - losing the transport rejects every pending request with TransportLostError', async () => {
  const { session, peer } = await establish();
  const call = session.call('com.example.slow');
  const reg = session.register('com.example.proc', () => 1);
  const sub = session.subscribe('com.example.topic', () => undefined);
  const pub = session.publish('com.example.topic', [], {}, { acknowledge: true });
  for (let i = 0; i < 4; i++) await peer.next();
  peer.drop();
  for (const p of [call, reg, sub, pub]) {
    await assert.rejects(
      p,
      (e: unknown) => e instanceof TransportLostError && e.uri === CloseReasons.TRANSPORT_LOST,
    );
  }
  assert.deepEqual(await session.closed, {
    reason: CloseReasons.TRANSPORT_LOST,
    initiator: 'transport',
  });
  await assert.rejects(session.call('com.example.x'), SessionClosedError);
  assert.equal(await session.leave(), CloseReasons.TRANSPORT_LOST);
});

test('session - a transport lost while leaving resolves leave with transport_lost', async () => {
  const { session, peer } = await establish();
  const leaving = session.leave();
  await expectMessage(peer, MessageType.GOODBYE);
  peer.drop();
  assert.equal(await leaving, CloseReasons.TRANSPORT_LOST);
});

test('session - an undecodable message from the router aborts with protocol_violation', async () => {
  const { session, peer } = await establish();
  const pending = session.call('com.example.slow');
  await expectMessage(peer, MessageType.CALL);
  peer.send([999, 'junk']);
  const abort = await expectMessage(peer, MessageType.ABORT);
  assert.equal(abort.reason, WampErrors.PROTOCOL_VIOLATION);
  assert.match(String(abort.details['message']), /unknown message type 999/);
  await assert.rejects(pending, { uri: WampErrors.PROTOCOL_VIOLATION });
  await peer.closed;
});

for (const [name, message] of [
  ['a second WELCOME', [MessageType.WELCOME, 1, { roles: {} }]],
  ['a CALL (router role message)', [MessageType.CALL, 1, {}, 'com.x']],
  ['an ERROR for INVOCATION', [MessageType.ERROR, MessageType.INVOCATION, 1, {}, 'com.e']],
  ['a revocation without its ID', [MessageType.UNREGISTERED, 0, { reason: 'x' }]],
] as const) {
  test(`session - ${name} is a protocol violation`, async () => {
    const { session, peer } = await establish();
    peer.send([...message]);
    assert.equal(
      (await expectMessage(peer, MessageType.ABORT)).reason,
      WampErrors.PROTOCOL_VIOLATION,
    );
    assert.equal((await session.closed).reason, WampErrors.PROTOCOL_VIOLATION);
  });
}

test('session - one request-ID counter for every request type, starting at 1', async () => {
  const { session, peer } = await establish();
  void session.call('com.a');
  void session.register('com.b', () => 1);
  void session.subscribe('com.c', () => undefined);
  void session.publish('com.d');
  const ids: number[] = [];
  for (let i = 0; i < 4; i++) ids.push(((await peer.next()) as number[])[1]!);
  assert.deepEqual(ids, [1, 2, 3, 4]);
});

test('session - onLeave listeners can be removed and added after the end', async () => {
  const { session, peer } = await establish();
  const calls: string[] = [];
  const off = session.onLeave(() => calls.push('removed'));
  session.onLeave(() => calls.push('kept'));
  off();
  peer.drop();
  await session.closed;
  session.onLeave((info) => calls.push(`late:${info.reason}`));
  await flush();
  assert.deepEqual(calls, ['kept', `late:${CloseReasons.TRANSPORT_LOST}`]);
});
