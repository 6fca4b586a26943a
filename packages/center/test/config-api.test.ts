/**
 * The configuration API (SPEC §4.3) end to end: routers as desired state in the realm's
 * database, started, changed live with a merge patch and a reload, restarted only when
 * allowed, profiled, stopped and deleted; bad input changing nothing; and reconciliation
 * bringing the same routers back after the center and the node restart.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { SigningKey } from '@cdc/cryptosign';
import { joinSession } from '@cdc/client';
import type { Session } from '@cdc/client';
import { connect } from '@cdc/transport';
import { WampError } from '@cdc/protocol';
import type {
  ConfiguredWorker,
  LiveWorkerInfo,
  NodeInfo,
  ReloadResult,
  RouterAction,
  RouterState,
  StoredRouter,
  WorkerStats,
} from '@cdc/api';
import {
  OPEN_ROLE,
  OPEN_ROUTER as ROUTER,
  join,
  ownedRealm,
  rejectsWith,
  startCenter,
  startNode,
  until,
} from './helpers.js';
import type { TestCenter, TestNode } from './helpers.js';

const C = 'io.crossbar.cdc.';

let c: TestCenter;
let owner: SigningKey;
let s: Session;
let node: TestNode;
const toClean: string[] = [];

const call = async <T = unknown>(uri: string, args: unknown[] = [], kwargs = {}): Promise<T> =>
  (await s.call(uri, args, kwargs)).value as T;

async function managed(n: TestNode): Promise<void> {
  await until(() => n.controller.uplink?.managed === true, 15_000, 'the node managed');
}

/** A client on the router's WebSocket transport, joined to `realm`. */
async function client(nodeId: string, realm: string): Promise<Session> {
  const t = await call<{ address: { port: number } }>(
    'com.crossbario.cdc.remote.get_router_transport_status@1',
    [nodeId, 'r1', 'ws1'],
  );
  return joinSession(await connect(`ws://127.0.0.1:${t.address.port}/`), { realm });
}

before(async () => {
  c = await startCenter();
  owner = await ownedRealm(c, 'cfg');
  s = await join(c, owner, 'cfg');
  node = await startNode(c);
  toClean.push(dirname(node.dir));
  await call('com.crossbario.cdc.management.pair_node@1', [node.pubkey, 'node1']);
  await managed(node);
});
after(async () => {
  await s.leave().catch(() => undefined);
  await node.stop(true).catch(() => undefined);
  await c.stop();
  for (const d of toClean) rmSync(d, { recursive: true, force: true });
});

test('config - a router is stored, started, and runs what was stored', async () => {
  const created = await call<StoredRouter>(`${C}create_router@1`, ['node1', 'r1', ROUTER]);
  assert.equal(created.desired, 'stopped');
  const realms = created.config['realms'] as { id: string }[];
  assert.equal(realms[0]?.id, 'realm1', 'IDs assigned when stored');
  assert.deepEqual(await call<ConfiguredWorker[]>(`${C}list_workers@1`, ['node1']), [
    { worker_id: 'r1', type: 'router', status: 'stopped' },
  ]);
  const before = await call<RouterState>(`${C}get_router@1`, ['node1', 'r1']);
  assert.equal(before.status, 'stopped');
  assert.equal(before.running_config, null);
  assert.equal(before.drift, false, 'stopped as stored');
  assert.deepEqual(
    await call<LiveWorkerInfo[]>(`${C}list_node_workers@1`, ['node1']),
    [],
    'creating started nothing',
  );

  const started = await call<RouterAction>(`${C}start_router@1`, ['node1', 'r1']);
  assert.equal(started.status, 'started');
  const r = await call<RouterState>(`${C}get_router@1`, ['node1', 'r1']);
  assert.equal(r.status, 'started');
  assert.equal(r.desired, 'started');
  assert.equal(r.drift, false, JSON.stringify(r.changes));
  assert.deepEqual(
    (r.running_config?.['realms'] as { name: string }[]).map((x) => x.name),
    ['realm1'],
  );
  const live = await call<LiveWorkerInfo[]>(`${C}list_node_workers@1`, ['node1']);
  assert.deepEqual(
    live.map((w: { worker_id: string; type: string; status: string }) => [
      w.worker_id,
      w.type,
      w.status,
    ]),
    [['r1', 'router', 'started']],
  );
  const cl = await client('node1', 'realm1');
  await cl.leave();
  // Running: all its desired workers run (heartbeats count them).
  await until(
    async () =>
      (await call<NodeInfo>('com.crossbario.cdc.get_node_status@1', ['node1'])).status ===
      'running',
    5000,
    'node1 running',
  );
});

