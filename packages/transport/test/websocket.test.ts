/** WAMP over WebSocket: subprotocols, batching, limits, compression, auto-ping, closing. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import WebSocket from 'ws';
import { PayloadSizeError, splitBatch, type SerializerId } from '@cdc/protocol';
import {
  ConnectError,
  MessageDecodeError,
  connectWebSocket,
  listen,
  type Listener,
} from '../src/index.js';
import { AcceptQueue, Recorder, delay } from './helpers.js';

let listener: Listener;
const queue = new AcceptQueue();

before(async () => {
  listener = await listen({
    endpoint: { type: 'tcp', host: '127.0.0.1', port: 0 },
    websocket: {
      '/ws': { maxMessageSize: 4096 },
      'json-only': { serializers: ['json'], batched: false },
      '/deflate': { perMessageDeflate: true },
      '/ping': { autoPingInterval: 50, autoPingTimeout: 100 },
    },
    onTransport: queue.onTransport,
  });
});
after(() => listener.close());

for (const serializer of ['json', 'msgpack', 'cbor'] as SerializerId[]) {
  for (const batched of [false, true]) {
    const name = `wamp.2.${serializer}${batched ? '.batched' : ''}`;
    test(`websocket - ${name} messages flow both ways`, async () => {
      const serverSide = queue.next();
      const client = await connectWebSocket(listener.url('/ws'), {
        serializers: [serializer],
        batched,
      });
      const c = new Recorder(client);
      const { transport: server, recorder: s, path } = await serverSide;
      assert.equal(path, '/ws');
      assert.equal(client.info.protocol, name);
      assert.equal(server.info.protocol, name);
      assert.equal(server.info.serializer, serializer);
      assert.match(server.info.peer, /^tcp4:127\.0\.0\.1:\d+$/);
      const bytes = Uint8Array.of(1, 2, 250);
      client.send([1, 'realm1', { b: bytes }]);
      client.send([2, 2 ** 53]);
      const [first, second] = (await s.messageCount(2)) as unknown[][];
      assert.deepEqual([...(first![2] as { b: Uint8Array }).b], [1, 2, 250]);
      assert.deepEqual(second, [2, 2 ** 53]);
      server.send([3, 'hi']);
      server.sendSerialized(server.serializer.serialize([36, 1, 2, {}, ['fan']]));
      assert.deepEqual(await c.messageCount(2), [
        [3, 'hi'],
        [36, 1, 2, {}, ['fan']],
      ]);
      client.close(1000, 'done');
      assert.deepEqual(await s.closed(), { wasClean: true, code: 1000, reason: 'done' });
      assert.equal((await c.closed()).wasClean, true);
    });
  }
}

test('websocket - the subprotocol follows the client order of preference', async () => {
  for (const [offer, want] of [
    [['msgpack', 'json'], 'wamp.2.msgpack'],
    [['cbor', 'msgpack'], 'wamp.2.cbor'],
    [['json', 'cbor'], 'wamp.2.json'],
  ] as [SerializerId[], string][]) {
    const client = await connectWebSocket(listener.url('/ws'), { serializers: offer });
    assert.equal(client.info.protocol, want);
    client.close();
  }
  // A path that speaks JSON only picks it even when offered last.
  const client = await connectWebSocket(listener.url('/json-only'), {
    serializers: ['cbor', 'json'],
    batched: true,
  });
  assert.equal(client.info.protocol, 'wamp.2.json');
  client.close();
});

test('websocket - a client offering no WAMP subprotocol is refused', async () => {
  for (const protocols of [[], ['chat', 'wamp.1.json']]) {
    const ws = new WebSocket(listener.url('/ws'), protocols);
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
    });
    assert.equal(status, 400);
  }
  await assert.rejects(
    connectWebSocket(listener.url('/json-only'), { serializers: ['cbor'] }),
    (e: unknown) => e instanceof ConnectError && e.code === 'HTTP_STATUS',
  );
});

test('websocket - JSON goes in text frames, binary serializers in binary frames', async () => {
  for (const [protocol, binary] of [
    ['wamp.2.json', false],
    ['wamp.2.cbor', true],
  ] as const) {
    const serverSide = queue.next();
    const ws = new WebSocket(listener.url('/ws'), [protocol]);
    const frames: boolean[] = [];
    ws.on('message', (_d, isBinary) => frames.push(isBinary));
    await new Promise((r) => ws.once('open', r));
    const { transport: server } = await serverSide;
    server.send([1]);
    server.sendSerialized(server.serializer.serialize([2]));
    while (frames.length < 2) await delay(5);
    assert.deepEqual(frames, [binary, binary], protocol);
    ws.close();
  }
});

test('websocket - batched output of one tick goes out as one WebSocket message', async () => {
  const serverSide = queue.next();
  const ws = new WebSocket(listener.url('/ws'), ['wamp.2.msgpack.batched']);
  const received: Buffer[] = [];
  ws.on('message', (d: Buffer) => received.push(d));
  await new Promise((r) => ws.once('open', r));
  const { transport: server } = await serverSide;
  for (let i = 0; i < 5; i++) server.send([36, 1, i, {}]);
  while (received.length < 1) await delay(5);
  await delay(20);
  assert.equal(received.length, 1);
  const parts = splitBatch(received[0]!, true);
  assert.deepEqual(
    parts.map((p) => server.serializer.unserialize(p)),
    [0, 1, 2, 3, 4].map((i) => [36, 1, i, {}]),
  );
  // A batch never exceeds the size limit (4096): bigger output is split.
  received.length = 0;
  for (let i = 0; i < 10; i++) server.send([36, 1, i, { pad: 'x'.repeat(1000) }]);
  while (received.reduce((n, b) => n + splitBatch(b, true).length, 0) < 10) await delay(5);
  assert.ok(received.length > 1);
  for (const b of received) assert.ok(b.length <= 4096);
  ws.close();
});

test('websocket - an oversized incoming message is a protocol error and closes with 1009', async () => {
  const serverSide = queue.next();
  const client = await connectWebSocket(listener.url('/ws'), { maxMessageSize: 1 << 20 });
  const c = new Recorder(client);
  const { recorder: s } = await serverSide;
  client.send([1, 'x'.repeat(5000)]);
  const error = await s.error();
  assert.ok(error instanceof PayloadSizeError);
  assert.equal(error.limit, 4096);
  assert.equal((await c.closed()).code, 1009);
});

test('websocket - an oversized outgoing message throws and the connection stays usable', async () => {
  const serverSide = queue.next();
  const client = await connectWebSocket(listener.url('/ws'), { maxMessageSize: 1024 });
  const c = new Recorder(client);
  const { transport: server, recorder: s } = await serverSide;
  assert.throws(
    () => server.send([1, 'x'.repeat(5000)]),
    (e: unknown) => e instanceof PayloadSizeError && e.limit === 4096,
  );
  assert.throws(() => server.sendSerialized('x'.repeat(4097)), PayloadSizeError);
  assert.throws(() => client.send([1, 'x'.repeat(2000)]), PayloadSizeError);
  client.send([1, 'ok']);
  server.send([2, 'ok']);
  assert.deepEqual(await s.messageCount(1), [[1, 'ok']]);
  assert.deepEqual(await c.messageCount(1), [[2, 'ok']]);
  client.close();
});

test('websocket - an undecodable message is a protocol error', async () => {
  const serverSide = queue.next();
  const ws = new WebSocket(listener.url('/ws'), ['wamp.2.json']);
  await new Promise((r) => ws.once('open', r));
  const { recorder: s } = await serverSide;
  ws.send('[1, nope');
  assert.ok((await s.error()) instanceof MessageDecodeError);
  const code = await new Promise<number>((r) => ws.once('close', r));
  assert.equal(code, 1002);
});

test('websocket - HTTP headers and peer are captured', async () => {
  const serverSide = queue.next();
  const client = await connectWebSocket(listener.url('/ws?x=1'), {
    headers: { 'X-Forwarded-For': '10.1.2.3', Cookie: 'cbtid=abc' },
  });
  const { transport: server } = await serverSide;
  const headers = server.info.httpHeaders!;
  assert.equal(headers['x-forwarded-for'], '10.1.2.3');
  assert.equal(headers['cookie'], 'cbtid=abc');
  assert.equal(
    headers['sec-websocket-protocol'],
    'wamp.2.json, wamp.2.msgpack, wamp.2.cbor'.replace(/, /g, ','),
  );
  assert.ok(client.info.httpHeaders!['sec-websocket-accept']);
  client.close();
});

test('websocket - the router closing reaches the client with code and reason', async () => {
  const serverSide = queue.next();
  const client = await connectWebSocket(listener.url('/ws'));
  const c = new Recorder(client);
  const { transport: server, recorder: s } = await serverSide;
  server.send([6, {}, 'wamp.close.system_shutdown']);
  server.close(1001, 'going away');
  assert.equal(server.isOpen, false);
  assert.deepEqual(await c.messageCount(1), [[6, {}, 'wamp.close.system_shutdown']]);
  assert.deepEqual(await c.closed(), { wasClean: true, code: 1001, reason: 'going away' });
  assert.equal((await s.closed()).wasClean, true);
});

test('websocket - a dropped connection is not clean', async () => {
  const serverSide = queue.next();
  const ws = new WebSocket(listener.url('/ws'), ['wamp.2.json']);
  await new Promise((r) => ws.once('open', r));
  const { recorder: s } = await serverSide;
  ws.terminate();
  const details = await s.closed();
  assert.equal(details.wasClean, false);
  assert.equal(details.code, 1006);
});

test('websocket - permessage-deflate is negotiated when configured', async () => {
  const serverSide = queue.next();
  const client = await connectWebSocket(listener.url('/deflate'), {
    perMessageDeflate: true,
    serializers: ['cbor'],
    batched: true,
  });
  const c = new Recorder(client);
  const { transport: server, recorder: s } = await serverSide;
  assert.match(client.info.httpHeaders!['sec-websocket-extensions'] ?? '', /permessage-deflate/);
  const big = 'wamp '.repeat(2000);
  client.send([1, big]);
  server.send([2, big]);
  server.sendSerialized(server.serializer.serialize([3]));
  assert.deepEqual(await s.messageCount(1), [[1, big]]);
  assert.deepEqual(await c.messageCount(2), [[2, big], [3]]);
  client.close();
  await s.closed();
  // Not negotiated where not configured, even when the client offers it.
  const plain = await connectWebSocket(listener.url('/ws'), { perMessageDeflate: true });
  assert.equal(plain.info.httpHeaders!['sec-websocket-extensions'], undefined);
  plain.close();
});

test('websocket - auto-ping keeps live peers and drops dead ones', async () => {
  // A live client answers pings (ws does so by itself) and stays.
  const liveSide = queue.next();
  const live = await connectWebSocket(listener.url('/ping'));
  const { recorder: liveRecorder } = await liveSide;
  // A dead client does not answer.
  const deadSide = queue.next();
  const dead = new WebSocket(listener.url('/ping'), ['wamp.2.json'], { autoPong: false });
  let pings = 0;
  dead.on('ping', () => pings++);
  await new Promise((r) => dead.once('open', r));
  const { recorder: deadRecorder } = await deadSide;
  const details = await deadRecorder.closed();
  assert.deepEqual(details, { wasClean: false, code: 1006, reason: 'ping timeout' });
  assert.ok(pings >= 1);
  await delay(100);
  assert.equal(live.isOpen, true);
  assert.equal(liveRecorder.closeDetails, undefined);
  live.close();
});

test('websocket - an upgrade on an unknown path gets 404', async () => {
  const ws = new WebSocket(listener.url('/nope'), ['wamp.2.json']);
  const status = await new Promise<number>((resolve) => {
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(-1));
  });
  assert.equal(status, 404);
});

test('websocket - a plain GET on a WebSocket path asks for an upgrade', async () => {
  const a = listener.address as { port: number };
  const status = await new Promise<number>((resolve, reject) => {
    request({ host: '127.0.0.1', port: a.port, path: '/ws' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
  assert.equal(status, 426);
});

test('websocket - a bad URL or refused connection gives a typed error', async () => {
  await assert.rejects(
    connectWebSocket('ws://127.0.0.1:1/ws'),
    (e: unknown) => e instanceof ConnectError && e.code === 'NETWORK',
  );
  await assert.rejects(
    connectWebSocket('nonsense'),
    (e: unknown) => e instanceof ConnectError && e.code === 'BAD_URL',
  );
});
