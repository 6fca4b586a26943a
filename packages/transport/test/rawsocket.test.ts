/** RawSocket over TCP and Unix sockets: messages, closing, PING/PONG, auto-ping. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { FrameType, encodeFrame, encodeHandshake, type SerializerId } from '@cdc/protocol';
import { connectRawSocket, listen, type Listener } from '../src/index.js';
import { AcceptQueue, RawClient, Recorder, delay, tempDir } from './helpers.js';

const SERIALIZERS: SerializerId[] = ['json', 'msgpack', 'cbor'];

let listener: Listener;
let port: number;
const queue = new AcceptQueue();

before(async () => {
  listener = await listen({
    endpoint: { type: 'tcp', host: '127.0.0.1', port: 0 },
    rawsocket: { maxMessageSize: 4096, maxConnections: 20 },
    onTransport: queue.onTransport,
  });
  port = (listener.address as { port: number }).port;
});
after(() => listener.close());

for (const serializer of SERIALIZERS) {
  test(`rawsocket - ${serializer} messages flow both ways over TCP`, async () => {
    const serverSide = queue.next();
    const client = await connectRawSocket({ port }, { serializer });
    const c = new Recorder(client);
    const { transport: server, recorder: s } = await serverSide;
    assert.equal(client.info.serializer, serializer);
    assert.equal(server.info.serializer, serializer);
    assert.equal(server.info.type, 'rawsocket');
    assert.match(server.info.peer, /^tcp4:127\.0\.0\.1:\d+$/);
    assert.equal(client.info.peer, `tcp4:127.0.0.1:${port}`);
    assert.equal(server.info.tls, false);
    assert.equal(client.sendLimit, 4096, 'the router announced 4096');
    const bytes = Uint8Array.of(0, 255, 7);
    client.send([1, 'realm1', { x: bytes }]);
    client.send([2, 2 ** 53]);
    const [first, second] = (await s.messageCount(2)) as unknown[][];
    assert.deepEqual([...(first![2] as { x: Uint8Array }).x], [0, 255, 7]);
    assert.deepEqual(second, [2, 2 ** 53]);
    server.send([3, 'hello']);
    server.sendSerialized(server.serializer.serialize([36, 1, 2, {}, ['fan']]));
    assert.deepEqual(await c.messageCount(2), [
      [3, 'hello'],
      [36, 1, 2, {}, ['fan']],
    ]);
    client.close();
    assert.equal((await s.closed()).wasClean, true);
    assert.equal((await c.closed()).wasClean, true);
  });
}

test('rawsocket - the router closing reaches the client cleanly', async () => {
  const serverSide = queue.next();
  const client = await connectRawSocket({ port });
  const c = new Recorder(client);
  const { transport: server, recorder: s } = await serverSide;
  server.send([6, {}, 'wamp.close.normal']);
  server.close();
  assert.equal(server.isOpen, false);
  assert.deepEqual(await c.messageCount(1), [[6, {}, 'wamp.close.normal']]);
  assert.equal((await c.closed()).wasClean, true);
  assert.equal((await s.closed()).wasClean, true);
});

test('rawsocket - a client dropping the connection mid-frame is not clean', async () => {
  const serverSide = queue.next();
  const raw = await RawClient.open({ port });
  raw.write(encodeHandshake(1, 15));
  await raw.read(4);
  const { recorder: s } = await serverSide;
  raw.write(Uint8Array.of(0, 0, 0, 10, 0x5b));
  await delay(20);
  raw.socket.end();
  assert.equal((await s.closed()).wasClean, false);
});

test('rawsocket - handshake and frames fed byte by byte', async () => {
  const serverSide = queue.next();
  const raw = await RawClient.open({ port });
  const stream = [
    ...encodeHandshake(1, 9),
    ...encodeFrame(FrameType.WAMP, Buffer.from('[1,"realm1",{}]')),
    ...encodeFrame(FrameType.WAMP, Buffer.from('[2]')),
  ];
  for (const b of stream) {
    raw.write(Uint8Array.of(b));
    await delay(1);
  }
  // Reply: S echoed (1), our L for 4096 bytes = 3.
  assert.deepEqual([...(await raw.read(4))], [0x7f, 0x31, 0, 0]);
  const { transport: server, recorder: s } = await serverSide;
  assert.deepEqual(await s.messageCount(2), [[1, 'realm1', {}], [2]]);
  server.send([3]);
  assert.deepEqual([...(await raw.read(7))], [0, 0, 0, 3, ...Buffer.from('[3]')]);
  raw.destroy();
});

test('rawsocket - a PING is answered with a PONG echoing its payload', async () => {
  const serverSide = queue.next();
  const raw = await RawClient.open({ port });
  raw.write(encodeHandshake(2, 15));
  await raw.read(4);
  await serverSide;
  raw.write(encodeFrame(FrameType.PING, Uint8Array.of(1, 2, 3, 4)));
  assert.deepEqual([...(await raw.read(8))], [2, 0, 0, 4, 1, 2, 3, 4]);
  raw.write(encodeFrame(FrameType.PING, new Uint8Array(0)));
  assert.deepEqual([...(await raw.read(4))], [2, 0, 0, 0]);
  raw.destroy();
});

test('rawsocket - no PINGs are sent unless auto-ping is configured', async () => {
  const serverSide = queue.next();
  const raw = await RawClient.open({ port });
  raw.write(encodeHandshake(1, 15));
  await raw.read(4);
  await serverSide;
  await assert.rejects(raw.read(1, 300), /timed out/);
  raw.destroy();
});

test('rawsocket - auto-ping drops a peer that does not answer', async () => {
  const local = await listen({
    endpoint: { type: 'tcp', host: '127.0.0.1', port: 0 },
    rawsocket: { autoPingInterval: 50, autoPingTimeout: 100 },
    onTransport(t) {
      recorders.push(new Recorder(t));
    },
  });
  const recorders: Recorder[] = [];
  const raw = await RawClient.open({ port: (local.address as { port: number }).port });
  raw.write(encodeHandshake(1, 15));
  await raw.read(4);
  // A PING arrives (type 1) …
  assert.equal((await raw.read(4, 2000))[0], FrameType.PING);
  // … and without a PONG the router drops the connection.
  await raw.closed(2000);
  const details = await recorders[0]!.closed();
  assert.deepEqual(details, { wasClean: false, reason: 'ping timeout' });
  await local.close();
});

test('rawsocket - many messages in one tick arrive in order', async () => {
  const serverSide = queue.next();
  const client = await connectRawSocket({ port }, { serializer: 'msgpack' });
  const c = new Recorder(client);
  const { transport: server } = await serverSide;
  const event = server.serializer.serialize([36, 1, 2, {}, ['x'.repeat(100)]]);
  for (let i = 0; i < 1000; i++) {
    if (i % 2 === 0) server.sendSerialized(event);
    else server.send([36, 1, i, {}, []]);
  }
  const got = (await c.messageCount(1000)) as unknown[][];
  for (let i = 0; i < 1000; i++) assert.equal(got[i]![2], i % 2 === 0 ? 2 : i);
  client.close();
});

test('rawsocket - works over a Unix socket', async () => {
  const dir = tempDir();
  const path = join(dir.path, 'router.sock');
  const recorders: Recorder[] = [];
  const local = await listen({
    endpoint: { type: 'unix', path },
    rawsocket: {},
    onTransport(t) {
      recorders.push(new Recorder(t));
      t.send([2, 1, {}]);
    },
  });
  try {
    assert.equal(local.url(), `unix:${path}`);
    const client = await connectRawSocket({ path }, { serializer: 'cbor' });
    const c = new Recorder(client);
    assert.deepEqual(await c.messageCount(1), [[2, 1, {}]]);
    client.send([1, 'realm1', {}]);
    await recorders[0]!.messageCount(1);
    assert.equal(recorders[0]!.messages.length, 1);
    assert.equal(client.info.peer, `unix:${path}`);
    client.close();
    assert.equal((await recorders[0]!.closed()).wasClean, true);
  } finally {
    await local.close();
    dir.remove();
  }
});

test('rawsocket - the client answers PINGs and pings only when asked', async () => {
  const peers: RawClient[] = [];
  const stub = createServer((s) => peers.push(RawClient.wrap(s)));
  await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
  try {
    const connecting = connectRawSocket({ port: (stub.address() as AddressInfo).port });
    while (peers.length === 0) await delay(2);
    const router = peers[0]!;
    assert.deepEqual([...(await router.read(4))], [0x7f, 0xf1, 0, 0]);
    // Accept with a 1 KiB limit (L=1).
    router.write(Uint8Array.of(0x7f, 0x11, 0, 0));
    const client = await connecting;
    assert.equal(client.sendLimit, 1024);
    router.write(encodeFrame(FrameType.PING, Uint8Array.of(7, 8)));
    assert.deepEqual([...(await router.read(6))], [2, 0, 0, 2, 7, 8]);
    await assert.rejects(router.read(1, 200), /timed out/);
    client.ping(Uint8Array.of(5));
    assert.deepEqual([...(await router.read(5))], [1, 0, 0, 1, 5]);
    client.close();
    await router.closed();
  } finally {
    stub.close();
  }
});