test('config - modify + reload adds a realm live; an options change needs an allowed restart', async () => {
  const realmEvents: unknown[][] = [];
  await s.subscribe('com.crossbario.cdc.remote.on_router_realm@1', (a) => void realmEvents.push(a));
  const pid = (await call<WorkerStats>(`${C}get_stats@1`, ['node1', 'r1'])).pid as number;
  await call<StoredRouter>(`${C}modify_router@1`, [
    'node1',
    'r1',
    { realms: [...ROUTER.realms, { name: 'realm2', roles: [OPEN_ROLE] }] },
  ]);
  const drifted = await call<RouterState>(`${C}get_router@1`, ['node1', 'r1']);
  assert.equal(drifted.drift, true);
  assert.deepEqual(drifted.changes, ['realm realm2 added']);
  assert.equal(drifted.restart_required, false, 'a realm is added live');
  const reloaded = await call<ReloadResult>(`${C}reload_router@1`, ['node1', 'r1']);
  assert.deepEqual(reloaded, {
    node_id: 'node1',
    router_id: 'r1',
    restarted: false,
    changes: ['realm realm2 added'],
  });
  const cl = await client('node1', 'realm2');
  await cl.leave();
  await until(
    () => realmEvents.some((e) => e[0] === 'node1' && e[2] === 'realm2' && e[4] === 'started'),
    5000,
    'the realm event',
  );
  assert.equal((await call<RouterState>(`${C}get_router@1`, ['node1', 'r1'])).drift, false);

  // Worker options: only a restart applies them.
  await call<StoredRouter>(`${C}modify_router@1`, [
    'node1',
    'r1',
    { options: { title: 'renamed' } },
  ]);
  const planned = await call<RouterState>(`${C}get_router@1`, ['node1', 'r1']);
  assert.deepEqual(planned.changes, ['worker options changed']);
  assert.equal(planned.restart_required, true, 'the plan says so before the reload');
  await assert.rejects(call<ReloadResult>(`${C}reload_router@1`, ['node1', 'r1']), (e: unknown) => {
    assert.ok(e instanceof WampError);
    assert.equal(e.uri, 'com.crossbario.cdc.error.restart_required');
    assert.match(String(e.args[0]), /worker options changed/);
    assert.deepEqual(e.kwargs['restart_required'], ['worker options changed']);
    return true;
  });
  assert.equal(
    (await call<WorkerStats>(`${C}get_stats@1`, ['node1', 'r1'])).pid,
    pid,
    'nothing was changed',
  );
  const restarted = await call<ReloadResult>(`${C}reload_router@1`, ['node1', 'r1', true]);
  assert.equal(restarted.restarted, true);
  const after = await call<RouterState>(`${C}get_router@1`, ['node1', 'r1']);
  assert.equal(after.drift, false, JSON.stringify(after.changes));
  assert.equal(after.restart_required, false);
  assert.notEqual((await call<WorkerStats>(`${C}get_stats@1`, ['node1', 'r1'])).pid, pid);
  const cl2 = await client('node1', 'realm2');
  await cl2.leave();
});

