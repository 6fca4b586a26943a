/**
 * Interop: Debian's autobahn-python 22.7.1, asyncio flavour, against our router.
 *
 * Proves the same scenario as the Twisted file (conformance/peers/README.md: RPC both ways
 * with args and kwargs, errors, progressive results both ways, pub/sub both ways, bytes,
 * `wamp.session.get`, clean leave) for the asyncio code paths of autobahn-python, whose
 * WebSocket and RawSocket protocols, serializer negotiation and cryptosign signing are
 * separate implementations from Twisted's. Here the router runs a `web` transport with a
 * WebSocket path and a plain `rawsocket` transport (not `universal`), so those listener
 * types are covered too, and a plain `websocket` transport (which takes any path).
 *
 * Note: autobahn 22.7.1's `autobahn.asyncio.component.run()` does not work on Python 3.11
 * (it uses the removed `@asyncio.coroutine`); the peer drives `Component.start()` itself.
 */
import { after, before, describe, it } from 'node:test';
import { authFor, rejectionFor, runRejected } from './lib/cells.js';
import type { AuthKind } from './lib/cells.js';
import { autobahnPython, killPeers } from './lib/peers.js';
import type { Serializer } from './lib/peers.js';
import { authBlock, startRouter } from './lib/router.js';
import type { TestRouter } from './lib/router.js';
import { runScenario } from './lib/scenario.js';

const peer = autobahnPython('asyncio');
const SERIALIZERS: Serializer[] = ['json', 'msgpack', 'cbor'];

let router: TestRouter;

before(async () => {
  if (peer.skip !== false) return;
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
    {
      type: 'websocket',
      id: 'ws',
      endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' },
      serializers: SERIALIZERS,
      auth: authBlock(creds),
    },
    {
      type: 'rawsocket',
      id: 'rs',
      endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' },
      serializers: SERIALIZERS,
      auth: authBlock(creds),
    },
  ]);
});

after(async () => {
  killPeers();
  await (router as TestRouter | undefined)?.stop(); // undefined when skipped
});

type Kind = 'websocket' | 'rawsocket';
const url = (t: Kind): string => (t === 'websocket' ? router.url('web', '/ws') : router.url('rs'));

const rows: [Kind, Serializer, AuthKind][] = [
  ['websocket', 'json', 'cryptosign'],
  ['websocket', 'json', 'anonymous'],
  ['websocket', 'msgpack', 'anonymous'],
  ['websocket', 'cbor', 'cryptosign'],
  ['rawsocket', 'json', 'anonymous'],
  ['rawsocket', 'msgpack', 'cryptosign'],
  ['rawsocket', 'cbor', 'ticket'],
  ['websocket', 'msgpack', 'wampcra-salted'],
];

describe('autobahn-python asyncio', { concurrency: 3 }, () => {
  for (const [transport, serializer, kind] of rows) {
    const name = `autobahn-python asyncio - ${transport} ${serializer} ${kind}: full scenario`;
    it(name, { skip: peer.skip }, async () => {
      const { auth, expect } = authFor(router.credentials, kind);
      await runScenario(name, {
        launcher: peer,
        counterpartUrl: router.url('web', '/ws'),
        params: { url: url(transport), serializer, auth },
        expect: { ...expect, transport, serializer, tls: false, binary: true },
      });
    });
  }
  it(
    'autobahn-python asyncio - websocket json unknown-cryptosign-key: refused',
    { skip: peer.skip },
    async () => {
      const { auth, reason } = rejectionFor(router.credentials, 'unknown-cryptosign-key');
      await runRejected(
        'asyncio unknown key',
        peer,
        { url: url('websocket'), serializer: 'json', auth },
        reason,
      );
    },
  );

  // A `"type": "websocket"` transport takes WebSocket clients at any path, as Crossbar.io's.
  it(
    'autobahn-python asyncio - plain websocket transport json anonymous: full scenario',
    {
      skip: peer.skip,
    },
    async () => {
      const name = 'asyncio plain websocket transport';
      const { auth, expect } = authFor(router.credentials, 'anonymous');
      await runScenario(name, {
        launcher: peer,
        counterpartUrl: router.url('web', '/ws'),
        params: { url: router.url('ws', '/ws'), serializer: 'json', auth },
        expect: { ...expect, transport: 'websocket', serializer: 'json', tls: false, binary: true },
      });
    },
  );
});
