/**
 * Interop: npm `autobahn` 26.x (autobahn-js) against our router.
 *
 * autobahn-js 26 uses the runtime's global WebSocket (Node ≥ 22, or Node 20 with
 * `--experimental-websocket`) and tweetnacl for cryptosign; its RawSocket transport is
 * Node-only and JSON-only. Proves, over WebSocket with json, msgpack and cbor and over
 * RawSocket with json, for anonymous, cryptosign (key pair built from the seed with
 * `nacl.sign.keyPair.fromSeed`), ticket and wampcra (plain and salted, keys derived by
 * crypto-js): the scenario of conformance/peers/README.md (RPC both ways with args and
 * kwargs, WAMP errors, progressive results both ways — autobahn-js callees announce
 * `progressive_call_results` but not `call_canceling` — pub/sub both ways with disclosure,
 * `wamp.session.get`, clean leave), and that bad credentials are refused with the reason
 * autobahn-js reports.
 *
 * The router has one `universal` transport: WebSocket at `/ws`, RawSocket on the same port.
 */
import { after, before, describe, it } from 'node:test';
import { authFor, rejectionFor, runRejected } from './lib/cells.js';
import type { AuthKind, Rejection } from './lib/cells.js';
import { autobahnJs, killPeers } from './lib/peers.js';
import type { Serializer } from './lib/peers.js';
import { authBlock, startRouter } from './lib/router.js';
import type { TestRouter } from './lib/router.js';
import { runScenario } from './lib/scenario.js';

const peer = autobahnJs();
const SERIALIZERS: Serializer[] = ['json', 'msgpack', 'cbor'];

let router: TestRouter;

before(async () => {
  router = await startRouter((creds) => [
    {
      type: 'universal',
      id: 'main',
      endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' },
      rawsocket: { serializers: ['json'], auth: authBlock(creds) },
      websocket: { ws: { serializers: SERIALIZERS, auth: authBlock(creds) } },
    },
  ]);
});

after(async () => {
  killPeers();
  await (router as TestRouter | undefined)?.stop(); // undefined when skipped
});

type Kind = 'websocket' | 'rawsocket';
const url = (t: Kind): string =>
  t === 'websocket' ? router.url('main', '/ws') : router.url('main');

const rows: [Kind, Serializer, AuthKind][] = [];
for (const s of SERIALIZERS)
  for (const a of ['anonymous', 'cryptosign'] as const) rows.push(['websocket', s, a]);
rows.push(
  ['websocket', 'json', 'ticket'],
  ['websocket', 'cbor', 'wampcra'],
  ['websocket', 'msgpack', 'wampcra-salted'],
  ['rawsocket', 'json', 'anonymous'],
  ['rawsocket', 'json', 'cryptosign'],
);

const rejections: [Kind, Serializer, Rejection][] = [
  ['websocket', 'json', 'wrong-ticket'],
  ['websocket', 'msgpack', 'wrong-wampcra-secret'],
  ['websocket', 'cbor', 'unknown-cryptosign-key'],
];

describe('autobahn-js', { concurrency: 4 }, () => {
  for (const [transport, serializer, kind] of rows) {
    const name = `autobahn-js - ${transport} ${serializer} ${kind}: full scenario`;
    it(name, async () => {
      const { auth, expect } = authFor(router.credentials, kind);
      await runScenario(name, {
        launcher: peer,
        counterpartUrl: router.url('main', '/ws'),
        params: { url: url(transport), serializer, auth },
        expect: { ...expect, transport, serializer, tls: false, binary: false },
      });
    });
  }
  for (const [transport, serializer, kind] of rejections) {
    const name = `autobahn-js - ${transport} ${serializer} ${kind}: refused`;
    it(name, async () => {
      const { auth, reason } = rejectionFor(router.credentials, kind);
      await runRejected(name, peer, { url: url(transport), serializer, auth }, reason);
    });
  }
});
