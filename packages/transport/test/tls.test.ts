/** TLS on a universal port: wss, rss and https, channel binding ids, failures. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import {
  ConnectError,
  connect,
  connectRawSocket,
  connectWebSocket,
  listen,
  type Listener,
} from '../src/index.js';
import { AcceptQueue, Recorder, hasOpenssl, selfSignedCert, tempDir } from './helpers.js';

const skip = hasOpenssl() ? false : 'the openssl CLI is not installed';
const dir = tempDir();
let cert = { key: '', cert: '' };
let listener: Listener;
let port: number;
const queue = new AcceptQueue();

before(async () => {
  if (skip !== false) return;
  cert = selfSignedCert(dir.path);
  listener = await listen({
    endpoint: { type: 'tcp', host: '127.0.0.1', port: 0, tls: { key: cert.key, cert: cert.cert } },
    websocket: { '/ws': {} },
    rawsocket: {},
    http(_req, res) {
      res.end('secure');
    },
    onTransport(t) {
      queue.accepted.push({ transport: t, recorder: new Recorder() });
      t.attach({
        onMessage: (m) => t.send(m as unknown[]),
        onProtocolError: () => undefined,
        onClose: () => undefined,
      });
    },
  });
  port = (listener.address as { port: number }).port;
});
after(async () => {
  if (skip === false) await listener.close();
  dir.remove();
});

test('tls - WebSocket over TLS with equal channel ids on both ends', { skip }, async () => {
  assert.equal(listener.url('/ws'), `wss://127.0.0.1:${port}/ws`);
  const serverSide = queue.next();
  const client = await connectWebSocket(listener.url('/ws'), { tls: { ca: cert.cert } });
  const { transport: server } = await serverSide;
  assert.equal(client.info.tls, true);
  assert.equal(server.info.tls, true);
  assert.equal(client.info.channelId?.length, 32);
  assert.deepEqual(client.info.channelId, server.info.channelId);
  const c = new Recorder(client);
  client.send([1, 'secure']);
  assert.deepEqual(await c.messageCount(1), [[1, 'secure']]);
  client.close();
  await c.closed();
});

test('tls - RawSocket over TLS on the same universal port', { skip }, async () => {
  assert.equal(listener.url(), `rss://127.0.0.1:${port}`);
  for (const serializer of ['json', 'msgpack', 'cbor'] as const) {
    const serverSide = queue.next();
    const client = await connectRawSocket(
      { host: '127.0.0.1', port },
      { serializer, tls: { ca: cert.cert } },
    );
    const { transport: server } = await serverSide;
    assert.equal(server.info.type, 'rawsocket');
    assert.equal(server.info.tls, true);
    assert.equal(client.info.channelId?.length, 32);
    assert.deepEqual(client.info.channelId, server.info.channelId);
    const c = new Recorder(client);
    client.send([1, serializer]);
    assert.deepEqual(await c.messageCount(1), [[1, serializer]]);
    client.close();
    await c.closed();
  }
});

test('tls - connect() takes rss:// and wss:// URLs', { skip }, async () => {
  for (const url of [listener.url(), listener.url('/ws')]) {
    const client = await connect(url, { tls: { ca: cert.cert } });
    const c = new Recorder(client);
    client.send([2]);
    assert.deepEqual(await c.messageCount(1), [[2]]);
    assert.equal(client.info.tls, true);
    client.close();
  }
});

test('tls - plain HTTPS requests reach the http handler', { skip }, async () => {
  const body = await new Promise<string>((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/', ca: cert.cert }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve(text));
    })
      .on('error', reject)
      .end();
  });
  assert.equal(body, 'secure');
});

test('tls - channel ids differ between connections', { skip }, async () => {
  const a = await connectRawSocket({ port }, { tls: { ca: cert.cert } });
  const b = await connectRawSocket({ port }, { tls: { ca: cert.cert } });
  assert.notDeepEqual(a.info.channelId, b.info.channelId);
  a.close();
  b.close();
});

test('tls - an untrusted certificate fails with a typed error', { skip }, async () => {
  await assert.rejects(
    connectRawSocket({ port }, { tls: true }),
    (e: unknown) => e instanceof ConnectError && e.code === 'NETWORK',
  );
  await assert.rejects(connectWebSocket(listener.url('/ws')), ConnectError);
});

test(
  'tls - a client failing the TLS handshake does not disturb the listener',
  { skip },
  async () => {
    const s = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: true });
    await new Promise((r) => s.once('error', r));
    const client = await connectRawSocket({ port }, { tls: { ca: cert.cert } });
    assert.equal(client.isOpen, true);
    client.close();
  },
);

test('tls - listener close() drops TLS connections', { skip }, async () => {
  const l = await listen({
    endpoint: { type: 'tcp', host: '127.0.0.1', port: 0, tls: cert },
    websocket: { '/ws': {} },
    rawsocket: {},
    onTransport(t) {
      new Recorder(t);
    },
  });
  const ws = new Recorder(await connectWebSocket(l.url('/ws'), { tls: { ca: cert.cert } }));
  const rs = new Recorder(
    await connectRawSocket(
      { port: (l.address as { port: number }).port },
      { tls: { ca: cert.cert } },
    ),
  );
  await l.close();
  assert.equal((await ws.closed()).code, 1001);
  assert.equal((await rs.closed()).wasClean, true);
  assert.equal(l.connections, 0);
});
