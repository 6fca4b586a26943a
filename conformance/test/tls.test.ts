/**
 * Interop over TLS: third-party clients against a router whose endpoint has
 * `tls: {key, certificate}` (a self-signed certificate made with the openssl CLI, which the
 * clients are told to trust).
 *
 * Proves the full scenario of conformance/peers/README.md over `wss://` and `rss://`
 * (RawSocket over TLS), that `wamp.session.get` reports `is_secure`, and cryptosign with
 * `channel_binding: 'tls-unique'`: the client signs challenge XOR SHA-256(TLS Finished), so
 * the router must compute the same channel ID as the client. autobahn-python's two flavours
 * disagree on which Finished message that is (packages/cryptosign/src/channel-binding.ts):
 * - Twisted (and so Crossbar.io) hashes the SERVER's Finished message;
 * - asyncio uses Python's `ssl` `get_channel_binding('tls-unique')`, RFC 5929: the first
 *   Finished of the handshake, the client's (Python 3.11's `ssl` gives it on TLS 1.3 too).
 * Each is run on TLS 1.2 and on the default (1.3), over wss:// and rss://.
 * autobahn-js and wampy do no channel binding; they run cryptosign and ticket over `wss://`
 * trusting the certificate through NODE_EXTRA_CA_CERTS.
 */
import { after, before, describe, it } from 'node:test';
import { authFor } from './lib/cells.js';
import type { AuthKind } from './lib/cells.js';
import { autobahnJs, autobahnPython, killPeers, wampy } from './lib/peers.js';
import type { PeerLauncher, Serializer } from './lib/peers.js';
import { authBlock, hasOpenssl, selfSignedCert, startRouter } from './lib/router.js';
import type { TestRouter } from './lib/router.js';
import { runScenario } from './lib/scenario.js';

const SERIALIZERS: Serializer[] = ['json', 'msgpack', 'cbor'];
const twisted = autobahnPython('twisted');
const asyncio = autobahnPython('asyncio');
const noOpenssl = hasOpenssl() ? false : 'the openssl CLI is missing';

let router: TestRouter;
let cafile: string;

before(async () => {
  if (noOpenssl !== false) return;
  router = await startRouter((creds, dir) => {
    const { key, cert } = selfSignedCert(dir);
    cafile = cert;
    return [
      {
        type: 'universal',
        id: 'tls',
        endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1', tls: { key, certificate: cert } },
        rawsocket: { serializers: SERIALIZERS, auth: authBlock(creds) },
        websocket: { ws: { serializers: SERIALIZERS, auth: authBlock(creds) } },
      },
      // Where our counterpart session connects.
      {
        type: 'universal',
        id: 'plain',
        endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' },
        websocket: { ws: { serializers: SERIALIZERS } },
      },
    ];
  });
});

after(async () => {
  killPeers();
  await (router as TestRouter | undefined)?.stop(); // undefined when skipped
});

// The URLs name the host the certificate is for.
const wss = (): string => router.url('tls', '/ws').replace('127.0.0.1', 'localhost');
const rss = (): string => router.url('tls').replace('127.0.0.1', 'localhost');

interface Row {
  launcher: PeerLauncher;
  transport: 'websocket' | 'rawsocket';
  serializer: Serializer;
  kind: AuthKind;
  tlsMax?: '1.2' | '1.3';
}

const withCa = (l: PeerLauncher): PeerLauncher => ({
  ...l,
  get env() {
    return { NODE_EXTRA_CA_CERTS: cafile };
  },
});

// autobahn-python on Twisted (and Crossbar.io) binds tls-unique to the server's Finished,
// asyncio to the client's (RFC 5929); the router accepts both (`channelIdAlternates`).
const rows: Row[] = [
  {
    launcher: twisted,
    transport: 'websocket',
    serializer: 'json',
    kind: 'cryptosign-tls-unique',
  },
  {
    launcher: twisted,
    transport: 'websocket',
    serializer: 'cbor',
    kind: 'cryptosign-tls-unique',
    tlsMax: '1.2',
  },
  {
    launcher: twisted,
    transport: 'rawsocket',
    serializer: 'msgpack',
    kind: 'cryptosign-tls-unique',
  },
  // Twisted over TLS without channel binding.
  { launcher: twisted, transport: 'websocket', serializer: 'msgpack', kind: 'anonymous' },
  { launcher: twisted, transport: 'rawsocket', serializer: 'json', kind: 'cryptosign' },
  // asyncio binds to the client's Finished, as the router does (Python's ssl gives
  // tls-unique on TLS 1.3 too).
  { launcher: asyncio, transport: 'websocket', serializer: 'json', kind: 'cryptosign-tls-unique' },
  {
    launcher: asyncio,
    transport: 'websocket',
    serializer: 'msgpack',
    kind: 'cryptosign-tls-unique',
    tlsMax: '1.2',
  },
  {
    launcher: asyncio,
    transport: 'rawsocket',
    serializer: 'cbor',
    kind: 'cryptosign-tls-unique',
    tlsMax: '1.2',
  },
  { launcher: asyncio, transport: 'websocket', serializer: 'cbor', kind: 'wampcra-salted' },
  {
    launcher: withCa(autobahnJs()),
    transport: 'websocket',
    serializer: 'json',
    kind: 'cryptosign',
  },
  { launcher: withCa(wampy()), transport: 'websocket', serializer: 'json', kind: 'ticket' },
];

describe('tls', { concurrency: 3 }, () => {
  for (const row of rows) {
    const { launcher, transport, serializer, kind, tlsMax } = row;
    const name = `tls - ${launcher.name} ${transport === 'websocket' ? 'wss' : 'rss'} ${serializer} ${kind}${tlsMax !== undefined ? ` TLS ${tlsMax}` : ''}: full scenario`;
    const skip = launcher.skip !== false ? launcher.skip : noOpenssl;
    it(name, { skip }, async () => {
      const { auth, expect } = authFor(router.credentials, kind);
      await runScenario(name, {
        launcher,
        counterpartUrl: router.url('plain', '/ws'),
        params: {
          url: transport === 'websocket' ? wss() : rss(),
          serializer,
          auth,
          cafile,
          ...(tlsMax !== undefined ? { tlsMax } : {}),
        },
        expect: {
          ...expect,
          transport,
          serializer,
          tls: true,
          binary: launcher.name.startsWith('autobahn-python'),
        },
      });
    });
  }
});
