/**
 * Liveness and the status machine (SPEC §4.1) over a real router with the management
 * realm's roles, sessions over in-memory transports: `created` → `online` → `running` (all
 * desired workers, or any without) → `offline`, each change published with the old status;
 * nodes connected before the tracker started are found; a silent node is closed; a node
 * joining before its row is online once the row comes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RealmConfig } from '@cdc/router';
import { Router } from '@cdc/router';
import { createMemoryPair } from '@cdc/transport';
import { joinSession } from '@cdc/client';
import type { Session } from '@cdc/client';
import { EVENTS, managementRealmRoles } from '@cdc/api';
import type { NodeStatus } from '@cdc/api';
import type { NodeRecord, WorkerRecord } from '@cdc/store';
import { NodeLiveness, nodeStatus } from '../src/backend/node-liveness.js';
import { NodeState, NodeTable, readHeartbeat } from '../src/backend/node-table.js';
import { captureLogger, until } from './helpers.js';

const REALM = 'ops';

function row(node_id: string, last_seen: string | null = null): NodeRecord {
  return {
    node_id,
    pubkey: null,
    extra: {},
    created: '2026-11-27T00:00:00.000Z',
    last_seen,
    heartbeat: null,
    heartbeat_time: null,
    workers: {},
    version: null,
    type: null,
    config: null,
  };
}

function worker(node_id: string, worker_id: string, type: WorkerRecord['type']): WorkerRecord {
  return {
    node_id,
    worker_id,
    type,
    config: { type },
    desired: 'started',
    created: '2026-11-27T00:00:00.000Z',
    modified: '2026-11-27T00:00:00.000Z',
  };
}

function heard(nodeId: string, seq: number, workers: Record<string, number>, period = 10) {
  return readHeartbeat(nodeId, {
    timestamp: Date.now() * 1e6,
    period,
    mrealm_id: REALM,
    seq,
    workers,
  });
}

test('node liveness - the status machine, state by state', () => {
  const s = new NodeState('n1', row('n1'));
  assert.equal(nodeStatus(s), 'created', 'known, never seen');
  s.connect(1, Date.now());
  assert.equal(nodeStatus(s), 'online', 'connected, running nothing');
  s.heard(heard('n1', 1, { guest: 1 }));
  assert.equal(nodeStatus(s), 'running', 'no desired workers: running any');
  s.setDesired({ router: 2, guest: 1 });
  assert.equal(nodeStatus(s), 'online', 'not all desired workers run');
  s.heard(heard('n1', 2, { router: 2, guest: 1 }));
  assert.equal(nodeStatus(s), 'running', 'all desired workers run');
  s.heard(heard('n1', 3, { router: 3, guest: 1, container: 1 }));
  assert.equal(nodeStatus(s), 'running', 'and more');
  assert.equal(s.disconnect(2), false, 'an old session ending changes nothing');
  assert.equal(nodeStatus(s), 'running');
  assert.equal(s.disconnect(1), true);
  assert.equal(nodeStatus(s), 'offline', 'seen, not connected');
  s.connect(3, Date.now());
  assert.equal(nodeStatus(s), 'online', 'a new connection starts with no workers counted');
  assert.equal(nodeStatus(new NodeState('n2', row('n2', '2026-11-27T01:00:00.000Z'))), 'offline');
});

let router: Router;
let backend: Session;
let watcher: Session;
const events: [string, NodeStatus, NodeStatus][] = [];
const sessions: Session[] = [];

async function open(role: string, authid: string): Promise<Session> {
  const [client, server] = createMemoryPair();
  router.accept(server, { auth: { anonymous: { type: 'static', role, authid } } });
  const s = await joinSession(client, { realm: REALM });
  sessions.push(s);
  return s;
}

before(async () => {
  router = new Router({ logger: captureLogger() });
  router.addRealm({
    name: REALM,
    roles: managementRealmRoles(),
    options: { uri_check: 'loose' },
  } as unknown as RealmConfig);
  backend = await open('trusted', 'backend');
  watcher = await open('trusted', 'watcher');
  await watcher.subscribe(EVENTS.ON_NODE_STATUS, (args) => {
    events.push(args as [string, NodeStatus, NodeStatus]);
  });
});
after(async () => {
  for (const s of sessions) if (s.isOpen) await s.leave().catch(() => undefined);
  router.close();
});

/** A tracker over a table of nodes, with the desired workers given and what it told. */
function tracker(
  nodes: NodeRecord[],
  workers: WorkerRecord[],
  heartbeatPeriodS = 10,
  allowances: { firstBeatGraceMs?: number; setupAllowanceMs?: number } = {},
) {
  const table = new NodeTable();
  table.load(nodes);
  const told = { changes: 0, joined: [] as string[], left: [] as string[] };
  const liveness = new NodeLiveness({
    table,
    store: {
      listWorkers: (nodeId?: string) =>
        Promise.resolve(workers.filter((w) => nodeId === undefined || w.node_id === nodeId)),
    },
    session: backend,
    log: captureLogger(),
    heartbeatPeriodS,
    ...allowances,
    onChange: () => {
      told.changes++;
    },
    onJoined: (id) => void told.joined.push(id),
    onLeft: (id) => void told.left.push(id),
  });
  table.onRow = (s, change) => liveness.rowChanged(s, change);
  return { table, liveness, told, workers };
}

