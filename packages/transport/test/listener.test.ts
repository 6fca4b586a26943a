import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import WebSocket from 'ws';
import { encodeHandshake } from '@cdc/protocol';
import {
  ListenError,
  connect,
  connectRawSocket,
  connectWebSocket,
  listen,
  type Listener,
  type TransportMeta,
} from '../src/index.js';
import { RawClient, Recorder, delay, tempDir } from './helpers.js';

let universal: Listener;
let port: number;
const metas: TransportMeta[] = [];

function get(path: string, p = port): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port: p, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

before(async () => {
  universal = await listen({
    endpoint: { type: 'tcp', host: '127.0.0.1', port: 0 },
    websocket: { '/ws': {}, '/other': { serializers: ['cbor'] } },
    rawsocket: {},
    http(req, res) {
      if (req.url === '/info') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('cdc');
      } else {
        res.writeHead(404);
        res.end();
      }
    },
    onTransport(transport, meta) {
      metas.push(meta);
      // An echo service.
      transport.attach({
        onMessage: (m) => transport.send(m as unknown[]),
        onProtocolError: () => undefined,
        onClose: () => undefined,
      });
    },
  });
  port = (universal.address as { port: number }).port;
});
after(() => universal.close());

test('listener - a universal port serves HTTP, WebSocket and RawSocket concurrently', async () => {
  const clients = await Promise.all([
    connectWebSocket(universal.url('/ws')),
    connectRawSocket({ port }, { serializer: 'msgpack' }),
    connectWebSocket(universal.url('/other'), { serializers: ['cbor'], batched: true }),
    connectRawSocket({ port }, { serializer: 'cbor' }),
  ]);
  const [info, missing] = await Promise.all([get('/info'), get('/missing')]);
  assert.deepEqual(info, { status: 200, body: 'cdc' });
  assert.equal(missing.status, 404);
  const recorders = clients.map((c) => new Recorder(c));
  clients.forEach((c, i) => {
    for (let j = 0; j < 20; j++) c.send([i, j]);
  });
  await Promise.all(recorders.map((r) => r.messageCount(20)));
  recorders.forEach((r, i) => assert.deepEqual(r.messages[19], [i, 19]));
  assert.deepEqual(
    metas
      .slice(-4)
      .map((m) => `${m.kind}${m.path ?? ''}`)
      .sort(),
    ['rawsocket', 'rawsocket', 'websocket/other', 'websocket/ws'],
  );
  assert.ok(metas.some((m) => m.request?.url === '/ws'));
  assert.ok(universal.connections >= 4);
  for (const c of clients) c.close();
  await Promise.all(recorders.map((r) => r.closed()));
});

test('listener - HTTP on a universal port works when the request arrives byte by byte', async () => {
  const raw = await RawClient.open({ port });
  for (const ch of 'GET /info HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n') {
    raw.write(ch);
    await delay(1);
  }
  const text = (await raw.readAll()).toString();
  assert.match(text, /^HTTP\/1\.1 200/);
  assert.match(text, /\r\ncdc\r\n/);
});

test('listener - RawSocket on a universal port works when the handshake arrives split', async () => {
  const raw = await RawClient.open({ port });
  const hs = encodeHandshake(1, 15);
  raw.write(hs.subarray(0, 1));
  await delay(10);
  raw.write(hs.subarray(1));
  assert.equal((await raw.read(4))[0], 0x7f);
  raw.write(Uint8Array.of(0, 0, 0, 3, ...Buffer.from('[7]')));
  assert.deepEqual([...(await raw.read(7))], [0, 0, 0, 3, ...Buffer.from('[7]')]);
  raw.destroy();
});

test('listener - without an http handler, other requests get 404', async () => {
  const l = await listen({
    endpoint: { type: 'tcp', host: '127.0.0.1', port: 0 },
    websocket: { '/': {} },
    onTransport() {},
  });
  const p = (l.address as { port: number }).port;
  assert.equal((await get('/nothing', p)).status, 404);
  const c = await connectWebSocket(l.url('/'));
  assert.equal(c.info.type, 'websocket');
  c.close();
  await l.close();
});

test('listener - a port in use is refused with a typed error', async () => {
  await assert.rejects(
    listen({ endpoint: { type: 'tcp', host: '127.0.0.1', port }, rawsocket: {}, onTransport() {} }),
    (e: unknown) =>
      e instanceof ListenError &&
      e.code === 'EADDRINUSE' &&
      e.endpoint === `tcp:127.0.0.1:${port}` &&
      /already in use/.test(e.message),
  );
});