test('config - bad input is refused and changes nothing', async () => {
  const stored = (await call<RouterState>(`${C}get_router@1`, ['node1', 'r1'])).config;
  await rejectsWith(
    call<StoredRouter>(`${C}create_router@1`, ['node1', 'r9', { realms: [{ roles: [] }] }]),
    'com.crossbario.cdc.error.invalid_config',
    /realms\[0\].*name/,
  );
  await rejectsWith(
    call<StoredRouter>(`${C}create_router@1`, [
      'node1',
      'r9',
      { realms: [{ name: 'x1x', roles: [{ ...OPEN_ROLE, name: 'Not An ID' }] }] },
    ]),
    'com.crossbario.cdc.error.invalid_config',
    /realms\[0\]\.roles\[0\]/,
  );
  await rejectsWith(
    call<StoredRouter>(`${C}create_router@1`, ['node1', 'r1', ROUTER]),
    'com.crossbario.cdc.error.already_exists',
  );
  await rejectsWith(
    call<StoredRouter>(`${C}modify_router@1`, [
      'node1',
      'r1',
      { transports: [{ type: 'websocket' }] },
    ]),
    'com.crossbario.cdc.error.invalid_config',
    /transports\[0\]/,
  );
  await rejectsWith(
    call<StoredRouter>(`${C}modify_router@1`, ['node1', 'r1', { type: 'guest' }]),
    'com.crossbario.cdc.error.invalid_config',
    /type/,
  );
  assert.deepEqual((await call<RouterState>(`${C}get_router@1`, ['node1', 'r1'])).config, stored);
  assert.deepEqual(
    (await call<ConfiguredWorker[]>(`${C}list_workers@1`, ['node1'])).map(
      (w: { worker_id: string }) => w.worker_id,
    ),
    ['r1'],
  );
  await rejectsWith(
    call<{ deleted: boolean }>(`${C}delete_router@1`, ['node1', 'r1']),
    'com.crossbario.cdc.error.router_running',
  );
  await rejectsWith(
    call<RouterState>(`${C}get_router@1`, ['node1', 'nope']),
    'com.crossbario.cdc.error.no_such_router',
  );
  await rejectsWith(
    call<RouterState>(`${C}get_router@1`, ['ghost', 'r1']),
    'com.crossbario.cdc.error.no_such_node',
  );
  // A guest may look but not change.
  const guestKey = SigningKey.generate();
  await call('com.crossbario.cdc.management.grant_access@1', [
    guestKey.publicKeyHex,
    'cdc-guest',
    'viewer',
  ]);
  const guest = await join(c, guestKey, 'cfg');
  assert.equal((await guest.call(`${C}get_router@1`, ['node1', 'r1'])).value !== undefined, true);
  await rejectsWith(guest.call(`${C}stop_router@1`, ['node1', 'r1']), 'wamp.error.not_authorized');
  await guest.leave();
  // The failed calls are in the audit log too.
  const audit = await call<{ error: string }[]>('com.crossbario.cdc.management.get_audit_log@1', [
    { procedure: `${C}create_router@1`, outcome: 'error' },
  ]);
  assert.ok(audit.length >= 3);
  assert.ok(audit.every((a: { error: string }) => a.error.startsWith('com.crossbario.cdc.error.')));
});

test('config - profile and stats of a worker', async () => {
  const stats = await call<WorkerStats>(`${C}get_stats@1`, ['node1', 'r1']);
  assert.equal(typeof stats.pid, 'number');
  assert.ok(Array.isArray(stats.cpu_affinity) && stats.cpu_affinity.length > 0);
  assert.equal(typeof stats.open_files, 'number');
  assert.ok(Number(stats.memory?.['rss']) > 0);
  const profile = await call<{ status: string; profile: { samples: number } }>(
    `${C}profile_worker@1`,
    ['node1', 'r1', 'v8', 0.5, 5, 2],
  );
  assert.equal(profile.status, 'finished');
  assert.ok(profile.profile.samples > 0);
  await rejectsWith(
    call<{ status: string; profile: { samples: number } }>(`${C}profile_worker@1`, [
      'node1',
      'r1',
      'v8',
      0.5,
      500,
    ]),
    'wamp.error.invalid_argument',
    /prune_percent/,
  );
});

