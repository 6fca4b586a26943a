/** The reload plan: which changes, which need a restart, and the node calls in their order. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EMPTY_ROUTER,
  canonical,
  describeChanges,
  planReload,
} from '../src/backend/router-plan.js';
import type { RunningRouter } from '../src/backend/router-plan.js';
import type {
  ComponentConfig,
  RouterWorkerConfig,
  TransportConfig,
  WorkerRoleConfig,
} from '@cdc/config';

const ROLE = {
  name: 'anonymous',
  permissions: [{ uri: '', match: 'prefix', allow: { call: true, register: true } }],
} satisfies WorkerRoleConfig;
const WS = {
  id: 'ws1',
  type: 'websocket',
  endpoint: { type: 'tcp', port: 8080 },
} satisfies TransportConfig;
const WEB = {
  id: 'web1',
  type: 'web',
  endpoint: { type: 'tcp', port: 8081 },
  paths: {
    info: { type: 'json', value: { a: 1 } },
    ws: { type: 'websocket' },
  },
} satisfies TransportConfig;
const COMP = {
  id: 'c1',
  type: 'class',
  classname: 'x.Y',
  realm: 'realm1',
} satisfies ComponentConfig;

function stored(extra: Partial<RouterWorkerConfig> = {}): RouterWorkerConfig {
  return {
    type: 'router',
    id: 'r1',
    options: { title: 'r1' },
    realms: [{ id: 'realm1', name: 'realm1', roles: [ROLE] }],
    transports: [WS, WEB],
    components: [COMP],
    ...extra,
  };
}

/** What the node reports for `stored()` (every part with its ID), with keys in another order. */
function running(): RunningRouter {
  return {
    type: 'router',
    id: 'r1',
    options: { title: 'r1' },
    realms: [{ roles: [{ ...ROLE, id: 'anonymous' }], name: 'realm1', id: 'realm1' }],
    transports: [
      { endpoint: { port: 8080, type: 'tcp' }, type: 'websocket', id: 'ws1' },
      {
        ...WEB,
        paths: { ws: { type: 'websocket' }, info: { value: { a: 1 }, type: 'json' } },
      },
    ],
    components: [{ realm: 'realm1', classname: 'x.Y', type: 'class', id: 'c1' }],
  };
}

const calls = (p: ReturnType<typeof planReload>): string[] =>
  p.steps.map((s) => `${s.procedure}(${s.args.filter((a) => typeof a === 'string').join(',')})`);

test('router plan - the same config in another key order is no change', () => {
  const p = planReload(stored(), running());
  assert.deepEqual(p, { changes: [], restart: [], steps: [] });
  assert.equal(
    canonical({ b: 1, a: [1, { d: 2, c: 3 }] }),
    canonical({ a: [1, { c: 3, d: 2 }], b: 1 }),
  );
});

test('router plan - starting from nothing: realms, roles, transports, components, in that order', () => {
  const p = planReload(stored(), EMPTY_ROUTER);
  assert.deepEqual(calls(p), [
    'start_router_realm(realm1)',
    'start_router_realm_role(realm1,anonymous)',
    'start_router_transport(ws1)',
    'start_router_transport(web1)',
    'start_router_component(c1)',
  ]);
  assert.deepEqual(p.steps[0]?.args[1], { name: 'realm1' }, 'the realm without its roles');
  assert.deepEqual((p.steps[3]?.args[1] as { paths: unknown }).paths, WEB.paths, 'with its paths');
  assert.equal(p.restart.length, 0, 'unknown running options are not compared');
});

test('router plan - a new realm and a changed role are made live; components stop first and start last', () => {
  const role2 = { ...ROLE, name: 'backend' };
  const changedRole = { ...ROLE, permissions: [] };
  const s = stored({
    realms: [
      { id: 'realm1', name: 'realm1', roles: [changedRole] },
      { id: 'realm2', name: 'realm2', roles: [role2] },
    ],
    components: [{ ...COMP, classname: 'x.Z' }],
  });
  const p = planReload(s, running());
  assert.deepEqual(calls(p), [
    'stop_router_component(c1)',
    'stop_router_realm_role(realm1,anonymous)',
    'start_router_realm(realm2)',
    'start_router_realm_role(realm2,backend)',
    'start_router_realm_role(realm1,anonymous)',
    'start_router_component(c1)',
  ]);
  assert.deepEqual(describeChanges(p.changes), [
    'realm realm2 added',
    'role realm1/anonymous changed',
    'component c1 changed',
  ]);
  // Undoing the role stop starts the old role again.
  assert.deepEqual(p.steps[1]?.undo, [
    { procedure: 'start_router_realm_role', args: ['realm1', 'anonymous', ROLE] },
  ]);
});

test('router plan - a plain web path is changed live, a WebSocket path restarts the transport', () => {
  const live = planReload(
    stored({
      transports: [
        WS,
        {
          ...WEB,
          paths: { ...WEB.paths, info: { type: 'json', value: 2 }, extra: { type: 'nodeinfo' } },
        },
      ],
    }),
    running(),
  );
  assert.deepEqual(calls(live), [
    'stop_web_transport_service(web1,info)',
    'start_web_transport_service(web1,extra)',
    'start_web_transport_service(web1,info)',
  ]);
  assert.deepEqual(describeChanges(live.changes), [
    'web service web1 extra added',
    'web service web1 info changed',
  ]);
  const restart = planReload(
    stored({
      transports: [WS, { ...WEB, paths: { info: WEB.paths.info, ws2: { type: 'websocket' } } }],
    }),
    running(),
  );
  assert.deepEqual(calls(restart), ['stop_router_transport(web1)', 'start_router_transport(web1)']);
  assert.deepEqual(describeChanges(restart.changes), ['transport web1 changed']);
});

test('router plan - a removed transport is stopped, and its undo starts it as it ran', () => {
  const p = planReload(stored({ transports: [WEB] }), running());
  assert.deepEqual(calls(p), ['stop_router_transport(ws1)']);
  assert.deepEqual(p.steps[0]?.undo, [
    {
      procedure: 'start_router_transport',
      args: ['ws1', { endpoint: { port: 8080, type: 'tcp' }, type: 'websocket' }],
    },
  ]);
  const realmGone = planReload(stored({ realms: [] }), running());
  assert.deepEqual(calls(realmGone), ['stop_router_realm(realm1)']);
  assert.deepEqual(
    realmGone.steps[0]?.undo.map((u) => u.procedure),
    ['start_router_realm', 'start_router_realm_role'],
    'undoing a realm stop starts it with its roles',
  );
});

test('router plan - changed worker options need a restart and are not among the steps', () => {
  const p = planReload(stored({ options: { title: 'new' } }), running());
  assert.deepEqual(p.restart, [{ kind: 'options', id: 'options', op: 'change' }]);
  assert.deepEqual(p.steps, []);
  assert.deepEqual(describeChanges(p.changes), ['worker options changed']);
});
