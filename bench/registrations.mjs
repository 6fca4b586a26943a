#!/usr/bin/env node
// The center's router cost per registration (issue 16), in one process without sockets:
// a realm set up as a management realm is (a node role whose permissions name the node's
// own `{authid}` prefix, a trusted session subscribed to the session meta events as the
// realm backend is), N simulated nodes joining over in-memory transports (CBOR, serialized
// for real) and registering a Crossbar.io edge's 52 procedures one at a time. Figures only.
//
//   node bench/registrations.mjs [--nodes=500] [--procedures=52] [--rounds=3]
//
// CPU time (process.cpuUsage) over the registrations only, per registration (best and median
// of the rounds): the router's
// and our client's JavaScript together (the client's part is the same before and after a
// router change), without the socket writes a real registration also costs.
import { joinSession } from '@cdc/client';
import { Router } from '@cdc/router';
import { createMemoryPair } from '@cdc/transport';
import { parseFlags } from './lib/cli.mjs';

const flags = parseFlags();
const NODES = Number(flags.nodes ?? 500);
const PROCEDURES = Number(flags.procedures ?? 52);
const ROUNDS = Number(flags.rounds ?? 3);
const PREFIX = 'crossbarfabriccenter.node.';
const REALM = 'fleet';

function setup() {
  const router = new Router();
  router.addRealm({
    name: REALM,
    roles: [
      {
        name: 'cdc-node',
        permissions: [
          {
            uri: `${PREFIX}{authid}.`,
            match: 'prefix',
            allow: { call: false, register: true, publish: false, subscribe: false },
            disclose: { caller: false, publisher: false },
            cache: true,
          },
          {
            uri: 'crossbarfabriccenter.mrealm.get_status',
            match: 'exact',
            allow: { call: true, register: false, publish: false, subscribe: false },
            disclose: { caller: true, publisher: false },
            cache: true,
          },
        ],
      },
      {
        name: 'backend',
        permissions: [
          {
            uri: 'wamp.',
            match: 'prefix',
            allow: { call: true, register: false, publish: false, subscribe: true },
            disclose: { caller: false, publisher: false },
            cache: true,
          },
        ],
      },
    ],
  });
  return router;
}

async function join(router, role) {
  const [client, server] = createMemoryPair({ serializer: 'cbor' });
  router.accept(server, { auth: { anonymous: { type: 'static', role } } });
  return joinSession(client, { realm: REALM });
}

async function round() {
  const router = setup();
  // The realm backend follows the session meta events: the realm has subscriptions.
  const backend = await join(router, 'backend');
  for (const t of ['wamp.session.on_join', 'wamp.session.on_leave'])
    await backend.subscribe(t, () => undefined);
  const nodes = [];
  for (let i = 0; i < NODES; i++) nodes.push(await join(router, 'cdc-node'));
  const t = process.cpuUsage();
  await Promise.all(
    nodes.map(async (s) => {
      for (let p = 0; p < PROCEDURES; p++)
        await s.register(`${PREFIX}${s.authid}.procedure_${p}`, () => null);
    }),
  );
  const u = process.cpuUsage(t);
  await Promise.all([backend, ...nodes].map((s) => s.leave().catch(() => undefined)));
  return (u.user + u.system) / (NODES * PROCEDURES);
}

const xs = [];
for (let r = 0; r < ROUNDS; r++) xs.push(await round());
const all = xs.map((x) => x.toFixed(1)).join(', ');
xs.sort((a, b) => a - b);
// The least disturbed round is the best estimate on a shared machine; the median for scale.
console.log(
  `registrations: ${NODES} nodes × ${PROCEDURES} procedures one at a time, in-process (router + client):` +
    ` best ${xs[0].toFixed(1)}, median ${xs[Math.floor(xs.length / 2)].toFixed(1)} µs CPU per registration (${all})`,
);