test('config - the center and the node restart: the same routers run again', async () => {
  await c.restart();
  await until(() => node.controller.uplink?.managed === true, 15_000, 'the node back');
  s = await join(c, owner, 'cfg');
  await until(
    async () => (await call<RouterState>(`${C}get_router@1`, ['node1', 'r1'])).status === 'started',
    10_000,
    'r1',
  );

  // The node restarts (its workers stop with it); the center starts r1 again.
  const dir = node.dir;
  await node.stop(true);
  node = await startNode(c, undefined, { dir });
  await managed(node);
  await until(
    async () => (await call<RouterState>(`${C}get_router@1`, ['node1', 'r1'])).status === 'started',
    15_000,
    'r1 started by reconciliation',
  );
  const r = await call<RouterState>(`${C}get_router@1`, ['node1', 'r1']);
  assert.equal(r.drift, false, JSON.stringify(r.changes));
  const cl = await client('node1', 'realm2');
  await cl.leave();

  // Stopped in the database, it stays stopped across a restart; then it may be deleted.
  const stopped = await call<RouterAction>(`${C}stop_router@1`, ['node1', 'r1']);
  assert.equal(stopped.desired, 'stopped');
  await node.stop(true);
  node = await startNode(c, undefined, { dir });
  await managed(node);
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal((await call<RouterState>(`${C}get_router@1`, ['node1', 'r1'])).status, 'stopped');
  await until(
    async () =>
      (await call<NodeInfo>('com.crossbario.cdc.get_node_status@1', ['node1'])).status === 'online',
    5000,
    'node1 online, nothing to run',
  );
  await rejectsWith(
    call<ReloadResult>(`${C}reload_router@1`, ['node1', 'r1']),
    'crossbar.error.worker_not_running',
  );
  assert.equal(
    (await call<{ deleted: boolean }>(`${C}delete_router@1`, ['node1', 'r1'])).deleted,
    true,
  );
  assert.deepEqual(await call<ConfiguredWorker[]>(`${C}list_workers@1`, ['node1']), []);
});

test('config - create_node stores a node config; the center starts its workers when it connects', async () => {
  const nodeConfig = { version: 2, workers: [{ type: 'router', id: 'r1', ...ROUTER }] };
  const res = await call<{ node_id: string; workers: ConfiguredWorker[] }>(`${C}create_node@1`, [
    'node2',
    nodeConfig,
  ]);
  assert.deepEqual(res.workers, [{ worker_id: 'r1', type: 'router', status: 'started' }]);
  assert.equal(
    (await call<NodeInfo>('com.crossbario.cdc.get_node_status@1', ['node2'])).status,
    'created',
  );
  await rejectsWith(
    call<{ node_id: string; workers: ConfiguredWorker[] }>(`${C}create_node@1`, [
      'node2',
      nodeConfig,
    ]),
    'com.crossbario.cdc.error.already_exists',
  );
  await rejectsWith(
    call<{ node_id: string; workers: ConfiguredWorker[] }>(`${C}create_node@1`, [
      'node3',
      { version: 2, workers: [{ type: 'nope' }] },
    ]),
    'com.crossbario.cdc.error.invalid_config',
    /workers\[0\]/,
  );
  await rejectsWith(
    call<RouterState>(`${C}get_router@1`, ['node3', 'r1']),
    'com.crossbario.cdc.error.no_such_node',
  );
  // A node that is offline: start is node_offline, stop only records the wish.
  await rejectsWith(
    call<RouterAction>(`${C}start_router@1`, ['node2', 'r1']),
    'com.crossbario.cdc.error.node_offline',
  );

  const n2 = await startNode(c);
  toClean.push(dirname(n2.dir));
  try {
    await call('com.crossbario.cdc.management.pair_node@1', [n2.pubkey, 'node2']);
    await managed(n2);
    await until(
      async () =>
        (await call<RouterState>(`${C}get_router@1`, ['node2', 'r1'])).status === 'started',
      15_000,
      'node2 r1 started',
    );
  } finally {
    await n2.stop(true);
  }
  await until(
    async () =>
      (await call<NodeInfo>('com.crossbario.cdc.get_node_status@1', ['node2'])).status ===
      'offline',
    10_000,
    'node2 offline',
  );
  const stopped = await call<RouterAction>(`${C}stop_router@1`, ['node2', 'r1']);
  assert.deepEqual([stopped.status, stopped.desired], ['offline', 'stopped']);
});
