import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryPair } from '../src/index.js';
import { Recorder } from './helpers.js';

test('memory - delivers both ways, asynchronously and in order', async () => {
  const [client, server] = createMemoryPair();
  const c = new Recorder(client);
  const s = new Recorder(server);
  client.send([1, 'realm1', {}]);
  client.send([2]);
  assert.equal(s.messages.length, 0, 'delivery must not be synchronous');
  server.send([3, 'x']);
  assert.deepEqual(await s.messageCount(2), [[1, 'realm1', {}], [2]]);
  assert.deepEqual(await c.messageCount(1), [[3, 'x']]);
  assert.equal(client.info.type, 'memory');
  assert.equal(server.info.peer, 'memory');
});

test('memory - round-trips through the serializer so serializer bugs show', async () => {
  for (const serializer of ['json', 'msgpack', 'cbor'] as const) {
    const [client, server] = createMemoryPair({ serializer });
    const s = new Recorder(server);
    const bytes = Uint8Array.of(1, 2, 3);
    const sent = [16, 1, {}, 'topic', [bytes, 2 ** 40]];
    client.send(sent);
    const [got] = (await s.messageCount(1)) as unknown[][];
    assert.notEqual(got, sent, 'a copy, not the same array');
    assert.deepEqual(
      [...((got![4] as unknown[])[0] as Uint8Array)],
      [1, 2, 3],
      `${serializer} bytes`,
    );
    assert.equal((got![4] as unknown[])[1], 2 ** 40);
  }
});

test('memory - without serialization the receiver gets the array itself', async () => {
  const [client, server] = createMemoryPair({ serialize: false });
  const s = new Recorder(server);
  const msg = [1, 'realm1', {}];
  client.send(msg);
  assert.equal((await s.messageCount(1))[0], msg);
});

test('memory - sendSerialized delivers the decoded message', async () => {
  const [client, server] = createMemoryPair({ serializer: 'cbor' });
  const s = new Recorder(server);
  client.sendSerialized(client.serializer.serialize([36, 1, 2, {}, ['hi']]));
  assert.deepEqual(await s.messageCount(1), [[36, 1, 2, {}, ['hi']]]);
});

test('memory - close reaches both sides after what was sent before', async () => {
  const [client, server] = createMemoryPair();
  const c = new Recorder(client);
  const s = new Recorder(server);
  client.send([1]);
  client.close(1000, 'bye');
  assert.equal(client.isOpen, false);
  assert.equal(server.isOpen, false);
  client.send([2]); // dropped
  assert.deepEqual(await s.closed(), { wasClean: true, code: 1000, reason: 'bye' });
  assert.deepEqual(s.messages, [[1]]);
  assert.deepEqual(await c.closed(), { wasClean: true, code: 1000, reason: 'bye' });
});

test('memory - events before attach are delivered first on attach', async () => {
  const [client, server] = createMemoryPair();
  client.send([1]);
  client.close();
  await new Promise((r) => setTimeout(r, 10));
  const s = new Recorder(server);
  assert.deepEqual(s.messages, [[1]]);
  assert.equal(s.closeDetails?.wasClean, true);
  assert.throws(() => server.attach(new Recorder()), /already attached/);
});
