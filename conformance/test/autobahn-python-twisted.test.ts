/**
 * Interop: Debian's autobahn-python 22.7.1, Twisted flavour (the stack Crossbar.io itself is
 * built on), against our router.
 *
 * Proves, for WebSocket and RawSocket × json, msgpack and cbor × anonymous and cryptosign,
 * plus ticket, wampcra, salted wampcra and cryptosign without authid on some of them, that
 * a real autobahn-python session: joins as the right principal; registers procedures and
 * calls its own and our client's with args and kwargs; gets WAMP errors with URI, args and
 * kwargs (the callee's and the router's `no_such_procedure`); receives progressive results
 * as caller and sends them as callee; publishes and receives events in both directions with
 * a `@cdc/client` session that speaks another serializer (so the router translates), with
 * caller and publisher disclosed; has its bytes survive the trip (JSON's `\0`-base64
 * included); shows up correctly in `wamp.session.get`; and leaves cleanly
 * (`wamp.session.on_leave`). Bad ticket, WAMP-CRA secret and cryptosign key are refused
 * with the ABORT reason the client reports. The scenario: conformance/peers/README.md.
 *
 * The router has one `universal` transport: WebSocket at `/ws` and RawSocket on one port.
 */
import { after, before, describe, it } from 'node:test';
import { authFor, rejectionFor, runRejected } from './lib/cells.js';
import type { AuthKind, Rejection } from './lib/cells.js';
import { autobahnPython, killPeers } from './lib/peers.js';
import type { Serializer } from './lib/peers.js';
import { authBlock, startRouter } from './lib/router.js';
import type { TestRouter } from './lib/router.js';
import { runScenario } from './lib/scenario.js';

const peer = autobahnPython('twisted');
const SERIALIZERS: Serializer[] = ['json', 'msgpack', 'cbor'];

let router: TestRouter;

before(async () => {
  if (peer.skip !== false) return;
  router = await startRouter((creds) => [
    {
      type: 'universal',
      id: 'main',
      endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' },
      rawsocket: { serializers: SERIALIZERS, auth: authBlock(creds) },
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
for (const t of ['websocket', 'rawsocket'] as const)
  for (const s of SERIALIZERS)
    for (const a of ['anonymous', 'cryptosign'] as const) rows.push([t, s, a]);
rows.push(
  ['websocket', 'json', 'ticket'],
  ['rawsocket', 'msgpack', 'ticket'],
  ['websocket', 'cbor', 'wampcra'],
  ['rawsocket', 'json', 'wampcra'],
  ['websocket', 'msgpack', 'wampcra-salted'],
  ['rawsocket', 'cbor', 'wampcra-salted'],
  ['rawsocket', 'cbor', 'cryptosign-by-key'],
);

const rejections: [Kind, Serializer, Rejection][] = [
  ['websocket', 'json', 'wrong-ticket'],
  ['rawsocket', 'msgpack', 'wrong-wampcra-secret'],
  ['websocket', 'cbor', 'unknown-cryptosign-key'],
];

describe('autobahn-python twisted', { concurrency: 3 }, () => {
  for (const [transport, serializer, kind] of rows) {
    const name = `autobahn-python twisted - ${transport} ${serializer} ${kind}: full scenario`;
    it(name, { skip: peer.skip }, async () => {
      const { auth, expect } = authFor(router.credentials, kind);
      await runScenario(name, {
        launcher: peer,
        counterpartUrl: router.url('main', '/ws'),
        params: { url: url(transport), serializer, auth },
        expect: { ...expect, transport, serializer, tls: false, binary: true },
      });
    });
  }
  for (const [transport, serializer, kind] of rejections) {
    const name = `autobahn-python twisted - ${transport} ${serializer} ${kind}: refused`;
    it(name, { skip: peer.skip }, async () => {
      const { auth, reason } = rejectionFor(router.credentials, kind);
      await runRejected(name, peer, { url: url(transport), serializer, auth }, reason);
    });
  }
});
