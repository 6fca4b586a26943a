/**
 * What nodes publish becomes the public status events (SPEC §4.2): every kind, in our nodes'
 * event names and Crossbar.io's, with the old status of the same object; a node's event on
 * another node's topic is dropped. A real router with the management realm's roles, sessions
 * over in-memory transports.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RealmConfig } from '@cdc/router';
import { Router } from '@cdc/router';
import { createMemoryPair } from '@cdc/transport';
import { joinSession } from '@cdc/client';
import type { Session } from '@cdc/client';
import { CONTROLLER_EVENTS, EVENTS, WORKER_EVENTS, managementRealmRoles } from '@cdc/api';
import { captureLogger, until } from './helpers.js';
import { NodeEvents } from '../src/backend/node-events.js';

const REALM = 'ops';
let router: Router;
let backend: Session;
let n1: Session;
let n2: Session;
let watcher: Session;
const seen: unknown[][] = [];
const log = captureLogger();

async function open(role: string, authid: string): Promise<Session> {
  const [client, server] = createMemoryPair();
  router.accept(server, { auth: { anonymous: { type: 'static', role, authid } } });
  return joinSession(client, { realm: REALM });
}

before(async () => {
  router = new Router({ logger: captureLogger() });
  router.addRealm({
    name: REALM,
    roles: managementRealmRoles(),
    options: { uri_check: 'loose' },
  } as unknown as RealmConfig);
  backend = await open('trusted', 'backend');
  await new NodeEvents({ session: backend, log }).start();
  n1 = await open('cdc-node', 'n1');
  n2 = await open('cdc-node', 'n2');
  watcher = await open('trusted', 'watcher');
  for (const topic of Object.values(EVENTS))
    await watcher.subscribe(topic, (args) => void seen.push([topic.split('.').pop(), ...args]));
  await watcher.subscribe(
    'com.crossbario.cdc.node.n1.worker.w1.on_log@1',
    (args) => void seen.push(['log', ...args]),
  );
});
after(() => router.close());

async function emit(node: Session, suffix: string, args: unknown[]): Promise<void> {
  await node.publish(
    `crossbarfabriccenter.node.${node.authid as string}.${suffix}`,
    args,
    {},
    {
      acknowledge: true,
    },
  );
}

test('node events - every kind, with old and new status', async () => {
  await emit(n1, 'on_router_starting', [{ id: 'w1', type: 'router' }]);
  await emit(n1, 'on_router_started', [{ id: 'w1', type: 'router' }]);
  await emit(n1, 'worker.w1.on_realm_started', ['realm1']);
  await emit(n1, 'worker.w1.on_router_realm_stopped', ['realm1']); // Crossbar.io's name
  await emit(n1, 'worker.w1.on_router_realm_role_started', ['realm1', 'anonymous']);
  await emit(n1, 'worker.w1.on_router_transport_starting', ['t1']);
  await emit(n1, 'worker.w1.on_router_transport_started', ['t1', { id: 't1' }]);
  await emit(n1, 'worker.w1.on_web_transport_service_started', ['t1', 'info', {}]);
  await emit(n1, 'worker.w1.on_component_start', ['c1']);
  await emit(n1, 'worker.w1.on_component_ready', ['c1', {}]);
  await emit(n1, 'on_container_starting', [{ id: 'k1', type: 'container' }]);
  await emit(n1, 'worker.k1.on_component_started', ['c2', {}]);
  await emit(n1, 'worker.k1.on_component_stopped', ['c2']);
  await emit(n1, 'worker.w1.on_log', [{ level: 'info', message: 'hello' }]);
  await emit(n1, 'on_worker_exited', [{ id: 'w1', type: 'router', expected: false }]);
  await until(() => seen.length >= 15, 5000, 'the events');
  assert.deepEqual(seen, [
    ['on_worker_status@1', 'n1', 'w1', null, 'starting'],
    ['on_worker_status@1', 'n1', 'w1', 'starting', 'started'],
    ['on_router_realm@1', 'n1', 'w1', 'realm1', null, 'started'],
    ['on_router_realm@1', 'n1', 'w1', 'realm1', 'started', 'stopped'],
    ['on_realm_role@1', 'n1', 'w1', 'realm1', 'anonymous', null, 'started'],
    ['on_router_transport@1', 'n1', 'w1', 't1', null, 'starting'],
    ['on_router_transport@1', 'n1', 'w1', 't1', 'starting', 'started'],
    ['on_web_service@1', 'n1', 'w1', 't1', 'info', null, 'started'],
    ['on_router_component@1', 'n1', 'w1', 'c1', null, 'starting'],
    ['on_router_component@1', 'n1', 'w1', 'c1', 'starting', 'started'],
    ['on_worker_status@1', 'n1', 'k1', null, 'starting'],
    ['on_container_component@1', 'n1', 'k1', 'c2', null, 'started'],
    ['on_container_component@1', 'n1', 'k1', 'c2', 'started', 'stopped'],
    ['log', { level: 'info', message: 'hello' }],
    ['on_worker_status@1', 'n1', 'w1', 'started', 'failed'],
  ]);
});

test("node events - a node cannot publish on another node's topics", async () => {
  seen.length = 0;
  await assert.rejects(
    n2.publish(
      'crossbarfabriccenter.node.n1.on_router_started',
      [{ id: 'w9' }],
      {},
      {
        acknowledge: true,
      },
    ),
  );
  await emit(n2, 'on_router_started', [{ id: 'w9', type: 'router' }]);
  await until(() => seen.length >= 1, 5000, 'n2 event');
  assert.deepEqual(seen, [['on_worker_status@1', 'n2', 'w9', null, 'started']]);
});

/** Status-like events of the contract that are not object statuses (no public event). */
const NOT_A_STATUS = new Set(['on_worker_ready', 'on_profile_started']);

test('node events - every status event of the node API contract, by each of its names, becomes a public event', async () => {
  const status = /_(starting|started|stopping|stopped|failed|ready|start)$/;
  let n = 0;
  for (const e of [...Object.values(CONTROLLER_EVENTS), ...Object.values(WORKER_EVENTS)])
    for (const name of [e.name, ...e.aliases]) {
      if (!status.test(name) || NOT_A_STATUS.has(name)) continue;
      seen.length = 0;
      const id = `x${++n}`;
      if (e.level === 'controller') await emit(n1, name, [{ id, type: 'router' }]);
      else
        await emit(
          n1,
          `worker.w${n}.${name}`,
          e.args.map((a) => (a === 'info' ? {} : id)),
        );
      await until(() => seen.length >= 1, 5000, `a public event for ${e.level} ${name}`);
    }
  assert.ok(n > 30, `${n} status events`);
});
