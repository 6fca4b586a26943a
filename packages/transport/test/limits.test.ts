/**
 * A listener's limits before any WAMP is spoken (`limits.ts`): the opening-handshake
 * deadline's default, connections per source address still in their handshake, and the
 * TLS floor. Real sockets on 127.0.0.1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tlsConnect } from 'node:tls';
import { encodeHandshake } from '@cdc/protocol';
import {
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_MAX_PENDING_PER_ADDRESS,
  connectRawSocket,
  connectWebSocket,
  listen,
} from '../src/index.js';
import { RawClient, Recorder, hasOpenssl, selfSignedCert, tempDir } from './helpers.js';

test('limits - the defaults: a 10 s handshake deadline, 256 connections per address in it', () => {
  assert.equal(DEFAULT_HANDSHAKE_TIMEOUT_MS, 10_000);
  assert.equal(DEFAULT_MAX_PENDING_PER_ADDRESS, 256);
});

test('limits - connections still in their opening handshake are capped per source address', async () => {
  const l = await listen({
    endpoint: { type: 'tcp', host: '127.0.0.1', port: 0 },
    websocket: { '/ws': {} },
    rawsocket: {},
    maxPendingPerAddress: 2,
    onTransport(t) {
      new Recorder(t);
    },
  });
  const port = (l.address as { port: number }).port;
  try {
    const a = await RawClient.open({ port });
    const b = await RawClient.open({ port });
    // The third is dropped at once, with nothing sent.
    const c = await RawClient.open({ port });
    assert.equal((await c.readAll(2000)).length, 0);
    // One finishes its RawSocket handshake: it is a transport now, and there is room again.
    a.write(encodeHandshake(1, 15));
    await a.read(4);
    const t = await connectRawSocket({ port }, { timeoutMs: 2000 });
    const ws = await connectWebSocket(l.url('/ws'));
    assert.equal(t.isOpen && ws.isOpen, true);
    t.close();
    ws.close();
    // One that gives up frees its place too.
    b.destroy();
    a.destroy();
  } finally {
    await l.close();
  }
});

test(
  'limits - TLS below 1.2 is refused, 1.2 and 1.3 are spoken',
  { skip: hasOpenssl() ? false : 'the openssl CLI is not installed' },
  async () => {
    const dir = tempDir();
    const cert = selfSignedCert(dir.path);
    const l = await listen({
      endpoint: { type: 'tcp', host: '127.0.0.1', port: 0, tls: cert },
      http(_req, res) {
        res.end('ok');
      },
      onTransport() {},
    });
    const port = (l.address as { port: number }).port;
    const handshake = (options: object): Promise<string> =>
      new Promise((resolve, reject) => {
        const s = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...options });
        s.once('secureConnect', () => {
          resolve(s.getProtocol() ?? '');
          s.destroy();
        });
        s.once('error', reject);
      });
    try {
      await assert.rejects(
        handshake({ minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }),
      );
      assert.equal(await handshake({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' }), 'TLSv1.2');
      assert.equal(await handshake({}), 'TLSv1.3');
    } finally {
      await l.close();
      dir.remove();
    }
  },
);
