import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageType, WampError, WampErrors } from '@cdc/protocol';
import { CallResult, type InvocationDetails, type Registration } from '../src/index.js';
import { establish, expectMessage, expectNothing, flush, type RouterPeer } from './fake-router.js';
import type { Session } from '../src/index.js';

async function registered(
  session: Session,
  peer: RouterPeer,
  handler: Parameters<Session['register']>[1],
  options: Parameters<Session['register']>[2] = {},
  procedure = 'com.example.proc',
  id = 100,
): Promise<Registration> {
  const pending = session.register(procedure, handler, options);
  const reg = await expectMessage(peer, MessageType.REGISTER);
  peer.send([MessageType.REGISTERED, reg.requestId, id]);
  return pending;
}

test('callee - register sends REGISTER with mapped options and resolves a Registration', async () => {
  const { session, peer } = await establish();
  const pending = session.register('com.example.', () => 1, {
    match: 'prefix',
    invoke: 'roundrobin',
    concurrency: 2,
    discloseCaller: true,
    forceReregister: true,
    forwardTimeout: true,
  });
  const reg = await expectMessage(peer, MessageType.REGISTER);
  assert.equal(reg.procedure, 'com.example.');
  assert.deepEqual(reg.options, {
    match: 'prefix',
    invoke: 'roundrobin',
    concurrency: 2,
    disclose_caller: true,
    force_reregister: true,
    forward_timeout: true,
  });
  peer.send([MessageType.REGISTERED, reg.requestId, 77]);
  const registration = await pending;
  assert.equal(registration.id, 77);
  assert.equal(registration.procedure, 'com.example.');
  assert.ok(registration.active);
});

test('callee - a REGISTER error rejects with its URI', async () => {
  const { session, peer } = await establish();
  const pending = session.register('com.example.proc', () => 1);
  const reg = await expectMessage(peer, MessageType.REGISTER);
  peer.send([
    MessageType.ERROR,
    MessageType.REGISTER,
    reg.requestId,
    {},
    WampErrors.PROCEDURE_ALREADY_EXISTS,
  ]);
  await assert.rejects(pending, { uri: WampErrors.PROCEDURE_ALREADY_EXISTS });
});

test('callee - a plain return value is yielded as args [value]; undefined as no args', async () => {
  const { session, peer } = await establish();
  let seen: unknown[] = [];
  await registered(session, peer, (args, kwargs) => {
    seen = [args, kwargs];
    return args[0] === 'none' ? undefined : { sum: 3 };
  });
  peer.send([MessageType.INVOCATION, 1, 100, {}, [1, 2], { k: 'v' }]);
  const y = await expectMessage(peer, MessageType.YIELD);
  assert.equal(y.requestId, 1);
  assert.deepEqual(y.options, {});
  assert.deepEqual(y.args, [{ sum: 3 }]);
  assert.deepEqual(seen, [[1, 2], { k: 'v' }]);
  peer.send([MessageType.INVOCATION, 2, 100, {}, ['none']]);
  const raw = (await peer.next()) as unknown[];
  assert.deepEqual(raw, [MessageType.YIELD, 2, {}]);
});

test('callee - async handlers and CallResult give several args and kwargs', async () => {
  const { session, peer } = await establish();
  await registered(session, peer, async () => {
    await Promise.resolve();
    return new CallResult([1, 2], { three: 3 });
  });
  peer.send([MessageType.INVOCATION, 5, 100, {}]);
  const y = await expectMessage(peer, MessageType.YIELD);
  assert.deepEqual(y.args, [1, 2]);
  assert.deepEqual(y.kwargs, { three: 3 });
});

test('callee - a thrown WampError becomes ERROR with its uri, args and kwargs', async () => {
  const { session, peer } = await establish();
  await registered(session, peer, () => {
    throw new WampError('com.example.error.invalid', ['bad input'], { field: 'x' });
  });
  peer.send([MessageType.INVOCATION, 3, 100, {}]);
  const e = await expectMessage(peer, MessageType.ERROR);
  assert.equal(e.requestType, MessageType.INVOCATION);
  assert.equal(e.requestId, 3);
  assert.equal(e.error, 'com.example.error.invalid');
  assert.deepEqual(e.args, ['bad input']);
  assert.deepEqual(e.kwargs, { field: 'x' });
});

test('callee - any other error becomes wamp.error.runtime_error with its message', async () => {
  const { session, peer } = await establish();
  await registered(session, peer, () => Promise.reject(new TypeError('oops')));
  peer.send([MessageType.INVOCATION, 4, 100, {}]);
  const e = await expectMessage(peer, MessageType.ERROR);
  assert.equal(e.error, WampErrors.RUNTIME_ERROR);
  assert.deepEqual(e.args, ['oops']);
});

