import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createIpcTransport } from '../src/index.js';
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
  const child = fork(CHILD, [], { serialization: 'advanced', stdio: 'inherit' });
  await nextRaw(child, 'up');
  return child;
}

test('ipc - what one turn sends travels as one batch, in order, and comes back in order', async (t) => {
  const child = await startChild();
  t.after(() => child.kill('SIGKILL'));
  const transport = createIpcTransport(child, 'ipc:child');
  const r = new Recorder(transport);
  for (let i = 0; i < 100; i++) transport.send([16, i, {}, 'com.example.topic', [i]]);
  await r.until(() => r.messages.length === 100, '100 echoes');
  assert.deepEqual(
    r.messages.map((m) => (m as unknown[])[1]),
    Array.from({ length: 100 }, (_, i) => i),
  );
  child.send({ count: true });
  assert.equal((await nextRaw(child, 'raw'))['raw'], 1, 'one channel message for the 100');
  // Serialized forms (broker fan-out) travel in the same batches.
  transport.sendSerialized(JSON.stringify([36, 1, 2, {}, ['x']]));
  transport.send([36, 1, 3, {}, ['y']]);
  await r.until(() => r.messages.length === 102, 'two more echoes');
  assert.deepEqual(r.messages.slice(100), [
    [36, 1, 2, {}, ['x']],
    [36, 1, 3, {}, ['y']],
  ]);
  transport.close();
});

test('ipc - a close sent right after messages arrives after them, cleanly', async (t) => {
  const child = await startChild();
  t.after(() => child.kill('SIGKILL'));
  const transport = createIpcTransport(child, 'ipc:child');
  new Recorder(transport);
  const counted = new Promise<number>((resolve) => {
    child.on('message', (m: unknown) => {
      if (typeof m === 'object' && m !== null && 'closed' in m) {
        child.send({ count: true });
      }
      if (typeof m === 'object' && m !== null && 'raw' in m) resolve((m as { raw: number }).raw);
    });
  });
  transport.send([1, 'realm1', {}]);
  transport.send([2]);
  transport.close();
  assert.equal(transport.isOpen, false);
  assert.equal(await counted, 1, 'the queued messages left before the close');
});

test('ipc - the other end going away closes the transport, not cleanly', async () => {
  const child = await startChild();
  const transport = createIpcTransport(child, 'ipc:child');
  const r = new Recorder(transport);
  child.kill('SIGKILL');
  await r.until(() => r.closeDetails !== undefined, 'close');
  assert.equal(r.closeDetails?.wasClean, false);
  transport.send([1, 'realm1', {}]); // sending on a closed transport is a no-op
  assert.equal(transport.isOpen, false);
});
