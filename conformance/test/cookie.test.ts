/**
 * Cookie authentication with a real client: autobahn-python (Twisted) logs in with a
 * ticket, keeps the `cbtid` cookie our router set in the WebSocket handshake, and on a
 * second connection carrying it is welcomed by `cookie` as the same principal (authmethod
 * `ticket`, authprovider `cookie`). A tampered cookie is refused with no_auth_method.
 * The peer: conformance/peers/python/cookie_peer.py (autobahn's low-level API, since its
 * Component cannot send headers).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { RouterHost } from '@cdc/router-host';
import {
  CONFORMANCE_DIR,
  PYTHON,
  autobahnPython,
  describeRun,
  killPeers,
  runPeer,
} from './lib/peers.js';
import type { PeerLauncher } from './lib/peers.js';

const skip = autobahnPython('twisted').skip;
const peer: PeerLauncher = {
  name: 'autobahn-python/cookie',
  command: PYTHON,
  args: [`${CONFORMANCE_DIR}peers/python/cookie_peer.py`],
  skip,
};
let host: RouterHost;

before(async () => {
  host = new RouterHost();
  await host.start({
    type: 'router',
    realms: [{ name: 'realm1', roles: [{ name: 'user', permissions: [] }] }],
    transports: [
      {
        type: 'websocket',
        id: 'ws',
        endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' },
        cookie: { name: 'cbtid', max_age: 600 },
        auth: {
          cookie: {},
          ticket: { type: 'static', principals: { joe: { ticket: 's3cr3t', role: 'user' } } },
        },
      },
    ],
  });
});
after(async () => {
  killPeers();
  await host.stop();
});

const args = (extra: string[] = []): string[] => [
  '--url',
  host.transportUrl('ws', '/ws'),
  '--authid',
  'joe',
  '--ticket',
  's3cr3t',
  ...extra,
];

test(
  'cookie - autobahn-python: ticket first, then the cookie alone on a second connection',
  { skip },
  async () => {
    const run = await runPeer(peer, args());
    const why = describeRun(run);
    const joined = run.lines.filter((l) => l.kind === 'joined');
    assert.equal(joined.length, 2, why);
    assert.deepEqual(joined[0], {
      kind: 'joined',
      authid: 'joe',
      authrole: 'user',
      authmethod: 'ticket',
      authprovider: 'static',
    });
    assert.deepEqual(joined[1], {
      kind: 'joined',
      authid: 'joe',
      authrole: 'user',
      authmethod: 'ticket',
      authprovider: 'cookie',
    });
  },
);

test('cookie - autobahn-python: a tampered cookie is refused', { skip }, async () => {
  const run = await runPeer(peer, args(['--tamper']));
  const why = describeRun(run);
  assert.equal(run.lines.filter((l) => l.kind === 'joined').length, 1, why);
  const refused = run.lines.find(
    (l) => l.kind === 'left' && l['reason'] === 'wamp.error.no_auth_method',
  );
  assert.ok(refused, why);
  assert.match(String(refused['message']), /not known here/);
});
