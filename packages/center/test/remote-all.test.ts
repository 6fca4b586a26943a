/**
 * Every procedure of the remote node API (SPEC §4.2) through the center against a real node
 * with a router and a container worker: each one called with the arguments the SPEC gives
 * it, and what it did checked on the node. The last call shuts the node down.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { PROCEDURES } from '@cdc/api';
import type { SigningKey } from '@cdc/cryptosign';
import type { Session } from '@cdc/client';
import {
  OPEN_ROLE,
  join,
  ownedRealm,
  rejectsWith,
  startCenter,
  startNode,
  until,
} from './helpers.js';
import type { TestCenter, TestNode } from './helpers.js';

const R = 'com.crossbario.cdc.remote.';
const COMPONENT = `
export default async function (session, { id, extra }) {
  await session.register(\`\${extra.prefix}.echo\`, (args) => args[0]);
}
`;

let c: TestCenter;
let owner: SigningKey;
let s: Session;
let node: TestNode;
const called = new Set<string>();

async function remote<T = unknown>(proc: string, ...args: unknown[]): Promise<T> {
  called.add(proc);
  return (await s.call(`${R}${proc}@1`, ['node1', ...args])).value as T;
}

before(async () => {
  c = await startCenter();
  owner = await ownedRealm(c, 'every');
  s = await join(c, owner, 'every');
  node = await startNode(c);
  writeFileSync(joinPath(node.dir, 'echo.mjs'), COMPONENT);
  await s.call('com.crossbario.cdc.management.pair_node@1', [node.pubkey, 'node1']);
  await until(() => node.controller.uplink?.managed === true, 10_000, 'node1 managed');
});
after(async () => {
  await s.leave().catch(() => undefined);
  await node.stop().catch(() => undefined);
  await c.stop();
});

test('remote, every procedure - controller and workers', async () => {
  const status = await remote<{ node_id: string }>('get_controller_status');
  assert.equal(status.node_id, 'node1');
  await remote('start_router_worker', 'r1', {
    realms: [{ name: 'realm1', roles: [OPEN_ROLE] }],
    transports: [
      {
        type: 'universal',
        id: 'u1',
        endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' },
        websocket: { ws: {} },
        web: { paths: { info: { type: 'json', value: { hi: 1 } } } },
      },
    ],
  });
  assert.deepEqual(await remote('get_node_workers'), ['r1']);
  assert.equal((await remote<{ status: string }>('get_worker_status', 'r1')).status, 'started');
  assert.ok(Array.isArray(await remote('get_worker_log', 'r1', 10)));
  assert.ok((await remote<number>('get_worker_cpu_count', 'r1')) >= 1);
  const cpus = await remote<number[]>('get_worker_cpu_affinity', 'r1');
  assert.ok(cpus.length >= 1);
  await remote('set_worker_cpu_affinity', 'r1', [cpus[0]]);
  assert.deepEqual(await remote('get_worker_cpu_affinity', 'r1'), [cpus[0]]);
  const paths = await remote<string[]>('add_worker_pythonpath', 'r1', [node.dir], true);
  assert.equal(paths[0], node.dir);
  assert.deepEqual(await remote('get_worker_pythonpath', 'r1'), paths);
  const profilers = await remote<{ id: string }[]>('get_worker_profilers', 'r1');
  assert.ok(profilers.some((p) => p.id === 'v8'));
  const started = await remote<{ id: number }>('start_worker_profiler', 'r1', 'v8', 0.2);
  await until(
    async () =>
      (await remote<{ status: string }>('get_worker_profile', 'r1', started.id)).status ===
      'finished',
    10_000,
    'the profile',
  );
});

test('remote, every procedure - realms, roles, transports, web services, router components', async () => {
  assert.deepEqual(await remote('get_router_realms', 'r1'), ['realm1']);
  assert.equal(
    (await remote<{ name: string }>('get_router_realm_status', 'r1', 'realm1')).name,
    'realm1',
  );
  await remote('start_router_realm', 'r1', 'realm2', { name: 'realm2' });
  await remote('start_realm_role', 'r1', 'realm2', 'backend', { ...OPEN_ROLE, name: 'backend' });
  assert.deepEqual(await remote('get_realm_roles', 'r1', 'realm2'), ['backend']);
  const role = await remote<{ id: string }>('get_realm_role_status', 'r1', 'realm2', 'backend');
  assert.equal(role.id, 'backend');
  await remote('stop_realm_role', 'r1', 'realm2', 'backend');
  await remote('stop_router_realm', 'r1', 'realm2');
  assert.deepEqual(await remote('get_router_realms', 'r1'), ['realm1']);

  const t = await remote<{ id: string }[]>('get_router_transports', 'r1');
  assert.deepEqual(
    t.map((x) => x.id),
    ['u1'],
  );
  await remote('start_router_transport', 'r1', 'rs1', {
    type: 'rawsocket',
    endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' },
  });
  assert.equal(
    (await remote<{ id: string }>('get_router_transport_status', 'r1', 'rs1')).id,
    'rs1',
  );
  await remote('stop_router_transport', 'r1', 'rs1');

  assert.deepEqual(await remote('get_web_services', 'r1', 'u1'), ['info']);
  await remote('start_web_service', 'r1', 'u1', 'extra', { type: 'json', value: 2 });
  const svc = await remote<{ config: { value: number } }>(
    'get_web_service_status',
    'r1',
    'u1',
    'extra',
  );
  assert.equal(svc.config.value, 2);
  await remote('stop_web_service', 'r1', 'u1', 'extra');

  const component = {
    type: 'module',
    path: 'echo.mjs',
    realm: 'realm1',
    extra: { prefix: 'com.r' },
  };
  await remote('start_router_component', 'r1', 'c1', component);
  assert.deepEqual(await remote('get_router_components', 'r1'), ['c1']);
  assert.equal((await remote<{ id: string }>('get_router_component_status', 'r1', 'c1')).id, 'c1');
  await remote('stop_router_component', 'r1', 'c1');
});

test('remote, every procedure - container and guest workers', async () => {
  const port = (
    await remote<{ address: { port: number } }>('get_router_transport_status', 'r1', 'u1')
  ).address.port;
  const transport = {
    type: 'websocket',
    endpoint: { type: 'tcp', host: '127.0.0.1', port },
    url: `ws://127.0.0.1:${port}/ws`,
  };
  const component = (prefix: string) => ({
    type: 'module',
    path: 'echo.mjs',
    realm: 'realm1',
    transport,
    extra: { prefix },
  });
  await remote('start_container_worker', 'k1', {
    components: [{ ...component('com.k'), id: 'a' }],
  });
  assert.deepEqual(await remote('get_container_components', 'k1'), ['a']);
  await remote('start_container_component', 'k1', 'b', component('com.kb'));
  assert.equal((await remote<{ id: string }>('get_container_component_status', 'k1', 'b')).id, 'b');
  await remote('restart_container_component', 'k1', 'b');
  await remote('stop_container_component', 'k1', 'b');
  assert.deepEqual(await remote('get_container_components', 'k1'), ['a']);
  await remote('stop_container', 'k1');
  await remote('start_guest_worker', 'g1', {
    executable: process.execPath,
    arguments: ['-e', 'setInterval(() => {}, 1000)'],
  });
  assert.deepEqual(await remote('get_node_workers'), ['g1', 'r1']);
  await remote('shutdown_worker', 'g1');
  await remote('shutdown_worker', 'r1');
});

test('remote, every procedure - the node shuts down when asked, and is offline then', async () => {
  await remote('shutdown_node');
  await until(
    async () =>
      (
        (await s.call('com.crossbario.cdc.get_node_status@1', ['node1'])).value as {
          status: string;
        }
      ).status === 'offline',
    10_000,
    'node1 offline',
  );
  await rejectsWith(remote('get_node_workers'), 'com.crossbario.cdc.error.node_offline');
  // Every remote procedure of the contract was called here.
  const all = PROCEDURES.filter((d) => d.group === 'remote').map((d) => d.name.slice(R.length));
  assert.deepEqual(
    all.filter((p) => !called.has(p)),
    [],
  );
});