test('callee - details carry caller identity, the concrete procedure and the timeout', async () => {
  const { session, peer } = await establish();
  let details: InvocationDetails | undefined;
  await registered(
    session,
    peer,
    (_a, _k, d) => {
      details = d;
      return null;
    },
    { match: 'prefix' },
    'com.example.',
  );
  peer.send([
    MessageType.INVOCATION,
    9,
    100,
    {
      caller: 555,
      caller_authid: 'bob',
      caller_authrole: 'user',
      procedure: 'com.example.deep.proc',
      timeout: 1000,
      x_extra: true,
    },
  ]);
  await expectMessage(peer, MessageType.YIELD);
  assert.ok(details !== undefined);
  assert.equal(details.caller, 555);
  assert.equal(details.callerAuthid, 'bob');
  assert.equal(details.callerAuthrole, 'user');
  assert.equal(details.procedure, 'com.example.deep.proc');
  assert.equal(details.timeout, 1000);
  assert.equal(details.progress, undefined);
  assert.equal(details.input, undefined);
  assert.equal(details.raw['x_extra'], true);
  assert.equal(details.signal.aborted, false);
});

test('callee - progress() sends progressive YIELDs when the caller asked for them', async () => {
  const { session, peer } = await establish();
  await registered(session, peer, (_a, _k, d) => {
    d.progress?.([1]);
    d.progress?.([2], { half: true });
    return 'end';
  });
  peer.send([MessageType.INVOCATION, 6, 100, { receive_progress: true }]);
  const p1 = await expectMessage(peer, MessageType.YIELD);
  assert.deepEqual(p1.options, { progress: true });
  assert.deepEqual(p1.args, [1]);
  const p2 = await expectMessage(peer, MessageType.YIELD);
  assert.deepEqual(p2.kwargs, { half: true });
  const final = await expectMessage(peer, MessageType.YIELD);
  assert.deepEqual(final.options, {});
  assert.deepEqual(final.args, ['end']);
});

test('callee - INTERRUPT (kill) aborts the signal and answers wamp.error.canceled once', async () => {
  const { session, peer } = await establish();
  let signal: AbortSignal | undefined;
  let release!: () => void;
  await registered(session, peer, async (_a, _k, d) => {
    signal = d.signal;
    await new Promise<void>((r) => (release = r));
    return 'too late';
  });
  peer.send([MessageType.INVOCATION, 7, 100, {}]);
  await flush();
  assert.equal(signal?.aborted, false);
  peer.send([MessageType.INTERRUPT, 7, { mode: 'kill' }]);
  const e = await expectMessage(peer, MessageType.ERROR);
  assert.equal(e.error, WampErrors.CANCELED);
  assert.equal(e.requestId, 7);
  assert.ok(signal instanceof AbortSignal);
  assert.equal(signal.aborted, true);
  assert.equal((signal.reason as WampError).uri, WampErrors.CANCELED);
  release();
  await expectNothing(peer);
});

test('callee - INTERRUPT (killnowait) aborts the signal and sends nothing', async () => {
  const { session, peer } = await establish();
  let signal: AbortSignal | undefined;
  await registered(session, peer, (_a, _k, d) => {
    signal = d.signal;
    return new Promise((_resolve, reject) => {
      d.signal.addEventListener('abort', () => reject(d.signal.reason as Error));
    });
  });
  peer.send([MessageType.INVOCATION, 8, 100, {}]);
  await flush();
  peer.send([MessageType.INTERRUPT, 8, { mode: 'killnowait' }]);
  await flush();
  assert.equal(signal?.aborted, true);
  await expectNothing(peer);
  // An INTERRUPT for an invocation already answered is ignored.
  peer.send([MessageType.INTERRUPT, 8, { mode: 'kill' }]);
  await expectNothing(peer);
});

test('callee - a signal first read after INTERRUPT is already aborted', async () => {
  const { session, peer } = await establish();
  let details: InvocationDetails | undefined;
  let release!: () => void;
  await registered(session, peer, async (_a, _k, d) => {
    details = d;
    await new Promise<void>((r) => (release = r));
    return 'too late';
  });
  peer.send([MessageType.INVOCATION, 9, 100, {}]);
  await flush();
  peer.send([MessageType.INTERRUPT, 9, { mode: 'killnowait' }]);
  await flush();
  assert.ok(details !== undefined);
  assert.equal(details.signal.aborted, true);
  assert.equal((details.signal.reason as WampError).uri, WampErrors.CANCELED);
  assert.equal(details.signal, details.signal);
  release();
  await expectNothing(peer);
});

test('callee - a synchronous handler is answered before the next message is read', async () => {
  const { session, peer } = await establish();
  const seen: number[] = [];
  await registered(session, peer, (args) => {
    seen.push(args[0] as number);
    if (args[0] === 2) throw new WampError('com.example.error.two', ['no']);
    return args[0];
  });
  peer.send([MessageType.INVOCATION, 11, 100, {}, [1]]);
  peer.send([MessageType.INVOCATION, 12, 100, {}, [2]]);
  const y = await expectMessage(peer, MessageType.YIELD);
  assert.equal(y.requestId, 11);
  assert.deepEqual(y.args, [1]);
  const e = await expectMessage(peer, MessageType.ERROR);
  assert.equal(e.requestId, 12);
  assert.equal(e.error, 'com.example.error.two');
  assert.deepEqual(seen, [1, 2]);
});

