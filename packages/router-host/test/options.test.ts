/**
 * Crossbar.io transport keys doing what they say, over real sockets: `dhparam` and
 * `ciphers` (the negotiated TLS 1.2 cipher), `shared` (SO_REUSEPORT where Node can set it,
 * a clear refusal where it cannot), `compression.deflate` settings (the negotiated
 * extension), `allowed_origins`, `debug` (messages logged), and a `websocket` web service
 * started and stopped live on a running Web transport.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { readFileSync } from 'node:fs';
import { joinSession } from '@cdc/client';
import { WampError } from '@cdc/protocol';
import { captureLogger, makeDhParams, makeTestPki } from '@cdc/testkit';
import type { TestPki } from '@cdc/testkit';
import { ConnectError, connect } from '@cdc/transport';
import { RouterHost } from '../src/index.js';
import { canSharePorts } from '../src/tls.js';

let dir: string;
let pki: TestPki;
let dh: string;
const hosts: RouterHost[] = [];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cdc-options-'));
  pki = makeTestPki(dir);
  dh = makeDhParams(dir);
});
after(async () => {
  for (const h of hosts) await h.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function host(
  transports: unknown[],
  logger?: ReturnType<typeof captureLogger>,
): Promise<RouterHost> {
  const h = new RouterHost({ baseDir: dir, ...(logger !== undefined ? { logger } : {}) });
  hosts.push(h);
  await h.start({ type: 'router', realms: [{ name: 'realm1' }], transports: transports as never });
  return h;
}

test('options - dhparam and ciphers: a TLS 1.2 client negotiates the configured DHE cipher', async () => {
  const h = await host([
    {
      type: 'rawsocket',
      id: 'rs',
      endpoint: {
        type: 'tcp',
        port: 0,
        interface: '127.0.0.1',
        tls: {
          key: pki.server.key,
          certificate: pki.server.cert,
          dhparam: dh,
          ciphers: 'DHE-RSA-AES128-GCM-SHA256',
        },
      },
    },
  ]);
  const port = Number(new URL(h.transportUrl('rs')).port);
  const cipher = await new Promise<string>((resolve, reject) => {
    const s = tlsConnect(
      {
        host: '127.0.0.1',
        port,
        servername: 'localhost',
        ca: readFileSync(pki.ca.cert),
        maxVersion: 'TLSv1.2',
      },
      () => {
        const c = s.getCipher().name;
        const eph = s.getEphemeralKeyInfo();
        s.end();
        resolve(`${c} ${eph && 'type' in eph ? eph.type : ''}`);
      },
    );
    s.on('error', reject);
  });
  assert.equal(cipher, 'DHE-RSA-AES128-GCM-SHA256 DH');
});

test('options - shared: two transports on one port where Node can, else a clear refusal', async () => {
  const ep = { type: 'tcp', port: 0, interface: '127.0.0.1', shared: true };
  if (canSharePorts()) {
    const a = await host([{ type: 'rawsocket', id: 'a', endpoint: ep }]);
    const port = Number(new URL(a.transportUrl('a')).port);
    const b = await host([{ type: 'rawsocket', id: 'b', endpoint: { ...ep, port } }]);
    assert.equal(new URL(b.transportUrl('b')).port, String(port));
  } else {
    await assert.rejects(
      host([{ type: 'rawsocket', id: 'a', endpoint: ep }]),
      (e: unknown) =>
        e instanceof WampError &&
        e.uri === 'crossbar.error.invalid_configuration' &&
        /endpoint\.shared/.test(String(e.args[0])),
    );
  }
});

test('options - compression.deflate settings are what the WebSocket negotiates', async () => {
  const h = await host([
    {
      type: 'websocket',
      id: 'ws',
      endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' },
      options: { compression: { deflate: { max_window_bits: 10, no_context_takeover: true } } },
    },
  ]);
  const t = await connect(h.transportUrl('ws', '/ws'), { perMessageDeflate: true });
  const ext = t.info.httpHeaders?.['sec-websocket-extensions'] ?? '';
  assert.match(ext, /permessage-deflate/);
  assert.match(ext, /server_no_context_takeover/);
  assert.match(ext, /server_max_window_bits=10/);
  const s = await joinSession(t, { realm: 'realm1' });
  await s.leave();
});

test('options - allowed_origins refuses other browser origins; debug logs the messages', async () => {
  const log = captureLogger();
  const h = await host(
    [
      {
        type: 'websocket',
        id: 'ws',
        endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' },
        debug: true,
        options: { allowed_origins: ['https://*.example.com'], allow_null_origin: false },
      },
    ],
    log,
  );
  const url = h.transportUrl('ws', '/ws');
  for (const origin of ['https://evil.org', 'null']) {
    await assert.rejects(
      connect(url, { headers: { Origin: origin } }),
      (e: unknown) => e instanceof ConnectError && /403/.test(e.message),
    );
  }
  const s = await joinSession(
    await connect(url, { headers: { Origin: 'https://app.example.com' } }),
    { realm: 'realm1' },
  );
  await s.leave();
  assert.ok(
    log.records.some((r) => r.msg === 'WAMP message received'),
    'debug logs incoming messages',
  );
  assert.ok(
    log.records.some((r) => r.msg === 'WAMP message sent'),
    'and outgoing ones',
  );
});

test('options - a websocket web service starts and stops live', async () => {
  const h = await host([
    {
      type: 'web',
      id: 'web',
      endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' },
      paths: { '/': { type: 'nodeinfo' } },
    },
  ]);
  const url = h.transportUrl('web', '/live');
  await assert.rejects(connect(url), ConnectError);
  await h.startWebService('web', 'live', { type: 'websocket', serializers: ['json'] });
  const s = await joinSession(await connect(url), { realm: 'realm1' });
  assert.equal(s.realm, 'realm1');
  await s.leave();
  h.stopWebService('web', 'live');
  await assert.rejects(connect(url), ConnectError);
});
