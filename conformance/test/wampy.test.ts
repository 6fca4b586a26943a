/**
 * Interop: npm `wampy` 8.x against our router, over WebSocket (package `ws` as wampy's
 * WebSocket class in Node).
 *
 * wampy is the strictest reader of WELCOME (it dereferences `roles.<role>.features` and only
 * uses progressive results, cancel and PPT when the router announces them), sends no
 * authmethods for anonymous, needs `authextra.pubkey` for cryptosign (`wampy/cryptosign.js`
 * signs), and its callees announce neither `progressive_call_results` nor `call_canceling`.
 * Proves the scenario of conformance/peers/README.md with json × anonymous, cryptosign,
 * ticket, wampcra and salted wampcra, with msgpack (msgpackr 2: every uint64, e.g. a session
 * ID, arrives as a BigInt) and cbor (cbor-x), and that bad credentials are refused.
 *
 * The router has one `web` transport with the WebSocket service at `/ws`.
 */
import { after, before, describe, it } from 'node:test';
import { authFor, rejectionFor, runRejected } from './lib/cells.js';
import type { AuthKind, Rejection } from './lib/cells.js';
import { killPeers, wampy } from './lib/peers.js';
import type { Serializer } from './lib/peers.js';
import { authBlock, startRouter } from './lib/router.js';
import type { TestRouter } from './lib/router.js';
import { runScenario } from './lib/scenario.js';

const peer = wampy();
const SERIALIZERS: Serializer[] = ['json', 'msgpack', 'cbor'];

let router: TestRouter;

before(async () => {
  router = await startRouter((creds) => [
    {
      type: 'web',
      id: 'web',
      endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' },
      paths: {
        '/': { type: 'json', value: { hello: 'conformance' } },
        ws: { type: 'websocket', serializers: SERIALIZERS, auth: authBlock(creds) },
      },
    },
  ]);
});

after(async () => {
  killPeers();
  await (router as TestRouter | undefined)?.stop(); // undefined when skipped
});

// A SUBSCRIBE without options from wampy carries `{match: undefined, get_retained: undefined}`
// over msgpack and cbor (JSON drops such keys); the router treats them as absent.
const rows: {
  serializer: Serializer;
  kind: AuthKind;
  explicit?: boolean;
}[] = [
  { serializer: 'json', kind: 'anonymous' },
  { serializer: 'json', kind: 'cryptosign' },
  { serializer: 'json', kind: 'ticket' },
  { serializer: 'json', kind: 'wampcra' },
  { serializer: 'json', kind: 'wampcra-salted' },
  { serializer: 'msgpack', kind: 'anonymous' },
  { serializer: 'cbor', kind: 'anonymous' },
  // The same serializers with subscribe options spelled out, so nothing is `undefined`.
  { serializer: 'msgpack', kind: 'cryptosign', explicit: true },
  { serializer: 'cbor', kind: 'ticket', explicit: true },
];

const rejections: [Serializer, Rejection][] = [
  ['json', 'wrong-ticket'],
  ['json', 'wrong-wampcra-secret'],
  ['json', 'unknown-cryptosign-key'],
];

describe('wampy', { concurrency: 4 }, () => {
  for (const { serializer, kind, explicit = false } of rows) {
    const name = `wampy - websocket ${serializer} ${kind}${explicit ? ' (explicit subscribe options)' : ''}: full scenario`;
    it(name, async () => {
      const { auth, expect } = authFor(router.credentials, kind);
      await runScenario(name, {
        launcher: peer,
        counterpartUrl: router.url('web', '/ws'),
        params: { url: router.url('web', '/ws'), serializer, auth },
        expect: { ...expect, transport: 'websocket', serializer, tls: false, binary: false },
        extraArgs: explicit ? ['--explicit-subscribe-options'] : [],
      });
    });
  }
  for (const [serializer, kind] of rejections) {
    const name = `wampy - websocket ${serializer} ${kind}: refused`;
    it(name, async () => {
      const { auth, reason } = rejectionFor(router.credentials, kind);
      await runRejected(name, peer, { url: router.url('web', '/ws'), serializer, auth }, reason);
    });
  }
});