const eventFor = (id: string, from: NodeStatus, to: NodeStatus) => () =>
  events.some((e) => e[0] === id && e[1] === from && e[2] === to);

test('node liveness - joins, heartbeats, desired workers and leaves drive the status and its events', async () => {
  const early = await open('cdc-node', 'a1'); // connected before the tracker starts
  const { table, liveness, told, workers } = tracker(
    [row('a1'), row('a2'), row('a3', '2026-11-27T01:00:00.000Z')],
    [],
  );
  await liveness.start();
  try {
    assert.equal(table.get('a1')?.status, 'online', 'found in the session list');
    assert.ok(liveness.isOnline('a1'));
    assert.equal(liveness.sessionOf('a1'), early.id);
    assert.deepEqual(table.counts(), { created: 1, online: 1, running: 0, offline: 1 });
    await until(eventFor('a1', 'created', 'online'), 5000, 'the online event');

    const a2 = await open('cdc-node', 'a2');
    await until(() => table.get('a2')?.status === 'online', 5000, 'a2 online');
    assert.deepEqual(liveness.onlineNodes().sort(), ['a1', 'a2']);
    assert.ok(told.joined.includes('a1') && told.joined.includes('a2'));

    liveness.heartbeat(heard('a2', 1, { router: 1 }));
    assert.equal(table.get('a2')?.status, 'running', 'no desired workers: any running');
    workers.push(worker('a2', 'r1', 'router'), worker('a2', 'r2', 'router'));
    await liveness.refreshDesired('a2');
    assert.ok(liveness.hasStartedWorkers('a2'));
    assert.ok(!liveness.hasStartedWorkers('a1'));
    assert.equal(table.get('a2')?.status, 'online', 'one of two desired routers');
    liveness.heartbeat(heard('a2', 2, { router: 2 }));
    assert.equal(table.get('a2')?.status, 'running');
    await until(eventFor('a2', 'online', 'running'), 5000, 'the running event');
    await until(eventFor('a2', 'running', 'online'), 5000, 'the back-to-online event');

    const before = told.changes;
    await a2.leave();
    await until(() => table.get('a2')?.status === 'offline', 5000, 'a2 offline');
    assert.ok(!liveness.isOnline('a2'));
    assert.deepEqual(told.left, ['a2']);
    assert.ok(told.changes > before, 'metrics heard of it');
    await until(eventFor('a2', 'running', 'offline'), 5000, 'the offline event');
    assert.equal(table.get('a2')?.info().heartbeat, 2, 'its last heartbeat still shows');
  } finally {
    liveness.stop();
  }
});

test('node liveness - a node that goes silent is closed and offline', async () => {
  const { table, liveness, told } = tracker([row('s1')], [], 0.2);
  await liveness.start();
  try {
    const s1 = await open('cdc-node', 's1');
    await until(() => table.get('s1')?.status === 'online', 5000, 's1 online');
    liveness.heartbeat(heard('s1', 1, {}, 0.2));
    await until(() => table.get('s1')?.status === 'offline', 5000, 's1 offline');
    await until(() => !s1.isOpen, 5000, 'its session closed');
    assert.deepEqual(told.left, ['s1']);
  } finally {
    liveness.stop();
  }
});

test('node liveness - a node still setting up is not closed for a heartbeat it cannot send yet; once it probed, its first heartbeat is due', async () => {
  const { table, liveness, told } = tracker([row('u1'), row('u2')], [], 0.2, {
    firstBeatGraceMs: 300,
    setupAllowanceMs: 2500,
  });
  await liveness.start();
  try {
    const u1 = await open('cdc-node', 'u1'); // registering its procedures: no probe yet
    const u2 = await open('cdc-node', 'u2');
    await until(() => table.get('u2')?.status === 'online', 5000, 'u2 online');
    liveness.probed('u2'); // set up: beats are due within the grace
    await until(() => !u2.isOpen, 5000, 'u2 closed for its missing first heartbeat');
    assert.deepEqual(told.left, ['u2']);
    assert.ok(u1.isOpen, 'u1, still setting up, keeps its session past the grace');
    assert.equal(table.get('u1')?.status, 'online');
    await until(() => !u1.isOpen, 10_000, 'u1 closed once its setup allowance ran out');
    assert.equal(table.get('u1')?.status, 'offline');
  } finally {
    liveness.stop();
  }
});

test('node liveness - a node joining before its row is online once the row comes; a deleted row goes with its session', async () => {
  const { table, liveness } = tracker([], []);
  liveness.beforeJoin = () => {
    table.setRow(row('late1'));
    return Promise.resolve();
  };
  await liveness.start();
  try {
    const late = await open('cdc-node', 'late1');
    await until(() => table.get('late1')?.status === 'online', 5000, 'late1 online');
    await until(eventFor('late1', 'created', 'online'), 5000, 'its online event');
    assert.deepEqual(
      table.nodes().map((n) => n.id),
      ['late1'],
    );

    table.removeRow('late1');
    assert.deepEqual(table.nodes(), [], 'no node of the realm any more');
    assert.ok(liveness.isOnline('late1'), 'but still connected');
    await late.leave();
    await until(() => table.get('late1') === undefined, 5000, 'its state released');
  } finally {
    liveness.stop();
  }
});
