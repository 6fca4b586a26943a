/**
 * A node with a real router worker process: config at boot, the worker's management API
 * live (realms, roles, transports, web services, components), real clients on what it opens.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { joinSession } from '@cdc/client';
import { WampError } from '@cdc/protocol';
import { connect } from '@cdc/transport';
import { FIXTURES, OPEN_ROLE, call, startNode, until } from './helpers.js';
import type { TestNode } from './helpers.js';

let node: TestNode;
const W = 'crossbar.worker.router1.';

before(async () => {
  node = await startNode({
    version: 2,
    workers: [
      {
        type: 'router',
        id: 'router1',
        realms: [{ id: 'realm1', name: 'realm1', roles: [OPEN_ROLE] }],
        transports: [
          {
            type: 'websocket',
            id: 'ws1',
            endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' },
          },
        ],
        components: [
          {
            type: 'module',
            id: 'echo',
            path: join(FIXTURES, 'echo-component.mjs'),
            realm: 'realm1',
            role: 'anonymous',
          },
        ],
      },
    ],
  });
});
after(() => node.stop());

function wsUrl(t: { address: { port: number } }, path = '/ws'): string {
  return `ws://127.0.0.1:${t.address.port}${path}`;
}

test('router worker - started from config: status, workers and the transport it opened', async () => {
  const status = await call<Record<string, unknown>>(node.session, 'crossbar.get_status');
  assert.equal(status['running_workers'], 1);
  assert.deepEqual(status['workers_by_type'], { router: 1 });
  assert.match(String(status['pubkey']), /^[0-9a-f]{64}$/);
  assert.deepEqual(await call(node.session, 'crossbar.get_workers'), ['router1']);
  const w = await call<Record<string, unknown>>(node.session, 'crossbar.get_worker', ['router1']);
  assert.equal(w['type'], 'router');
  assert.equal(w['status'], 'started');
  assert.equal(typeof w['pid'], 'number');
  assert.notEqual(w['pid'], process.pid, 'a worker is its own process');
  const t = await call<{ id: string; state: number; address: { port: number } }>(
    node.session,
    `${W}get_router_transport`,
    ['ws1'],
  );
  assert.equal(t.state, 3);
  // A real client on the worker's transport reaches the in-process component.
  const client = await joinSession(await connect(wsUrl(t)), { realm: 'realm1' });
  assert.equal((await client.call('com.example.echo', ['hi'])).value, 'hi');
  assert.deepEqual((await client.call('com.example.whoami')).value, {
    component: 'echo',
    authrole: 'anonymous',
  });
  await client.leave();
});

test('router worker - realms and roles start and stop live', async () => {
  const realm = await call<Record<string, unknown>>(node.session, `${W}start_router_realm`, [
    'realm2',
    { name: 'realm2' },
  ]);
  assert.equal(realm['id'], 'realm2');
  assert.deepEqual(realm['roles'], []);
  assert.deepEqual(await call(node.session, `${W}get_router_realms`), ['realm1', 'realm2']);
  const role = await call(node.session, `${W}start_router_realm_role`, [
    'realm2',
    'anonymous',
    OPEN_ROLE,
  ]);
  assert.deepEqual(role, { id: 'anonymous', config: OPEN_ROLE });
  assert.deepEqual(await call(node.session, `${W}get_router_realm_roles`, ['realm2']), [
    'anonymous',
  ]);
  const t = await call<{ address: { port: number } }>(node.session, `${W}get_router_transport`, [
    'ws1',
  ]);
  const c = await joinSession(await connect(wsUrl(t)), { realm: 'realm2' });
  await c.register('com.example.r2', () => 'realm2 ok');
  assert.equal((await c.call('com.example.r2')).value, 'realm2 ok');
  await call(node.session, `${W}stop_router_realm_role`, ['realm2', 'anonymous']);
  await until(() => !c.isOpen, 5000, 'the session of a removed role to close');
  await call(node.session, `${W}stop_router_realm`, ['realm2']);
  assert.deepEqual(await call(node.session, `${W}get_router_realms`), ['realm1']);
});

test('router worker - a transport started live takes real clients; stopping closes it', async () => {
  const cfg = {
    type: 'universal',
    endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' },
    rawsocket: {},
    websocket: { ws: {} },
    web: { paths: { info: { type: 'json', value: { hello: 'web' } } } },
  };
  const events: unknown[][] = [];
  await node.session.subscribe(`${W}on_router_transport_started`, (args) => void events.push(args));
  const t = await call<{ id: string; state: number; address: { port: number } }>(
    node.session,
    `${W}start_router_transport`,
    ['u1', cfg],
  );
  assert.equal(t.id, 'u1');
  assert.equal(t.state, 3);
  const rs = await joinSession(await connect(`rs://127.0.0.1:${t.address.port}`), {
    realm: 'realm1',
  });
  assert.equal((await rs.call('com.example.echo', [42])).value, 42);
  await rs.leave();
  const res = await fetch(`http://127.0.0.1:${t.address.port}/info`);
  assert.deepEqual(await res.json(), { hello: 'web' });
  // Web services start and stop live too.
  await call(node.session, `${W}start_web_transport_service`, [
    'u1',
    'extra',
    { type: 'redirect', url: 'https://example.com/' },
  ]);
  assert.deepEqual(await call(node.session, `${W}get_web_transport_services`, ['u1']), [
    'extra',
    'info',
  ]);
  const redirect = await fetch(`http://127.0.0.1:${t.address.port}/extra`, { redirect: 'manual' });
  assert.equal(redirect.status, 302);
  await call(node.session, `${W}stop_web_transport_service`, ['u1', 'extra']);
  assert.equal((await fetch(`http://127.0.0.1:${t.address.port}/extra`)).status, 404);
  await until(() => events.length > 0, 3000, 'on_router_transport_started');
  await call(node.session, `${W}stop_router_transport`, ['u1']);
  await assert.rejects(fetch(`http://127.0.0.1:${t.address.port}/info`));
});

test('router worker - components start, stop and fail with clear errors', async () => {
  const cfg = {
    type: 'module',
    path: join(FIXTURES, 'echo-component.mjs'),
    realm: 'realm1',
    extra: { prefix: 'com.other' },
  };
  const info = await call<Record<string, unknown>>(node.session, `${W}start_router_component`, [
    'other',
    cfg,
  ]);
  assert.equal(info['id'], 'other');
  assert.deepEqual(await call(node.session, `${W}get_router_components`), ['echo', 'other']);
  await call(node.session, `${W}stop_router_component`, ['other']);
  await assert.rejects(
    node.session.call(`${W}start_router_component`, [
      'bad',
      { ...cfg, path: join(FIXTURES, 'failing-component.mjs') },
    ]),
    (e: unknown) =>
      e instanceof WampError &&
      e.uri === 'crossbar.error.cannot_start' &&
      /refuses to start/.test(e.message),
  );
  await assert.rejects(
    node.session.call(`${W}start_router_component`, [
      'missing',
      { ...cfg, path: 'no/such/module.mjs' },
    ]),
    (e: unknown) => e instanceof WampError && e.uri === 'crossbar.error.class_import_failed',
  );
});

test('router worker - bad input gets crossbar.error.* with a message, and the worker keeps running', async () => {
  const expectUri = async (
    proc: string,
    args: unknown[],
    uri: string,
    re?: RegExp,
  ): Promise<void> => {
    await assert.rejects(node.session.call(proc, args), (e: unknown) => {
      assert.ok(e instanceof WampError, String(e));
      assert.equal(e.uri, uri, `${proc}: ${e.message}`);
      if (re !== undefined) assert.match(e.message, re);
      return true;
    });
  };
  await expectUri(
    `${W}start_router_realm`,
    ['realm1', { name: 'realm1' }],
    'crossbar.error.already_running',
  );
  await expectUri(
    `${W}start_router_realm`,
    ['Bad ID', { name: 'realmx' }],
    'wamp.error.invalid_argument',
    /realm_id/,
  );
  await expectUri(
    `${W}start_router_realm`,
    ['rx', { name: '1' }],
    'crossbar.error.invalid_configuration',
    /name/,
  );
  await expectUri(`${W}stop_router_realm`, ['nope'], 'crossbar.error.no_such_object');
  await expectUri(`${W}get_router_transport`, ['nope'], 'crossbar.error.no_such_object');
  await expectUri(
    `${W}start_router_transport`,
    ['t9', { type: 'websocket', endpoint: { type: 'tcp', port: 99999 } }],
    'crossbar.error.invalid_configuration',
    /endpoint\.port/,
  );
  const t = await call<{ address: { port: number } }>(node.session, `${W}get_router_transport`, [
    'ws1',
  ]);
  await expectUri(
    `${W}start_router_transport`,
    [
      't9',
      {
        type: 'websocket',
        endpoint: { type: 'tcp', port: t.address.port, interface: '127.0.0.1' },
      },
    ],
    'crossbar.error.cannot_listen',
  );
  await expectUri(
    `${W}start_router_transport`,
    ['ws1', { type: 'websocket', endpoint: { type: 'tcp', port: 0 } }],
    'crossbar.error.already_running',
  );
  await expectUri(
    `${W}start_router_realm_role`,
    ['realm1', 'r', { name: 'r', permissions: [], authorizer: 'x.y' }],
    'crossbar.error.invalid_configuration',
  );
  assert.equal(
    (await call<Record<string, unknown>>(node.session, 'crossbar.get_worker', ['router1']))[
      'status'
    ],
    'started',
  );
});

test('router worker - native procedures: CPU affinity, process info, profiler, module paths', async () => {
  assert.equal(typeof (await call(node.session, `${W}get_cpu_count`)), 'number');
  const cpus = await call<number[]>(node.session, `${W}get_cpus`);
  assert.ok(cpus.length >= 1);
  assert.deepEqual(await call(node.session, `${W}set_cpu_affinity`, [[0], false]), [0]);
  assert.deepEqual(await call(node.session, `${W}get_cpu_affinity`), [0]);
  await call(node.session, `${W}set_cpu_affinity`, [cpus, false]);
  const info = await call<Record<string, unknown>>(node.session, `${W}get_process_info`);
  assert.equal(
    info['pid'],
    (await call<Record<string, unknown>>(node.session, 'crossbar.get_worker', ['router1']))['pid'],
  );
  const stats = await call<Record<string, unknown>>(node.session, `${W}get_process_stats`);
  assert.equal(typeof stats['num_threads'], 'number');
  const profilers = await call<{ id: string }[]>(node.session, `${W}get_profilers`);
  assert.ok(profilers.some((p) => p.id === 'v8'));
  const started = await call<{ id: number }>(node.session, `${W}start_profiler`, ['vmprof', 0.5]);
  const profile = await until(
    async () => {
      const p = await call<{ status: string; profile?: { functions: unknown[] } }>(
        node.session,
        `${W}get_profile`,
        [started.id],
      );
      return p.status === 'running' ? undefined : p;
    },
    5000,
    'the profile',
  );
  assert.equal(profile.status, 'finished');
  assert.ok(Array.isArray(profile.profile?.functions));
  const paths = await call<string[]>(node.session, `${W}add_pythonpath`, [[FIXTURES]]);
  assert.equal(paths[0], FIXTURES);
  // A module found through the search path.
  await call(node.session, `${W}start_router_component`, [
    'viapath',
    { type: 'module', path: 'echo-component.mjs', realm: 'realm1', extra: { prefix: 'com.path' } },
  ]);
  await call(node.session, `${W}stop_router_component`, ['viapath']);
});

test('router worker - logs are kept per worker and published live', async () => {
  const log = await call<{ message: string; level: string }[]>(
    node.session,
    'crossbar.get_worker_log',
    ['router1', 500],
  );
  assert.ok(
    log.some((e) => /worker ready/.test(e.message)),
    JSON.stringify(log.slice(-5)),
  );
  const live: unknown[] = [];
  await node.session.subscribe(`${W}on_log`, (args) => void live.push(args[0]));
  await call(node.session, `${W}start_router_realm`, ['realm3', { name: 'realm3' }]);
  await until(() => live.length > 0, 3000, 'a live log line');
  await call(node.session, `${W}stop_router_realm`, ['realm3']);
});
