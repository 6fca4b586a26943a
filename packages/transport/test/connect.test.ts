import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  ConnectError,
  connect,
  connectRawSocket,
  listen,
  parseTransportUrl,
} from '../src/index.js';
import { Recorder, tempDir } from './helpers.js';

test('connect - URLs map to the right client', () => {
  assert.deepEqual(parseTransportUrl('ws://localhost:8080/ws'), { kind: 'websocket', tls: false });
  assert.deepEqual(parseTransportUrl('wss://example.com/ws'), { kind: 'websocket', tls: true });
  assert.deepEqual(parseTransportUrl('ws+unix:/tmp/s.sock:/ws'), {
    kind: 'websocket',
    tls: false,
  });
  assert.deepEqual(parseTransportUrl('rs://127.0.0.1:8080'), {
    kind: 'rawsocket',
    tls: false,
    target: { host: '127.0.0.1', port: 8080 },
  });
  assert.deepEqual(parseTransportUrl('tcp://[::1]:9000/'), {
    kind: 'rawsocket',
    tls: false,
    target: { host: '::1', port: 9000 },
  });
  assert.deepEqual(parseTransportUrl('rss://example.com:443'), {
    kind: 'rawsocket',
    tls: true,
    target: { host: 'example.com', port: 443 },
  });
  assert.deepEqual(parseTransportUrl('unix:/run/router.sock'), {
    kind: 'rawsocket',
    tls: false,
    target: { path: '/run/router.sock' },
  });
  assert.deepEqual(parseTransportUrl('unix:///run/router.sock'), {
    kind: 'rawsocket',
    tls: false,
    target: { path: '/run/router.sock' },
  });
  for (const bad of ['http://x', 'rs://host', 'unix:', 'mqtt://x:1'])
    assert.throws(
      () => parseTransportUrl(bad),
      (e: unknown) => e instanceof ConnectError && e.code === 'BAD_URL',
      bad,
    );
});

test('connect - dispatches ws://, rs://, tcp:// and unix: to working clients', async () => {
  const dir = tempDir();
  const path = join(dir.path, 'r.sock');
  const echo = {
    onTransport(t: import('@cdc/protocol').Transport) {
      t.attach({
        onMessage: (m) => t.send(m as unknown[]),
        onProtocolError: () => undefined,
        onClose: () => undefined,
      });
    },
  };
  const tcp = await listen({
    endpoint: { type: 'tcp', host: '127.0.0.1', port: 0 },
    websocket: { '/ws': {} },
    rawsocket: {},
    ...echo,
  });
  const unix = await listen({ endpoint: { type: 'unix', path }, rawsocket: {}, ...echo });
  try {
    const port = (tcp.address as { port: number }).port;
    const cases: [string, string, string][] = [
      [tcp.url('/ws'), 'websocket', 'cbor'],
      [`rs://127.0.0.1:${port}`, 'rawsocket', 'msgpack'],
      [`tcp://127.0.0.1:${port}`, 'rawsocket', 'cbor'],
      [`unix:${path}`, 'rawsocket', 'json'],
    ];
    for (const [url, type, serializer] of cases) {
      const t = await connect(url, {
        serializers: [serializer as 'json'],
      });
      assert.equal(t.info.type, type, url);
      assert.equal(t.info.serializer, serializer, url);
      const r = new Recorder(t);
      t.send([1, url]);
      assert.deepEqual(await r.messageCount(1), [[1, url]]);
      t.close();
      await r.closed();
    }
    await assert.rejects(connect('gopher://x'), ConnectError);
    // connectRawSocket takes URLs too; a single `serializer` also selects for WebSocket.
    const viaUrl = await connectRawSocket(`unix:${path}`, { serializer: 'msgpack' });
    assert.equal(viaUrl.info.serializer, 'msgpack');
    viaUrl.close();
    const ws = await connect(tcp.url('/ws'), { serializer: 'msgpack' });
    assert.equal(ws.info.protocol, 'wamp.2.msgpack');
    ws.close();
    await assert.rejects(connectRawSocket(tcp.url('/ws')), ConnectError);
  } finally {
    await tcp.close();
    await unix.close();
    dir.remove();
  }
});
