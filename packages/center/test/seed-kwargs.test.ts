/**
 * The seed's procedures (`../shared/seed/cdc-public-api.md`) called with keyword arguments
 * only, under the names the seed gives them — against a center with a real node. Among
 * them `modify_router(node_id, router_id, router_config)`: the seed's name for the change
 * set, which the contract calls `change_set` (both are taken). Procedures the seed lists
 * without argument names are covered positionally by remote-all.test.ts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SigningKey } from '@cdc/cryptosign';
import type { Session } from '@cdc/client';
import { join, ownedRealm, startCenter, startNode, until } from './helpers.js';
import type { TestCenter, TestNode } from './helpers.js';

const CDC = 'com.crossbario.cdc.';
const R = `${CDC}remote.`;
const C = 'io.crossbar.cdc.';

let c: TestCenter;
let owner: SigningKey;
let s: Session;
let node: TestNode;

before(async () => {
  c = await startCenter();
  owner = await ownedRealm(c, 'seed');
  s = await join(c, owner, 'seed');
  node = await startNode(c);
  await s.call(`${CDC}management.pair_node@1`, [node.pubkey, 'node1']);
  await until(() => node.controller.uplink?.managed === true, 10_000, 'node1 managed');
});
after(async () => {
  await s.leave().catch(() => undefined);
  await node.stop().catch(() => undefined);
  await c.stop();
});

const kw = async <T = unknown>(proc: string, kwargs: Record<string, unknown>): Promise<T> =>
  (await s.call(proc, [], kwargs)).value as T;

const ROUTER = {
  type: 'router',
  realms: [{ name: 'realm1' }],
  transports: [
    { type: 'websocket', id: 'ws1', endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' } },
  ],
};

test('seed names - the global, remote and configuration procedures take the seed keywords', async () => {
  const node_id = 'node1';
  const st = await kw<Record<string, unknown>>(`${CDC}get_node_status@1`, { node_id });
  assert.equal(st['node_id'] ?? st['id'] ?? node_id, node_id);
  const ctl = await kw<Record<string, unknown>>(`${R}get_controller_status@1`, { node_id });
  assert.equal(ctl['node_id'], node_id);
  await kw(`${R}get_node_workers@1`, { node_id });

  await kw(`${R}start_router_worker@1`, { node_id, router_id: 'r1', router_config: ROUTER });
  const w = await kw<Record<string, unknown>>(`${R}get_worker_status@1`, {
    node_id,
    worker_id: 'r1',
  });
  assert.equal(w['id'], 'r1');
  assert.ok(Array.isArray(await kw(`${R}get_worker_log@1`, { node_id, worker_id: 'r1' })));
  assert.ok(Array.isArray(await kw(`${R}get_worker_pythonpath@1`, { node_id, worker_id: 'r1' })));
  await kw(`${R}start_container_worker@1`, { node_id, container_id: 'c1', container_config: {} });
  await kw(`${R}start_guest_worker@1`, {
    node_id,
    guest_id: 'g1',
    guest_config: {
      executable: process.execPath,
      arguments: ['-e', 'setTimeout(() => {}, 30000)'],
    },
  });
  const workers = await kw<unknown[]>(`${R}get_node_workers@1`, { node_id });
  assert.ok(workers.length >= 3);

  await kw(`${C}create_node@1`, { node_id: 'node2', node_config: { version: 2, workers: [] } });
  await kw(`${C}list_workers@1`, { node_id });
  await kw(`${C}list_node_workers@1`, { node_id });
  await kw(`${C}create_router@1`, { node_id, router_id: 'r2', router_config: ROUTER });
  // The seed's keyword for the change set.
  const modified = await kw<{ config: { realms: { name: string }[] } }>(`${C}modify_router@1`, {
    node_id,
    router_id: 'r2',
    router_config: { realms: [{ name: 'realm1' }, { name: 'realm2' }] },
  });
  assert.deepEqual(
    modified.config.realms.map((r) => r.name),
    ['realm1', 'realm2'],
  );
  // And the contract's, still.
  await kw(`${C}modify_router@1`, {
    node_id,
    router_id: 'r2',
    change_set: { realms: [{ name: 'realm1' }] },
  });
  const got = await kw<{ config: { realms: unknown[] } }>(`${C}get_router@1`, {
    node_id,
    router_id: 'r2',
  });
  assert.equal(got.config.realms.length, 1);
  await kw(`${C}start_router@1`, { node_id, router_id: 'r2' });
  await kw(`${C}reload_router@1`, { node_id, router_id: 'r2', restart_if_required: true });
  await kw(`${C}get_stats@1`, { node_id, worker_id: 'r1' });
  await kw(`${C}profile_worker@1`, { node_id, worker_id: 'r1', runtime: 1 });
  await kw(`${C}stop_router@1`, { node_id, router_id: 'r2' });
  await kw(`${C}delete_router@1`, { node_id, router_id: 'r2' });
});
