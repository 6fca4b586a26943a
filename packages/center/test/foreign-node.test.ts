/**
 * A node without `get_router_config` — a Crossbar.io edge, played here by a session that
 * joins as the node and answers its router worker's procedures in Crossbar.io's shapes
 * (reference crossbar-master-wire.md §6). The configuration API reads its router piece by
 * piece, plans against it and reloads it; an answer of the wrong shape is a clear
 * `bad_node_answer`, not a crash further on.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SigningKey } from '@cdc/cryptosign';
import type { Session } from '@cdc/client';
import { CdcErrors, nodeProcedure, workerUri } from '@cdc/api';
import type { ReloadResult, RouterState } from '@cdc/api';
import {
  OPEN_ROLE,
  join,
  joinAsNode,
  ownedRealm,
  rejectsWith,
  startCenter,
  until,
} from './helpers.js';
import type { TestCenter } from './helpers.js';

const C = 'io.crossbar.cdc.';
const WS1 = {
  type: 'websocket',
  id: 'ws1',
  endpoint: { type: 'tcp', port: 8095, interface: '127.0.0.1' },
};

let c: TestCenter;
let s: Session;
let edge: Session;
/** The node procedures the edge was called with, by name after `worker.rw1.`. */
const calls: string[] = [];
/** The edge's router: realms (config as given, roles by ID) and its one transport. */
const realms = new Map<string, { config: Record<string, unknown>; roles: Map<string, unknown> }>();
let broken = false;

const call = async <T>(uri: string, args: unknown[] = []): Promise<T> =>
  (await s.call(uri, args)).value as T;

function realmObject(id: string): Record<string, unknown> {
  const r = realms.get(id)!;
  return {
    id,
    config: r.config,
    created: '2026-11-26T21:31:41.363Z',
    roles: [...r.roles].map(([rid, config]) => ({ id: rid, config })),
    has_router: true,
    has_service_session: true,
    rlinks: [],
    interfaces: {},
  };
}

const transportObject = {
  id: 'ws1',
  type: 'websocket',
  config: WS1,
  created_at: '2026-11-26T21:31:41.468Z',
  listening_since: '2026-11-26T21:31:41.476Z',
  state: 3,
};

/** The edge's router worker `rw1`, as Crossbar.io 22.6.1 answers (no `get_router_config`). */
async function registerEdge(node: Session): Promise<void> {
  const reg = (suffix: string, f: (args: unknown[]) => unknown): Promise<unknown> =>
    node.register(nodeProcedure('edge1', suffix), (args) => f(args));
  const w = (name: string, f: (args: unknown[]) => unknown): Promise<unknown> =>
    reg(`worker.rw1.${name}`, (args) => {
      calls.push(name);
      return f(args);
    });
  await reg('get_workers', () => ['rw1']);
  await reg('get_worker', () => ({
    id: 'rw1',
    pid: 31844,
    type: 'router',
    status: 'started',
    created: '2026-11-26T21:31:39.478Z',
    started: '2026-11-26T21:31:41.304Z',
    startup_time: 1.825789,
    uptime: 0.054943,
  }));
  await w('get_router_realms', () => (broken ? { realm1: {} } : [...realms.keys()].sort()));
  await w('get_router_realm', ([id]) => realmObject(String(id)));
  await w('start_router_realm', ([id, config]) => {
    realms.set(String(id), { config: config as Record<string, unknown>, roles: new Map() });
    return realmObject(String(id));
  });
  await w('start_router_realm_role', ([realm, role, config]) => {
    realms.get(String(realm))!.roles.set(String(role), config);
    return { id: role, config };
  });
  await w('get_router_transports', () => [transportObject]);
  await w('get_router_components', () => []);
}

before(async () => {
  c = await startCenter();
  const owner = await ownedRealm(c, 'foreign');
  s = await join(c, owner, 'foreign');
  const key = SigningKey.generate();
  await call('com.crossbario.cdc.management.pair_node@1', [key.publicKeyHex, 'edge1']);
  realms.set('realm1', {
    config: { name: 'realm1' },
    roles: new Map([['anonymous', OPEN_ROLE]]),
  });
  edge = await joinAsNode(c, key);
  await registerEdge(edge);
  await until(
    async () =>
      (await call<{ status: string }>('com.crossbario.cdc.get_node_status@1', ['edge1'])).status !==
      'offline',
    5000,
    'edge1 online',
  );
});
after(async () => {
  await edge.leave().catch(() => undefined);
  await s.leave().catch(() => undefined);
  await c.stop();
});

test('foreign node - get_router reads a router without get_router_config piece by piece', async () => {
  await call(`${C}create_router@1`, [
    'edge1',
    'rw1',
    { realms: [{ name: 'realm1', roles: [OPEN_ROLE] }], transports: [WS1] },
  ]);
  calls.length = 0;
  const r = await call<RouterState>(`${C}get_router@1`, ['edge1', 'rw1']);
  assert.equal(r.status, 'started');
  assert.equal(r.drift, false, JSON.stringify(r.changes));
  const running = r.running_config;
  assert.ok(running !== null);
  assert.deepEqual(running.realms, [
    { name: 'realm1', id: 'realm1', roles: [{ ...OPEN_ROLE, id: 'anonymous' }] },
  ]);
  assert.deepEqual(running.transports, [WS1]);
  assert.equal(running.options, undefined, 'the edge does not say its options');
  assert.deepEqual(calls.sort(), [
    'get_router_components',
    'get_router_realm',
    'get_router_realms',
    'get_router_transports',
  ]);
});

test('foreign node - reload_router makes a new realm live on it', async () => {
  await call(`${C}modify_router@1`, [
    'edge1',
    'rw1',
    {
      realms: [
        { name: 'realm1', roles: [OPEN_ROLE] },
        { name: 'realm2', roles: [OPEN_ROLE] },
      ],
    },
  ]);
  const drifted = await call<RouterState>(`${C}get_router@1`, ['edge1', 'rw1']);
  assert.deepEqual(drifted.changes, ['realm realm2 added']);
  calls.length = 0;
  const reloaded = await call<ReloadResult>(`${C}reload_router@1`, ['edge1', 'rw1']);
  assert.deepEqual(reloaded, {
    node_id: 'edge1',
    router_id: 'rw1',
    restarted: false,
    changes: ['realm realm2 added'],
  });
  assert.deepEqual(
    calls.filter((x) => x.startsWith('start_')),
    ['start_router_realm', 'start_router_realm_role'],
  );
  assert.deepEqual(realms.get('realm2')?.config, { name: 'realm2' });
  assert.equal((await call<RouterState>(`${C}get_router@1`, ['edge1', 'rw1'])).drift, false);
});

test('foreign node - an answer of the wrong shape is bad_node_answer naming node and procedure', async () => {
  broken = true;
  try {
    await rejectsWith(
      call(`${C}get_router@1`, ['edge1', 'rw1']),
      CdcErrors.BAD_NODE_ANSWER,
      /^node "edge1" answered (\S+) .*: result: a list expected, got an object$/,
    );
    await assert.rejects(call(`${C}get_router@1`, ['edge1', 'rw1']), (e: unknown) =>
      String((e as { args: unknown[] }).args[0]).includes(workerUri('rw1', 'get_router_realms')),
    );
  } finally {
    broken = false;
  }
});
