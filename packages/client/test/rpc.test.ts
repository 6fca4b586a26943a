import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageType, WampErrors } from '@cdc/protocol';
import { CallResult, CanceledError, SessionClosedError, WampError } from '../src/index.js';
import {
  WELCOME_DETAILS,
  establish,
  expectMessage,
  expectNothing,
  flush,
  rolesWithout,
} from './fake-router.js';

function bytes(v: unknown): number[] {
  assert.ok(v instanceof Uint8Array, 'expected bytes');
  return [...v];
}

test('rpc - call sends CALL and resolves with args, kwargs and details', async () => {
  const { session, peer } = await establish();
  const result = session.call('com.example.add', [1, 2], { round: true });
  const call = await expectMessage(peer, MessageType.CALL);
  assert.equal(call.procedure, 'com.example.add');
  assert.deepEqual(call.options, {});
  assert.deepEqual(call.args, [1, 2]);
  assert.deepEqual(call.kwargs, { round: true });
  peer.send([MessageType.RESULT, call.requestId, { x_info: 1 }, [3], { exact: true }]);
  const r = await result;
  assert.ok(r instanceof CallResult);
  assert.deepEqual(r.args, [3]);
  assert.deepEqual(r.kwargs, { exact: true });
  assert.deepEqual(r.details, { x_info: 1 });
  assert.equal(r.value, 3);
});

test('rpc - empty args/kwargs are left off the wire; options are mapped', async () => {
  const { session, peer } = await establish();
  void session.call(
    'com.example.noargs',
    [],
    {},
    { timeout: 1500, discloseMe: true, extra: { x_k: 'v' } },
  );
  const raw = (await peer.next()) as unknown[];
  assert.equal(raw.length, 4);
  assert.deepEqual(raw[2], { x_k: 'v', timeout: 1500, disclose_me: true });
  void session.call('com.example.kwonly', null, { a: 1 });
  const raw2 = (await peer.next()) as unknown[];
  assert.deepEqual(raw2.slice(4), [[], { a: 1 }]);
});

test('rpc - results are correlated by request ID, in any order', async () => {
  const { session, peer } = await establish();
  const a = session.call('com.example.a');
  const b = session.call('com.example.b');
  const ca = await expectMessage(peer, MessageType.CALL);
  const cb = await expectMessage(peer, MessageType.CALL);
  assert.equal(cb.requestId, ca.requestId + 1);
  peer.send([MessageType.RESULT, cb.requestId, {}, ['b']]);
  peer.send([MessageType.RESULT, ca.requestId, {}, ['a']]);
  assert.equal((await a).value, 'a');
  assert.equal((await b).value, 'b');
});

