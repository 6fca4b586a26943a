/**
 * The cluster link's parts on their own: framing, the mutual authentication, and a link
 * connection over a real socket pair (channel lifecycle, a bad peer, an overloaded link).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';
import { captureLogger, until } from '@cdc/testkit';
import { clientMac, macEquals, newNonce, serverMac } from '../src/cluster/link/auth.js';
import { LinkConnection } from '../src/cluster/link/connection.js';
import type { ChannelHandler, LinkSettings } from '../src/cluster/link/connection.js';
import {
  FrameError,
  FrameKind,
  FrameReader,
  decodeBody,
  encodeBody,
  encodeFrame,
} from '../src/cluster/link/frames.js';
import type { CloseBody, OpenBody } from '../src/cluster/link/frames.js';

test('frames - split anywhere, frames come out whole and in order', () => {
  const f1 = encodeFrame(FrameKind.MSG, 7, new Uint8Array([1, 2, 3]));
  const f2 = encodeFrame(FrameKind.CLOSE, 0xfffffffd, encodeBody({ message: 'bye' }));
  const all = Buffer.concat([f1, f2]);
  for (let cut = 0; cut <= all.byteLength; cut++) {
    const r = new FrameReader(1024);
    const out = [...r.push(all.subarray(0, cut)), ...r.push(all.subarray(cut))];
    assert.equal(out.length, 2, `cut at ${cut}`);
    assert.deepEqual([out[0]!.kind, out[0]!.channel, [...out[0]!.body]], [11, 7, [1, 2, 3]]);
    assert.deepEqual([out[1]!.kind, out[1]!.channel], [12, 0xfffffffd]);
    assert.deepEqual(decodeBody(out[1]!.body), { message: 'bye' });
    assert.equal(r.pending, 0);
  }
});

test('frames - too long, too short, unknown kind and bad bodies are FrameErrors', () => {
  const long = Buffer.alloc(4);
  long.writeUInt32BE(2000);
  // Refused on the length prefix, before any of the frame is buffered.
  assert.throws(() => new FrameReader(1000).push(long), /2000 bytes exceeds the limit of 1000/);
  const short = Buffer.from([0, 0, 0, 2, 11, 0]);
  assert.throws(() => new FrameReader(1000).push(short), /shorter than its header/);
  const kind = Buffer.from(encodeFrame(FrameKind.MSG, 1, new Uint8Array()));
  kind[4] = 99;
  assert.throws(() => new FrameReader(1000).push(kind), FrameError);
  assert.throws(() => decodeBody(new Uint8Array([0x81])), /undecodable frame body/);
  assert.throws(() => decodeBody(encodeBody([1, 2])), /one map/);
  // Binary values in bodies survive.
  const nonce = randomBytes(32);
  assert.deepEqual([...(decodeBody(encodeBody({ nonce }))['nonce'] as Uint8Array)], [...nonce]);
});

test('auth - proofs depend on the secret, both nonces, the instance and the direction', () => {
  const secret = randomBytes(32);
  const sn = newNonce();
  const cn = newNonce();
  const c = clientMac(secret, sn, cn, 'a');
  assert.ok(macEquals(c, clientMac(secret, sn, cn, 'a')));
  assert.ok(!macEquals(c, clientMac(randomBytes(32), sn, cn, 'a')));
  assert.ok(!macEquals(c, clientMac(secret, newNonce(), cn, 'a')));
  assert.ok(!macEquals(c, clientMac(secret, sn, cn, 'b')));
  assert.ok(!macEquals(c, serverMac(secret, sn, cn, 'a')));
  assert.ok(!macEquals('not bytes', c));
  assert.ok(!macEquals(c.subarray(1), c));
});

interface Pair {
  client: LinkConnection;
  server: LinkConnection;
  serverSocket: Socket;
  opened: { channel: number; open: OpenBody; got: Uint8Array[]; closed: CloseBody[] }[];
  close(): Promise<void>;
}

function settings(over: Partial<LinkSettings> = {}): LinkSettings {
  return {
    instance: 'x',
    address: '127.0.0.1:1',
    secret: Buffer.from('the secret'),
    logger: captureLogger(),
    maxBufferedBytes: 1 << 20,
    maxFrameBytes: 1 << 20,
    handshakeTimeoutMs: 2000,
    onOpen: () => {
      throw new Error('unexpected OPEN');
    },
    ...over,
  };
}

async function pair(
  clientOver: Partial<LinkSettings> = {},
  serverOver: Partial<LinkSettings> = {},
): Promise<Pair> {
  const opened: Pair['opened'] = [];
  let server!: LinkConnection;
  let serverSocket!: Socket;
  const srv: Server = createServer((socket) => {
    serverSocket = socket;
    server = new LinkConnection(
      socket,
      'server',
      settings({
        instance: 'srv',
        onOpen: (_l, channel, open) => {
          const rec = { channel, open, got: [] as Uint8Array[], closed: [] as CloseBody[] };
          opened.push(rec);
          return { onFrame: (b) => rec.got.push(b), onClosed: (c) => rec.closed.push(c) };
        },
        ...serverOver,
      }),
      'client',
    );
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  const client = new LinkConnection(
    connect(port, '127.0.0.1'),
    'client',
    settings({ instance: 'cli', ...clientOver }),
    `127.0.0.1:${port}`,
  );
  await until(() => (server as LinkConnection | undefined) !== undefined, 5000, 'accept');
  return {
    client,
    server,
    serverSocket,
    opened,
    close: async () => {
      client.close('test over');
      server.close('test over');
      await new Promise((r) => srv.close(r));
    },
  };
}

function recorder(): ChannelHandler & { got: Uint8Array[]; closed: CloseBody[] } {
  const got: Uint8Array[] = [];
  const closed: CloseBody[] = [];
  return { got, closed, onFrame: (b) => got.push(b), onClosed: (c) => closed.push(c) };
}

const OPEN: OpenBody = {
  realm: 'r',
  authid: 'joe',
  authrole: 'user',
  authmethod: 'ticket',
  authprovider: 'static',
  authextra: {},
  hello: {},
  peer: 'tcp4:127.0.0.1:1',
  type: 'websocket',
  serializer: 'json',
  tls: false,
};

test('link - channels open, carry frames both ways, and close from either side', async () => {
  const p = await pair();
  try {
    const h1 = recorder();
    const h2 = recorder();
    // Opened before the handshake finished: queued, then sent in order.
    const c1 = p.client.open(h1, OPEN);
    const c2 = p.client.open(h2, { ...OPEN, realm: 'r2' });
    assert.deepEqual([c1, c2], [1, 3]);
    await p.client.ready;
    p.client.send(FrameKind.MSG, c1, new Uint8Array([1]));
    await until(() => p.opened[0]?.got.length === 1, 5000, 'the first message');
    assert.equal(p.server.peerInstance, 'cli');
    assert.equal(p.client.peerInstance, 'srv');
    assert.deepEqual(
      p.opened.map((o) => [o.channel, o.open.realm, o.open.authid]),
      [
        [1, 'r', 'joe'],
        [3, 'r2', 'joe'],
      ],
    );
    assert.deepEqual([...p.opened[0]!.got[0]!], [1]);
    p.server.send(FrameKind.MSG, c2, new Uint8Array([2]));
    p.server.closeChannel(c1, { message: 'owner done' });
    await until(() => h2.got.length === 1 && h1.closed.length === 1, 5000, 'message and close');
    p.client.closeChannel(c2, { message: 'client gone' });
    await until(() => p.opened[1]!.closed.length === 1, 5000, 'close from the client');
    assert.deepEqual([...h2.got[0]!], [2]);
    assert.deepEqual(h1.closed, [{ message: 'owner done' }]);
    assert.deepEqual(p.opened[1]!.closed, [{ message: 'client gone' }]);
    assert.equal(p.client.channels.size, 0);
    assert.equal(p.server.channels.size, 0);
    // The link dropping closes what is open, with transport_lost.
    const h3 = recorder();
    p.client.open(h3, OPEN);
    await until(() => p.opened.length === 3, 5000, 'third channel');
    p.serverSocket.destroy();
    await until(() => h3.closed.length === 1, 5000, 'link down');
    assert.equal(h3.closed[0]?.reason, 'wamp.close.transport_lost');
    assert.equal(p.opened[2]!.closed[0]?.reason, 'wamp.close.transport_lost');
    assert.throws(() => p.client.open(recorder(), OPEN), /is down/);
  } finally {
    await p.close();
  }
});

test('link - a wrong secret is refused on both ends with a clear log line', async () => {
  const clientLog = captureLogger();
  const serverLog = captureLogger();
  const p = await pair({ secret: Buffer.from('wrong'), logger: clientLog }, { logger: serverLog });
  try {
    await assert.rejects(p.client.ready, /refused this instance: wrong cluster secret/);
    assert.equal(p.server.state, 'down');
    assert.match(
      String(serverLog.records[0]?.obj['reason']),
      /instance "cli" at client was refused: wrong cluster secret/,
    );
    assert.equal(clientLog.records[0]?.msg, 'cluster link refused');
  } finally {
    await p.close();
  }
});

test('link - a peer opening a channel on our numbering is a bad frame', async () => {
  const p = await pair();
  try {
    await p.client.ready;
    // The server opens channels with even IDs; an odd one from it breaks the link.
    p.server.send(FrameKind.OPEN, 5, encodeBody(OPEN));
    await until(() => p.client.state === 'down', 5000, 'link down');
    assert.equal(p.client.state, 'down');
  } finally {
    await p.close();
  }
});

test('link - a peer that stops reading makes the link close its channels, bounded', async () => {
  const p = await pair({ maxBufferedBytes: 256 * 1024 });
  try {
    await p.client.ready;
    const h = recorder();
    const ch = p.client.open(h, OPEN);
    p.serverSocket.pause();
    const chunk = new Uint8Array(64 * 1024);
    for (let i = 0; i < 1000 && p.client.state === 'up'; i++) {
      p.client.send(FrameKind.MSG, ch, chunk);
    }
    assert.equal(p.client.state, 'down');
    assert.match(String(h.closed[0]?.message), /overloaded: \d+ bytes wait to be sent/);
    assert.equal(h.closed[0]?.reason, 'wamp.close.transport_lost');
  } finally {
    await p.close();
  }
});
