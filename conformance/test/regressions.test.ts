/**
 * Minimal reproductions, without third-party clients, of bugs the interop suite found (all
 * fixed), so a regression shows in isolation:
 *
 * 1. wampy 8 over msgpack/cbor sends `SUBSCRIBE.Options {match: undefined, get_retained:
 *    undefined}`; our decoders keep the `undefined` values and `decodeMessage` rejects them
 *    as a protocol violation instead of treating the keys as absent.
 * 2. A Crossbar.io `"type": "websocket"` transport answers HTTP 404 to every WebSocket
 *    upgrade except one to the literal path "/*".
 * 3. The router side of a TLS connection computes the tls-unique channel ID only the RFC 5929
 *    way (client's Finished), never the one autobahn-python/Twisted and Crossbar.io use
 *    (server's Finished), although the router would accept it as `channelIdAlternates`.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { joinSession } from '@cdc/client';
import { MessageType, cborSerializer, decodeMessage, msgpackSerializer } from '@cdc/protocol';
import type { TransportInfo } from '@cdc/protocol';
import { RouterHost } from '@cdc/router-host';
import { connect, listen } from '@cdc/transport';
import { hasOpenssl, realmConfig, selfSignedCert } from './lib/router.js';

const dir = mkdtempSync(join(tmpdir(), 'cdc-conformance-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('protocol - SUBSCRIBE.Options keys whose value is undefined count as absent (wampy over msgpack and cbor)', () => {
  // [32, 1, {match: undefined, get_retained: undefined}, "com.x"] as msgpackr and cbor-x
  // (wampy's serializers) encode it.
  const wire = [
    [
      msgpackSerializer,
      '942001de0002a56d61746368d40000ac6765745f72657461696e6564d40000a5636f6d2e78',
    ],
    [cborSerializer, '84182001b90002656d61746368f76c6765745f72657461696e6564f765636f6d2e78'],
  ] as const;
  for (const [serializer, hex] of wire) {
    const msg = decodeMessage(serializer.unserialize(Buffer.from(hex, 'hex')));
    assert.equal(msg.type, MessageType.SUBSCRIBE, serializer.id);
  }
});

test('router-host - a "websocket" transport accepts WebSocket clients at any path', async () => {
  const host = new RouterHost({ baseDir: dir });
  await host.start({
    type: 'router',
    realms: [realmConfig()],
    transports: [
      { type: 'websocket', id: 'ws', endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' } },
    ],
  });
  try {
    for (const path of ['/ws', '/']) {
      const session = await joinSession(await connect(host.transportUrl('ws', path)), {
        realm: 'realm1',
      });
      await session.leave();
    }
  } finally {
    await host.stop();
  }
});

test(
  'transport - a TLS connection offers the tls-unique channel ID of autobahn-python/Twisted too',
  {
    skip: hasOpenssl() ? false : 'the openssl CLI is missing',
  },
  async () => {
    const { key, cert } = selfSignedCert(dir);
    let serverInfo!: (info: TransportInfo) => void;
    const seen = new Promise<TransportInfo>((resolve) => (serverInfo = resolve));
    const listener = await listen({
      endpoint: {
        type: 'tcp',
        host: '127.0.0.1',
        port: 0,
        tls: { key: readFileSync(key), cert: readFileSync(cert) },
      },
      rawsocket: {},
      onTransport: (t) => serverInfo(t.info),
    });
    try {
      const client = await connect(listener.url().replace('127.0.0.1', 'localhost'), {
        tls: { ca: readFileSync(cert) },
      });
      const socket = (client as unknown as { rawSocket: TLSSocket }).rawSocket;
      const sha = (b: Buffer | undefined): string =>
        createHash('sha256')
          .update(b ?? Buffer.alloc(0))
          .digest('hex');
      const hex = (id: Uint8Array | undefined): string => Buffer.from(id ?? []).toString('hex');
      const info = await seen;
      // RFC 5929 (autobahn asyncio, our client): the client's Finished. This part holds.
      assert.equal(hex(info.channelId), sha(socket.getFinished()));
      // autobahn-python/Twisted and Crossbar.io: the server's Finished.
      assert.ok(
        (info.channelIdAlternates ?? []).map(hex).includes(sha(socket.getPeerFinished())),
        'the server-Finished channel ID is among channelIdAlternates',
      );
      client.close();
    } finally {
      await listener.close();
    }
  },
);