test('rpc - ERROR rejects with a WampError carrying uri, args and kwargs', async () => {
  const { session, peer } = await establish();
  const result = session.call('com.example.fail');
  const call = await expectMessage(peer, MessageType.CALL);
  peer.send([
    MessageType.ERROR,
    MessageType.CALL,
    call.requestId,
    {},
    'com.example.error.bad',
    ['nope'],
    { code: 7 },
  ]);
  const error = await result.then(
    () => assert.fail('resolved'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof WampError);
  assert.equal(error.uri, 'com.example.error.bad');
  assert.deepEqual(error.args, ['nope']);
  assert.deepEqual(error.kwargs, { code: 7 });
});

test('rpc - progressive results go to onProgress, the final one resolves', async () => {
  const { session, peer } = await establish();
  const seen: unknown[] = [];
  const result = session.call('com.example.count', [3], null, {
    onProgress: (r) => seen.push(r.value),
  });
  const call = await expectMessage(peer, MessageType.CALL);
  assert.deepEqual(call.options, { receive_progress: true });
  peer.send([MessageType.RESULT, call.requestId, { progress: true }, [1]]);
  peer.send([MessageType.RESULT, call.requestId, { progress: true }, [2]]);
  peer.send([MessageType.RESULT, call.requestId, {}, ['done']]);
  assert.equal((await result).value, 'done');
  assert.deepEqual(seen, [1, 2]);
});

test('rpc - an onProgress that throws is reported and the call goes on', async () => {
  const errors: string[] = [];
  const { session, peer } = await establish({ onError: (_e, where) => errors.push(where) });
  const result = session.call(
    'com.example.p',
    [],
    {},
    {
      onProgress: () => {
        throw new Error('boom');
      },
    },
  );
  const call = await expectMessage(peer, MessageType.CALL);
  peer.send([MessageType.RESULT, call.requestId, { progress: true }, [1]]);
  peer.send([MessageType.RESULT, call.requestId, {}, [2]]);
  assert.equal((await result).value, 2);
  assert.deepEqual(errors, ['onProgress']);
});

for (const mode of ['skip', 'killnowait'] as const) {
  test(`rpc - cancel (${mode}) sends CANCEL, rejects at once and drops the late answer`, async () => {
    const { session, peer } = await establish();
    const ac = new AbortController();
    const result = session.call(
      'com.example.slow',
      [],
      {},
      { signal: ac.signal, cancelMode: mode },
    );
    const call = await expectMessage(peer, MessageType.CALL);
    ac.abort();
    await assert.rejects(
      result,
      (e: unknown) => e instanceof CanceledError && e.uri === WampErrors.CANCELED,
    );
    const cancel = await expectMessage(peer, MessageType.CANCEL);
    assert.equal(cancel.requestId, call.requestId);
    assert.deepEqual(cancel.options, { mode });
    // The dealer's ERROR (and a late RESULT) for the abandoned call are dropped quietly.
    peer.send([MessageType.ERROR, MessageType.CALL, call.requestId, {}, WampErrors.CANCELED]);
    await flush();
    assert.ok(session.isOpen);
    await expectNothing(peer);
  });
}

test('rpc - cancel (kill) waits for the dealer answer, which may still be a result', async () => {
  const { session, peer } = await establish();
  const ac = new AbortController();
  const first = session.call('com.example.slow', [], {}, { signal: ac.signal, cancelMode: 'kill' });
  const call = await expectMessage(peer, MessageType.CALL);
  ac.abort();
  const cancel = await expectMessage(peer, MessageType.CANCEL);
  assert.deepEqual(cancel.options, { mode: 'kill' });
  let settled = false;
  void first.then(
    () => (settled = true),
    () => (settled = true),
  );
  await flush();
  assert.equal(settled, false);
  peer.send([
    MessageType.ERROR,
    MessageType.CALL,
    call.requestId,
    {},
    WampErrors.CANCELED,
    ['killed'],
  ]);
  await assert.rejects(
    first,
    (e: unknown) => e instanceof CanceledError && e.uri === WampErrors.CANCELED,
  );

  const ac2 = new AbortController();
  const second = session.call(
    'com.example.slow',
    [],
    {},
    { signal: ac2.signal, cancelMode: 'kill' },
  );
  const call2 = await expectMessage(peer, MessageType.CALL);
  ac2.abort();
  await expectMessage(peer, MessageType.CANCEL);
  peer.send([MessageType.RESULT, call2.requestId, {}, ['finished anyway']]);
  assert.equal((await second).value, 'finished anyway');
});

test('rpc - the default cancel mode is killnowait', async () => {
  const { session, peer } = await establish();
  const ac = new AbortController();
  const result = session.call('com.example.slow', [], {}, { signal: ac.signal });
  await expectMessage(peer, MessageType.CALL);
  ac.abort();
  await assert.rejects(result, CanceledError);
  assert.deepEqual((await expectMessage(peer, MessageType.CANCEL)).options, { mode: 'killnowait' });
});

test('rpc - without call_canceling at the dealer, abort rejects locally and sends nothing', async () => {
  const { session, peer } = await establish(
    {},
    { ...WELCOME_DETAILS, roles: rolesWithout('dealer', 'call_canceling') },
  );
  const ac = new AbortController();
  const result = session.call(
    'com.example.slow',
    [],
    {},
    { signal: ac.signal, cancelMode: 'kill' },
  );
  const call = await expectMessage(peer, MessageType.CALL);
  ac.abort();
  await assert.rejects(result, CanceledError);
  await expectNothing(peer);
  peer.send([MessageType.RESULT, call.requestId, {}, ['late']]);
  await flush();
  assert.ok(session.isOpen);
});

test('rpc - an already aborted signal rejects without sending', async () => {
  const { session, peer } = await establish();
  await assert.rejects(
    session.call('com.example.x', [], {}, { signal: AbortSignal.abort() }),
    CanceledError,
  );
  await expectNothing(peer);
});

test('rpc - bad arguments are rejected locally', async () => {
  const { session, peer } = await establish();
  await assert.rejects(session.call('bad uri'), { uri: WampErrors.INVALID_URI });
  await assert.rejects(session.call('com..x'), { uri: WampErrors.INVALID_URI });
  await assert.rejects(session.call(42 as unknown as string), { uri: WampErrors.INVALID_URI });
  await assert.rejects(session.call('com.x', 'a' as unknown as []), {
    uri: WampErrors.INVALID_ARGUMENT,
  });
  await assert.rejects(session.call('com.x', [], [] as unknown as Record<string, unknown>), {
    uri: WampErrors.INVALID_ARGUMENT,
  });
  await assert.rejects(session.call('com.x', [], {}, { timeout: -1 }), {
    uri: WampErrors.INVALID_ARGUMENT,
  });
  await assert.rejects(session.call('com.x', [], {}, { cancelMode: 'x' as 'kill' }), {
    uri: WampErrors.INVALID_ARGUMENT,
  });
  await expectNothing(peer);
});

test('rpc - payload passthru: one binary arg and ppt_* options pass untouched', async () => {
  const { session, peer } = await establish();
  const blob = new Uint8Array([1, 2, 3, 250]);
  const result = session.call('com.example.e2ee', [blob], null, {
    pptScheme: 'x_custom',
    pptSerializer: 'cbor',
    pptCipher: 'xsalsa20poly1305',
    pptKeyid: 'k1',
  });
  const call = await expectMessage(peer, MessageType.CALL);
  assert.deepEqual(call.options, {
    ppt_scheme: 'x_custom',
    ppt_serializer: 'cbor',
    ppt_cipher: 'xsalsa20poly1305',
    ppt_keyid: 'k1',
  });
  assert.deepEqual(call.args?.map(bytes), [[1, 2, 3, 250]]);
  peer.send([
    MessageType.RESULT,
    call.requestId,
    { ppt_scheme: 'x_custom' },
    [new Uint8Array([9])],
  ]);
  const r = await result;
  assert.deepEqual(bytes(r.args[0]), [9]);
  assert.equal(r.details['ppt_scheme'], 'x_custom');
  await assert.rejects(session.call('com.x', ['text'], null, { pptScheme: 'x_a' }), {
    uri: WampErrors.INVALID_ARGUMENT,
  });
});

test('rpc - payload passthru needs the dealer feature', async () => {
  const { session } = await establish(
    {},
    { ...WELCOME_DETAILS, roles: rolesWithout('dealer', 'payload_passthru_mode') },
  );
  await assert.rejects(session.call('com.x', [new Uint8Array(1)], null, { pptScheme: 'x_a' }), {
    uri: WampErrors.FEATURE_NOT_SUPPORTED,
  });
});

test('rpc - progressive call invocations send chunks under one request ID', async () => {
  const { session, peer } = await establish();
  const call = session.callProgressive('com.example.upload', { timeout: 100 });
  assert.equal(call.send(['a']), true);
  const c1 = await expectMessage(peer, MessageType.CALL);
  assert.deepEqual(c1.options, { timeout: 100, progress: true });
  call.send(['b'], { n: 2 });
  const c2 = await expectMessage(peer, MessageType.CALL);
  assert.equal(c2.requestId, c1.requestId);
  assert.deepEqual(c2.options, { progress: true });
  assert.deepEqual(c2.kwargs, { n: 2 });
  call.send(['c'], null, { last: true });
  const c3 = await expectMessage(peer, MessageType.CALL);
  assert.equal(c3.requestId, c1.requestId);
  assert.deepEqual(c3.options, {});
  assert.throws(() => call.send(['d']), { uri: WampErrors.INVALID_ARGUMENT });
  peer.send([MessageType.RESULT, c1.requestId, {}, ['abc']]);
  assert.equal((await call.result).value, 'abc');
  // The next request uses the next ID.
  void session.call('com.example.next');
  assert.equal((await expectMessage(peer, MessageType.CALL)).requestId, c1.requestId + 1);
});

test('rpc - a progressive call that ended early drops further chunks', async () => {
  const { session, peer } = await establish();
  const call = session.callProgressive('com.example.upload');
  call.send(['a']);
  const c1 = await expectMessage(peer, MessageType.CALL);
  peer.send([MessageType.ERROR, MessageType.CALL, c1.requestId, {}, 'com.example.error.full']);
  await assert.rejects(call.result, { uri: 'com.example.error.full' });
  assert.equal(call.send(['b']), false);
  await expectNothing(peer);
});

test('rpc - progressive call invocations need the dealer feature', async () => {
  const { session } = await establish(
    {},
    { ...WELCOME_DETAILS, roles: rolesWithout('dealer', 'progressive_call_invocations') },
  );
  assert.throws(() => session.callProgressive('com.example.upload'), {
    uri: WampErrors.FEATURE_NOT_SUPPORTED,
  });
});

test('rpc - a RESULT for an unknown request is a protocol violation', async () => {
  const { session, peer } = await establish();
  const pending = session.call('com.example.x');
  await expectMessage(peer, MessageType.CALL);
  peer.send([MessageType.RESULT, 999, {}, []]);
  const abort = await expectMessage(peer, MessageType.ABORT);
  assert.equal(abort.reason, WampErrors.PROTOCOL_VIOLATION);
  await assert.rejects(
    pending,
    (e: unknown) => e instanceof SessionClosedError && e.uri === WampErrors.PROTOCOL_VIOLATION,
  );
  const info = await session.closed;
  assert.equal(info.reason, WampErrors.PROTOCOL_VIOLATION);
  await peer.closed;
});

test('rpc - a too large call is rejected with payload_size_exceeded, the session stays', async () => {
  const { session, peer } = await establish({}, WELCOME_DETAILS, { maxMessageSize: 4000 });
  await assert.rejects(session.call('com.example.big', ['x'.repeat(5000)]), {
    uri: WampErrors.PAYLOAD_SIZE_EXCEEDED,
  });
  assert.ok(session.isOpen);
  const ok = session.call('com.example.small');
  const call = await expectMessage(peer, MessageType.CALL);
  peer.send([MessageType.RESULT, call.requestId, {}]);
  await ok;
});