test('listener - a live Unix socket is in use; a stale socket file is replaced', async () => {
  const dir = tempDir();
  try {
    const path = join(dir.path, 'node.sock');
    const first = await listen({
      endpoint: { type: 'unix', path },
      rawsocket: {},
      onTransport() {},
    });
    await assert.rejects(
      listen({ endpoint: { type: 'unix', path }, rawsocket: {}, onTransport() {} }),
      (e: unknown) => e instanceof ListenError && e.code === 'EADDRINUSE',
    );
    await first.close();
    // Leave a stale socket file behind, as a crashed process would.
    const crash = spawnSync(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`,
    ]);
    assert.equal(crash.signal, 'SIGKILL');
    assert.ok(existsSync(path), 'the killed process left its socket file');
    const second = await listen({
      endpoint: { type: 'unix', path },
      rawsocket: {},
      onTransport() {},
    });
    const c = await connectRawSocket({ path });
    c.close();
    await second.close();
  } finally {
    dir.remove();
  }
});

test('listener - close() drops every connection and stops listening', async () => {
  const recorders: Recorder[] = [];
  const l = await listen({
    endpoint: { type: 'tcp', host: '127.0.0.1', port: 0 },
    websocket: { '/ws': {} },
    rawsocket: {},
    onTransport(t) {
      recorders.push(new Recorder(t));
    },
  });
  const p = (l.address as { port: number }).port;
  const ws = await connectWebSocket(l.url('/ws'));
  const rs = await connect(l.url());
  const idle = await RawClient.open({ port: p }); // no handshake yet
  const wsRec = new Recorder(ws);
  const rsRec = new Recorder(rs);
  while (recorders.length < 2) await delay(2);
  assert.equal(l.connections, 3);
  await l.close();
  assert.deepEqual(await wsRec.closed(), {
    wasClean: true,
    code: 1001,
    reason: 'server shutting down',
  });
  assert.equal((await rsRec.closed()).wasClean, true);
  await idle.closed();
  for (const r of recorders) await r.closed();
  assert.equal(l.connections, 0);
  await assert.rejects(connectRawSocket({ port: p }, { timeoutMs: 1000 }));
});

test('listener - connections that never complete a handshake are dropped', async () => {
  const l = await listen({
    endpoint: { type: 'tcp', host: '127.0.0.1', port: 0 },
    websocket: { '/ws': {} },
    rawsocket: {},
    handshakeTimeoutMs: 100,
    onTransport() {},
  });
  const p = (l.address as { port: number }).port;
  const silent = await RawClient.open({ port: p });
  const halfHandshake = await RawClient.open({ port: p });
  halfHandshake.write(Uint8Array.of(0x7f, 0xf1));
  const halfHttp = await RawClient.open({ port: p });
  halfHttp.write('GET /ws HTTP/1.1\r\n');
  await Promise.all([silent.closed(), halfHandshake.closed(), halfHttp.closed()]);
  // A completed handshake is not affected.
  const c = await connectWebSocket(l.url('/ws'));
  await delay(250);
  assert.equal(c.isOpen, true);
  c.close();
  await l.close();
});

test('listener - url() forms', async () => {
  assert.equal(universal.url('/ws'), `ws://127.0.0.1:${port}/ws`);
  assert.equal(universal.url('ws'), `ws://127.0.0.1:${port}/ws`);
  assert.equal(universal.url(), `rs://127.0.0.1:${port}`);
  const dir = tempDir();
  const path = join(dir.path, 'x.sock');
  const l = await listen({
    endpoint: { type: 'unix', path },
    websocket: { '/ws': {} },
    onTransport(t) {
      new Recorder(t);
    },
  });
  assert.equal(l.url('/ws'), `ws+unix:${path}:/ws`);
  const c = await connectWebSocket(l.url('/ws'));
  assert.equal(c.info.peer, `unix:${path}`);
  c.close();
  await l.close();
  dir.remove();
});

test('listener - a WebSocket client sending its first message with the upgrade is served', async () => {
  // ws may deliver frames in the same packet as the HTTP request ("head").
  const ws = new WebSocket(universal.url('/ws'), ['wamp.2.json']);
  const got = new Promise<string>((r) => ws.once('message', (d: Buffer) => r(d.toString())));
  ws.once('open', () => ws.send('[1,"x"]'));
  assert.equal(await got, '[1,"x"]');
  ws.close();
});

test('listener - IPv6 peers are described as tcp6', async (t) => {
  const peers: string[] = [];
  let l: Listener;
  try {
    l = await listen({
      endpoint: { type: 'tcp', host: '::1', port: 0 },
      rawsocket: {},
      onTransport(tr) {
        peers.push(tr.info.peer);
        new Recorder(tr);
      },
    });
  } catch {
    t.skip('no IPv6 loopback');
    return;
  }
  assert.match(l.url(), /^rs:\/\/\[::1\]:\d+$/);
  const c = await connect(l.url());
  while (peers.length === 0) await delay(2);
  assert.match(peers[0]!, /^tcp6:::1:\d+$/);
  assert.equal(c.info.peer, `tcp6:::1:${(l.address as { port: number }).port}`);
  c.close();
  await l.close();
});