test('callee - progressive call invocations arrive as details.input chunks', async () => {
  const { session, peer } = await establish();
  await registered(session, peer, async (args, _k, d) => {
    const parts = [args[0]];
    assert.ok(d.input !== undefined);
    for await (const chunk of d.input) parts.push(chunk.args[0], chunk.last);
    return parts;
  });
  peer.send([MessageType.INVOCATION, 10, 100, { progress: true }, ['a']]);
  peer.send([MessageType.INVOCATION, 10, 100, { progress: true }, ['b']]);
  peer.send([MessageType.INVOCATION, 10, 100, {}, ['c']]);
  const y = await expectMessage(peer, MessageType.YIELD);
  assert.deepEqual(y.args, [['a', 'b', false, 'c', true]]);
});

test('callee - chunks after an early answer are dropped; a duplicate INVOCATION is a violation', async () => {
  const { session, peer } = await establish();
  await registered(session, peer, () => 'early');
  peer.send([MessageType.INVOCATION, 11, 100, { progress: true }, ['a']]);
  await expectMessage(peer, MessageType.YIELD);
  peer.send([MessageType.INVOCATION, 11, 100, { progress: true }, ['b']]);
  peer.send([MessageType.INVOCATION, 11, 100, {}, ['c']]);
  await expectNothing(peer);
  assert.ok(session.isOpen);

  let release!: () => void;
  await registered(
    session,
    peer,
    () => new Promise<void>((r) => (release = r)),
    {},
    'com.example.slow',
    101,
  );
  peer.send([MessageType.INVOCATION, 12, 101, {}]);
  peer.send([MessageType.INVOCATION, 12, 101, {}]);
  const abort = await expectMessage(peer, MessageType.ABORT);
  assert.equal(abort.reason, WampErrors.PROTOCOL_VIOLATION);
  release();
});

test('callee - an INVOCATION for an unknown registration is answered with no_such_registration', async () => {
  const { session, peer } = await establish();
  peer.send([MessageType.INVOCATION, 13, 999, {}]);
  const e = await expectMessage(peer, MessageType.ERROR);
  assert.equal(e.error, WampErrors.NO_SUCH_REGISTRATION);
  assert.ok(session.isOpen);
});

test('callee - unregister sends UNREGISTER once and deactivates the registration', async () => {
  const { session, peer } = await establish();
  const registration = await registered(session, peer, () => 1);
  const a = registration.unregister();
  const b = registration.unregister();
  const u = await expectMessage(peer, MessageType.UNREGISTER);
  assert.equal(u.registration, 100);
  await expectNothing(peer);
  peer.send([MessageType.UNREGISTERED, u.requestId]);
  await Promise.all([a, b]);
  assert.equal(registration.active, false);
  await registration.unregister();
  await expectNothing(peer);
});

test('callee - router revocation deactivates the registration and calls onRevoke', async () => {
  const { session, peer } = await establish();
  const reasons: string[] = [];
  const registration = await registered(session, peer, () => 1, {
    onRevoke: (reason) => reasons.push(reason),
  });
  peer.send([
    MessageType.UNREGISTERED,
    0,
    { registration: 100, reason: 'wamp.error.unregistered' },
  ]);
  await flush();
  assert.equal(registration.active, false);
  assert.deepEqual(reasons, ['wamp.error.unregistered']);
  assert.ok(session.isOpen);
  peer.send([MessageType.INVOCATION, 14, 100, {}]);
  assert.equal(
    (await expectMessage(peer, MessageType.ERROR)).error,
    WampErrors.NO_SUCH_REGISTRATION,
  );
});

test('callee - bad arguments are rejected locally', async () => {
  const { session, peer } = await establish();
  await assert.rejects(
    session.register('com.bad uri', () => 1),
    { uri: WampErrors.INVALID_URI },
  );
  await assert.rejects(
    session.register('com..x', () => 1),
    { uri: WampErrors.INVALID_URI },
  );
  await assert.rejects(
    session.register('com..x', () => 1, { match: 'bogus' as 'exact' }),
    {
      uri: WampErrors.INVALID_ARGUMENT,
    },
  );
  await assert.rejects(session.register('com.x', 'nope' as unknown as () => 1), {
    uri: WampErrors.INVALID_ARGUMENT,
  });
  await assert.rejects(
    session.register('com.x', () => 1, { invoke: 'all' as 'single' }),
    {
      uri: WampErrors.INVALID_ARGUMENT,
    },
  );
  await expectNothing(peer);
  // Wildcard patterns may have empty components.
  void session.register('com..x', () => 1, { match: 'wildcard' });
  assert.deepEqual((await expectMessage(peer, MessageType.REGISTER)).options, {
    match: 'wildcard',
  });
});

test('callee - closing the session aborts running handlers without answering', async () => {
  const { session, peer } = await establish();
  let signal: AbortSignal | undefined;
  await registered(session, peer, (_a, _k, d) => {
    signal = d.signal;
    return new Promise(() => undefined);
  });
  peer.send([MessageType.INVOCATION, 15, 100, {}]);
  await flush();
  peer.drop();
  await session.closed;
  assert.equal(signal?.aborted, true);
});
