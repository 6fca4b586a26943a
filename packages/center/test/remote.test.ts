/**
 * The remote node API (SPEC §4.2) through the center against real nodes: calls forwarded to
 * the node's controller and workers, a router worker started from a whole config that a
 * real client then uses, the status events and the live log, node errors passed through,
 * and `node_offline` at once for a node that is not there or dies during a call.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import type { SigningKey } from '@cdc/cryptosign';
import { joinSession } from '@cdc/client';
import type { Session } from '@cdc/client';
import { connect } from '@cdc/transport';
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

const R = 'com.crossbario.cdc.remote.';

let c: TestCenter;
let owner: SigningKey;
let s: Session;
let node: TestNode;

async function pairedNode(nodeId: string): Promise<TestNode> {
  const n = await startNode(c);
  await s.call('com.crossbario.cdc.management.pair_node@1', [n.pubkey, nodeId]);
  await until(() => n.controller.uplink?.managed === true, 10_000, `${nodeId} managed`);
  return n;
}

const call = async (uri: string, args: unknown[] = [], kwargs = {}): Promise<unknown> =>
  (await s.call(uri, args, kwargs)).value;

before(async () => {
  c = await startCenter();
  owner = await ownedRealm(c, 'ops');
  s = await join(c, owner, 'ops');
  node = await pairedNode('node1');
});
after(async () => {
  await s.leave().catch(() => undefined);
  await node.stop().catch(() => undefined);
  await c.stop();
});

test('remote - controller status and workers come from the node', async () => {
  const status = (await call(`${R}get_controller_status@1`, ['node1'])) as Record<string, unknown>;
  assert.equal(status['node_id'], 'node1');
  assert.equal(status['pubkey'], node.pubkey);
  assert.equal(status['controller_pid'], process.pid);
  // Bare names work as @1.
  assert.deepEqual(await call(`${R}get_node_workers`, ['node1']), []);
});

test('remote - a router worker from a whole config, used by a real client, with events and log', async () => {
  const events: unknown[][] = [];
  const logs: unknown[] = [];
  await s.subscribe(`${R}on_worker_status@1`, (a) => void events.push(['worker', ...a]));
  await s.subscribe(`${R}on_router_transport@1`, (a) => void events.push(['transport', ...a]));
  await s.subscribe(`${R}on_router_realm@1`, (a) => void events.push(['realm', ...a]));
  await s.subscribe(
    'com.crossbario.cdc.node.node1.worker.r1.on_log@1',
    (a) => void logs.push(a[0]),
  );

  const startedAt = await call(`${R}start_router_worker@1`, ['node1', 'r1', ROUTER]);
  assert.equal(typeof startedAt, 'string');
  assert.ok(Date.parse(startedAt as string) > Date.now() - 60_000);
  const workers = (await call(`${R}get_node_workers@1`, ['node1'])) as string[];
  assert.deepEqual(workers, ['r1']);
  const w = (await call(`${R}get_worker_status@1`, ['node1', 'r1'])) as Record<string, unknown>;
  assert.equal(w['status'], 'started');
  assert.equal(w['type'], 'router');

  // A real client on the transport the config opened.
  const t = (await call(`${R}get_router_transport_status@1`, ['node1', 'r1', 'ws1'])) as {
    address: { port: number };
  };
  const client = await joinSession(await connect(`ws://127.0.0.1:${t.address.port}/`), {
    realm: 'realm1',
  });
  await client.register('com.example.add', (a) => (a[0] as number) + (a[1] as number));
  assert.equal((await client.call('com.example.add', [2, 3])).value, 5);
  await client.leave();

  // A realm started live, by keyword arguments.
  await s.call(`${R}start_router_realm@1`, [], {
    node_id: 'node1',
    worker_id: 'r1',
    realm_id: 'realm2',
    realm_config: { name: 'realm2' },
  });
  assert.deepEqual(await call(`${R}get_router_realms@1`, ['node1', 'r1']), ['realm1', 'realm2']);
  await until(
    () =>
      events.some((e) => e[0] === 'worker' && e[2] === 'r1' && e[4] === 'started') &&
      events.some((e) => e[0] === 'transport' && e[3] === 'ws1' && e[5] === 'started') &&
      events.some((e) => e[0] === 'realm' && e[3] === 'realm2' && e[5] === 'started'),
    10_000,
    'status events',
  );
  const workerEvents = events.filter((e) => e[0] === 'worker');
  assert.deepEqual(workerEvents.slice(0, 2), [
    ['worker', 'node1', 'r1', null, 'starting'],
    ['worker', 'node1', 'r1', 'starting', 'started'],
  ]);
  await call(`${R}stop_router_realm@1`, ['node1', 'r1', 'realm2']);

  await call(`${R}shutdown_worker@1`, ['node1', 'r1']);
  await until(
    () => events.some((e) => e[0] === 'worker' && e[2] === 'r1' && e[4] === 'stopped'),
    10_000,
    'stopped event',
  );
  assert.deepEqual(await call(`${R}get_node_workers@1`, ['node1']), []);
});

test('remote - a guest worker: its output is its log, read and followed live', async () => {
  const logs: { message: string }[] = [];
  await s.subscribe('com.crossbario.cdc.node.node1.worker.g1.on_log@1', (a) => {
    logs.push(a[0] as { message: string });
  });
  await call(`${R}start_guest_worker@1`, [
    'node1',
    'g1',
    {
      executable: process.execPath,
      arguments: ['-e', "let n = 0; setInterval(() => console.log('tick ' + n++), 100)"],
    },
  ]);
  await until(() => logs.some((l) => l.message === 'tick 3'), 10_000, 'live log lines');
  const log = (await call(`${R}get_worker_log@1`, ['node1', 'g1', 2])) as { message: string }[];
  assert.equal(log.length, 2, 'limit');
  assert.match(log[1]?.message ?? '', /^tick \d+$/);
  await call(`${R}shutdown_worker@1`, ['node1', 'g1']);
});

test('remote - a router config that fails half-way leaves no worker behind', async () => {
  const bad = {
    realms: [{ name: 'realm1', roles: [OPEN_ROLE] }],
    // A component of a module that does not exist fails after realm and transport started.
    components: [{ type: 'class', id: 'c1', classname: 'no.such.Component', realm: 'realm1' }],
  };
  await rejectsWith(
    call(`${R}start_router_worker@1`, ['node1', 'r2', bad]),
    'crossbar.error.class_import_failed',
  );
  await until(
    async () => ((await call(`${R}get_node_workers@1`, ['node1'])) as string[]).length === 0,
    5000,
    'the half-started worker stopped',
  );
});

test('remote - bad input: unknown node, bad config, node errors passed through', async () => {
  await rejectsWith(
    call(`${R}get_node_workers@1`, ['nope']),
    'com.crossbario.cdc.error.no_such_node',
  );
  await rejectsWith(call(`${R}get_node_workers@1`, ['Bad ID']), 'wamp.error.invalid_argument');
  await rejectsWith(
    call(`${R}get_worker_status@1`, ['node1', 'ghost']),
    'crossbar.error.no_such_worker',
  );
  await rejectsWith(
    call(`${R}get_router_realms@1`, ['node1', 'ghost']),
    'crossbar.error.no_such_worker',
  );
  await rejectsWith(
    call(`${R}start_router_worker@1`, ['node1', 'r3', { realms: [{ roles: 'x' }] }]),
    'com.crossbario.cdc.error.invalid_config',
    /realms\[0\]/,
  );
  await rejectsWith(
    call(`${R}shutdown_worker@1`, ['node1', 'ghost']),
    'crossbar.error.worker_not_running',
  );
});

test('remote - a node that is not connected is node_offline at once', async () => {
  await s.call('com.crossbario.cdc.management.pair_node@1', ['1'.repeat(64), 'never-seen']);
  const t0 = Date.now();
  await rejectsWith(
    call(`${R}get_controller_status@1`, ['never-seen']),
    'com.crossbario.cdc.error.node_offline',
    /never-seen/,
  );
  assert.ok(Date.now() - t0 < 1000, 'at once, not after a timeout');
});

test('remote - a node killed during a call is node_offline at once', async () => {
  const root = mkdtempSync(joinPath(tmpdir(), 'cdc-killed-node-'));
  const child = spawn(
    process.execPath,
    [
      new URL('./fixtures/node-process.js', import.meta.url).pathname,
      joinPath(root, '.crossbar'),
      c.url,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const pubkey = await until<string | undefined>(
      () => /pubkey ([0-9a-f]{64})/.exec(out)?.[1],
      10_000,
      'pubkey',
    );
    await s.call('com.crossbario.cdc.management.pair_node@1', [pubkey, 'doomed']);
    await until(() => out.includes('uplink doomed'), 10_000, 'the node managed');
    await call(`${R}start_router_worker@1`, ['doomed', 'r1', { realms: [{ name: 'realm1' }] }]);
    // Profiling answers after its run time: the call is out when the node dies.
    const inFlight = call('io.crossbar.cdc.profile_worker@1', ['doomed', 'r1', 'v8', 20]);
    await new Promise((r) => setTimeout(r, 500));
    const t0 = Date.now();
    child.kill('SIGKILL');
    await rejectsWith(inFlight, 'com.crossbario.cdc.error.node_offline', /doomed/);
    assert.ok(Date.now() - t0 < 5000, `answered ${Date.now() - t0} ms after the kill`);
  } finally {
    child.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  }
});
