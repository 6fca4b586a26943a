/** RawSocket failure modes: refused handshakes, bad input, limits, misbehaving owners. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import {
  FrameType,
  PayloadSizeError,
  RawSocketFrameError,
  encodeFrame,
  encodeHandshake,
  type Transport,
} from '@cdc/protocol';
import {
  ConnectError,
  MessageDecodeError,
  connectRawSocket,
  listen,
  type Listener,
} from '../src/index.js';
import { AcceptQueue, RawClient, Recorder, delay } from './helpers.js';

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

test('rawsocket - an unsupported serializer gets error reply E=1', async () => {
  const raw = await RawClient.open({ port });
  raw.write(Uint8Array.of(0x7f, 0xf9, 0, 0));
  assert.deepEqual([...(await raw.readAll())], [0x7f, 0x10, 0, 0]);
});

test('rawsocket - reserved bits in the handshake get error reply E=3', async () => {
  const raw = await RawClient.open({ port });
  raw.write(Uint8Array.of(0x7f, 0xf1, 0, 1));
  assert.deepEqual([...(await raw.readAll())], [0x7f, 0x30, 0, 0]);
});

test('rawsocket - a bad magic byte on a RawSocket-only port is dropped', async () => {
  const raw = await RawClient.open({ port });
  raw.write('GET / HTTP/1.1\r\n\r\n');
  assert.equal((await raw.readAll()).length, 0);
});

test('rawsocket - the connection limit gets error reply E=4 and the client a typed error', async () => {
  const local = await listen({
    endpoint: { type: 'tcp', host: '127.0.0.1', port: 0 },
    rawsocket: { maxConnections: 1 },
    onTransport(t) {
      new Recorder(t);
    },
  });
  const p = (local.address as { port: number }).port;
  const first = await connectRawSocket({ port: p });
  await assert.rejects(
    connectRawSocket({ port: p }),
    (e: unknown) =>
      e instanceof ConnectError && e.code === 'HANDSHAKE' && /connection count/.test(e.message),
  );
  first.close();
  await local.close();
});

test('rawsocket - garbage mid-stream is a protocol error and closes the connection', async () => {
  const serverSide = queue.next();
  const raw = await RawClient.open({ port });
  raw.write(encodeHandshake(1, 15));
  await raw.read(4);
  const { recorder: s } = await serverSide;
  raw.write(encodeFrame(FrameType.WAMP, Buffer.from('[1]')));
  raw.write(Uint8Array.of(0x47, 0x45, 0x54, 0x20));
  const error = await s.error();
  assert.ok(error instanceof RawSocketFrameError);
  assert.equal(error.reason, 'reserved-bits');
  assert.deepEqual(s.messages, [[1]]);
  await raw.closed();
  assert.equal((await s.closed()).wasClean, false);
});

test('rawsocket - an undecodable message is a protocol error', async () => {
  const serverSide = queue.next();
  const raw = await RawClient.open({ port });
  raw.write(encodeHandshake(1, 15));
  await raw.read(4);
  const { recorder: s } = await serverSide;
  raw.write(encodeFrame(FrameType.WAMP, Buffer.from('[1, nope')));
  assert.ok((await s.error()) instanceof MessageDecodeError);
  await raw.closed();
});

test('rawsocket - an oversized incoming message is a protocol error and closes', async () => {
  const serverSide = queue.next();
  const client = await connectRawSocket({ port });
  const c = new Recorder(client);
  const { recorder: s } = await serverSide;
  // Bypass the client's own check by writing a raw frame over the router's 4096 limit.
  (client as unknown as { queue(b: Buffer): void }).queue(
    Buffer.from(encodeFrame(FrameType.WAMP, new Uint8Array(5000))),
  );
  const error = await s.error();
  assert.ok(error instanceof PayloadSizeError);
  assert.equal(error.size, 5000);
  assert.equal(error.limit, 4096);
  await c.closed();
});

test('rawsocket - an oversized outgoing message throws and the connection stays usable', async () => {
  const serverSide = queue.next();
  const client = await connectRawSocket({ port }, { maxMessageSize: 1024 });
  const c = new Recorder(client);
  const { transport: server, recorder: s } = await serverSide;
  assert.throws(
    () => client.send([1, 'x'.repeat(5000)]),
    (e: unknown) => e instanceof PayloadSizeError && e.limit === 4096,
  );
  assert.throws(
    () => server.send([1, 'x'.repeat(2000)]),
    (e: unknown) => e instanceof PayloadSizeError && e.limit === 1024,
  );
  assert.throws(() => server.sendSerialized('x'.repeat(1025)), PayloadSizeError);
  client.send([1, 'ok']);
  server.send([2, 'ok']);
  assert.deepEqual(await s.messageCount(1), [[1, 'ok']]);
  assert.deepEqual(await c.messageCount(1), [[2, 'ok']]);
  assert.equal(client.isOpen, true);
  client.close();
  await s.closed();
});

test('rawsocket - connecting to nothing fails with a typed error', async () => {
  const l = await listen({
    endpoint: { type: 'tcp', host: '127.0.0.1', port: 0 },
    rawsocket: {},
    onTransport() {},
  });
  const p = (l.address as { port: number }).port;
  await l.close();
  await assert.rejects(
    connectRawSocket({ port: p }),
    (e: unknown) => e instanceof ConnectError && e.code === 'NETWORK',
  );
});

test('rawsocket - a router replying with another serializer is refused', async () => {
  const stub = createServer((s) => {
    s.once('data', () => s.write(Uint8Array.of(0x7f, 0xf2, 0, 0)));
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
  try {
    await assert.rejects(
      connectRawSocket({ port: (stub.address() as AddressInfo).port }, { serializer: 'json' }),
      (e: unknown) => e instanceof ConnectError && e.code === 'HANDSHAKE',
    );
  } finally {
    stub.close();
  }
});

test('rawsocket - a peer that stops reading is dropped once too much output waits', async () => {
  const recorders: Recorder[] = [];
  const servers: Transport[] = [];
  const local = await listen({
    endpoint: { type: 'tcp', host: '127.0.0.1', port: 0 },
    rawsocket: { maxWriteBuffer: 256 * 1024 },
    onTransport(t) {
      servers.push(t);
      recorders.push(new Recorder(t));
    },
  });
  try {
    const raw = await RawClient.open({ port: (local.address as { port: number }).port });
    raw.write(encodeHandshake(1, 15));
    await raw.read(4);
    raw.socket.pause(); // never read again
    while (servers.length === 0) await delay(2);
    const payload = 'x'.repeat(60_000);
    for (let turn = 0; turn < 400 && servers[0]!.isOpen; turn++) {
      for (let i = 0; i < 10; i++) servers[0]!.send([36, 1, i, {}, [payload]]);
      await delay(1);
    }
    assert.deepEqual(await recorders[0]!.closed(), {
      wasClean: false,
      reason: 'write buffer overflow',
    });
    raw.destroy();
  } finally {
    await local.close();
  }
});

test('rawsocket - a throwing handler fails only its own connection', async () => {
  const serverSide = queue.next();
  const client = await connectRawSocket({ port });
  const c = new Recorder(client);
  const { transport: server } = await serverSide;
  const bystanderSide = queue.next();
  const bystander = await connectRawSocket({ port });
  const b = new Recorder(bystander);
  await bystanderSide;
  // A listener whose owner throws on every message.
  const errors: Error[] = [];
  const local = await listen({
    endpoint: { type: 'tcp', host: '127.0.0.1', port: 0 },
    rawsocket: {},
    onTransport(t) {
      t.attach({
        onMessage() {
          throw new Error('owner bug');
        },
        onProtocolError: (e) => errors.push(e),
        onClose: () => undefined,
      });
    },
  });
  try {
    const victim = await connectRawSocket({ port: (local.address as { port: number }).port });
    const v = new Recorder(victim);
    victim.send([1]);
    assert.equal((await v.closed()).wasClean, true);
    assert.equal(errors[0]?.message, 'owner bug');
    // Other connections carry on.
    server.send([2]);
    bystander.send([3]);
    assert.deepEqual(await c.messageCount(1), [[2]]);
    assert.equal(b.closeDetails, undefined);
    client.close();
    bystander.close();
  } finally {
    await local.close();
  }
});
