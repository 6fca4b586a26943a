import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { Duplex } from 'node:stream';
import type { ChildProcess } from 'node:child_process';
import { JsonPayload, MessageType } from '@cdc/protocol';
import { IPC_STDIO, childWampStream, createIpcTransport } from '../src/index.js';
import { Recorder } from './helpers.js';

const CHILD = new URL('./fixtures/ipc-echo.js', import.meta.url);

function nextRaw(child: ChildProcess, key: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const on = (m: unknown): void => {
      if (typeof m === 'object' && m !== null && key in m) {
        child.off('message', on);
        resolve(m as Record<string, unknown>);
      }
    };
    child.on('message', on);
  });
}

async function startChild(): Promise<ChildProcess> {
  const child = fork(CHILD, [], { serialization: 'advanced', stdio: IPC_STDIO });
  child.stderr?.pipe(process.stderr);
  await nextRaw(child, 'up');
  return child;
}

test('ipc - what one turn sends travels as one write, in order, and comes back in order', async (t) => {
  const child = await startChild();
  t.after(() => child.kill('SIGKILL'));
  const transport = createIpcTransport(childWampStream(child), 'ipc:child');
  const r = new Recorder(transport);
  for (let i = 0; i < 100; i++) transport.send([16, i, {}, 'com.example.topic', [i]]);
  await r.until(() => r.messages.length === 100, '100 echoes');
  assert.deepEqual(
    r.messages.map((m) => (m as unknown[])[1]),
    Array.from({ length: 100 }, (_, i) => i),
  );
  child.send({ count: true });
  assert.equal((await nextRaw(child, 'reads'))['reads'], 1, 'one read for the 100');
  // Serialized forms (broker fan-out) travel in the same stream.
  transport.sendSerialized(JSON.stringify([36, 1, 2, {}, ['x']]));
  transport.send([36, 1, 3, {}, ['y']]);
  await r.until(() => r.messages.length === 102, 'two more echoes');
  assert.deepEqual(r.messages.slice(100), [
    [36, 1, 2, {}, ['x']],
    [36, 1, 3, {}, ['y']],
  ]);
  transport.close();
});

test('ipc - a YIELD payload arrives as JSON text, other payloads parsed; big frames whole', async (t) => {
  const child = await startChild();
  t.after(() => child.kill('SIGKILL'));
  const transport = createIpcTransport(childWampStream(child), 'ipc:child');
  const r = new Recorder(transport);
  const big = Array.from({ length: 50_000 }, (_, i) => ({ id: `n-${i}`, ü: i }));
  transport.send([MessageType.YIELD, 1, {}, [big], { k: 'v' }]);
  transport.send([MessageType.YIELD, 2, {}, new JsonPayload('[[1]]')]);
  transport.send([MessageType.YIELD, 3, {}]);
  transport.send([MessageType.RESULT, 4, {}, [big.length]]);
  await r.until(() => r.messages.length === 4, 'four echoes');
  const [y1, y2, y3, res] = r.messages as unknown[][];
  // The child's router side kept each YIELD payload as text, and sent it back as it was.
  assert.ok(y1?.[3] instanceof JsonPayload);
  assert.deepEqual(JSON.parse(y1[3].text), [[big], { k: 'v' }]);
  assert.deepEqual(y2, [MessageType.YIELD, 2, {}, new JsonPayload('[[1]]')]);
  assert.deepEqual(y3, [MessageType.YIELD, 3, {}]);
  assert.deepEqual(res, [MessageType.RESULT, 4, {}, [50_000]]);
  transport.close();
});

test('ipc - a close sent right after messages arrives after them, cleanly', async (t) => {
  const child = await startChild();
  t.after(() => child.kill('SIGKILL'));
  const transport = createIpcTransport(childWampStream(child), 'ipc:child');
  new Recorder(transport);
  const closed = nextRaw(child, 'closed');
  transport.send([1, 'realm1', {}]);
  transport.send([2]);
  transport.close();
  assert.equal(transport.isOpen, false);
  assert.equal((await closed)['closed'], true, 'the child saw a clean close');
});

test('ipc - the other end going away closes the transport, not cleanly', async () => {
  const child = await startChild();
  const transport = createIpcTransport(childWampStream(child), 'ipc:child');
  const r = new Recorder(transport);
  child.kill('SIGKILL');
  await r.until(() => r.closeDetails !== undefined, 'close');
  assert.equal(r.closeDetails?.wasClean, false);
  transport.send([1, 'realm1', {}]); // sending on a closed transport is a no-op
  assert.equal(transport.isOpen, false);
});

test('ipc - frames split anywhere across reads, lengths too, decode whole; a bad length fails', async () => {
  const wire: Buffer[] = [];
  const stream = new Duplex({
    read: () => undefined,
    write: (chunk: Buffer, _enc, cb) => {
      wire.push(chunk);
      cb();
    },
  });
  const transport = createIpcTransport(stream, 'ipc:test');
  const r = new Recorder(transport);
  // What a sender puts on the wire, taken from a real transport.
  const sender = createIpcTransport(
    new Duplex({
      read: () => undefined,
      write: (chunk: Buffer, _enc, cb) => {
        wire.push(chunk);
        cb();
      },
    }),
  );
  const sent = [
    [MessageType.CALL, 1, {}, 'com.example.a', ['ü'.repeat(100)]],
    [MessageType.YIELD, 2, {}, [1, 2], { k: 'v' }],
    [MessageType.GOODBYE, {}, 'wamp.close.normal'],
  ];
  for (const m of sent) sender.send(m);
  await new Promise((res) => setImmediate(res));
  const bytes = Buffer.concat(wire);
  for (let i = 0, step = 1; i < bytes.length; i += step, step = (step % 7) + 1)
    stream.push(bytes.subarray(i, i + step));
  await r.until(() => r.messages.length === 3, 'three messages');
  assert.deepEqual(r.messages[0], sent[0]);
  assert.deepEqual(r.messages[1], [MessageType.YIELD, 2, {}, new JsonPayload('[[1,2],{"k":"v"}]')]);
  assert.deepEqual(r.messages[2], sent[2]);
  assert.equal(transport.isOpen, true);
  stream.push(Buffer.from([0, 0, 0, 1, 0])); // a frame too short to hold its head length
  await r.until(() => r.closeDetails !== undefined, 'close');
  assert.equal(r.errors.length, 1);
  assert.equal(r.closeDetails?.wasClean, false);
});
