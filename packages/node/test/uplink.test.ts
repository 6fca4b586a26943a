/**
 * The management uplink against a fake center, with a real node and a real router worker
 * process: the handshake a Crossbar.io edge does, the probe, the management bridge (calls,
 * progressive results, errors, workers coming and going, events), heartbeats, and the
 * authorization the center's router enforces on node sessions.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AbortError, CallResult, joinSession } from '@cdc/client';
import { KeySigner, SigningKey } from '@cdc/cryptosign';
import { WampError } from '@cdc/protocol';
import type { Dict } from '@cdc/protocol';
import { connect } from '@cdc/transport';
import { OPEN_ROLE, call, startNode, until } from './helpers.js';
import type { TestNode } from './helpers.js';
import { USER_PROCEDURE, startFakeCenter } from './fake-center.js';
import type { FakeCenter } from './fake-center.js';

const NODE_ID = 'node1';
const N = `crossbarfabriccenter.node.${NODE_ID}.`;
let center: FakeCenter;
let node: TestNode;

before(async () => {
  center = await startFakeCenter();
  node = await startNode(
    {
      version: 2,
      controller: {
        cdc: { url: center.wsUrl, heartbeat: { startup_delay: 0.1, heartbeat_period: 0.25 } },
      },
      workers: [
        {
          type: 'router',
          id: 'router1',
          realms: [{ id: 'realm1', name: 'realm1', roles: [OPEN_ROLE] }],
        },
      ],
    },
    {
      uplink: { retry: { initialDelay: 50, maxDelay: 200 }, probeIntervalMs: 100 },
      beforeStart: (_dir, pubkey) => center.pair(pubkey, NODE_ID, { foo: 42 }),
    },
  );
  await until(() => node.controller.management, 10_000, 'the uplink to join');
});
after(async () => {
  await node.stop();
  await center.close();
});

async function rejectsWith(p: Promise<unknown>, uri: string): Promise<WampError> {
  let caught: WampError | undefined;
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof WampError, String(e));
    assert.equal(e.uri, uri, e.message);
    caught = e;
    return true;
  });
  return caught as WampError;
}

test('uplink - polls the realm status until the backend is up, then is managed', async () => {
  // The center's realm backend has not registered get_status yet.
  assert.equal(node.controller.uplink?.managed, false);
  await until(
    () => node.log.records.some((r) => r.msg === 'waiting for the management realm backend'),
    5000,
    'the probe to wait',
  );
  const connected: Dict[] = [];
  await node.session.subscribe('crossbar.on_management_connected', (args) => {
    connected.push(args[0] as Dict);
  });
  await center.serveStatus();
  await until(() => node.controller.uplink?.managed, 5000, 'the node to be managed');
  assert.ok(center.statusCalls >= 1);
  await until(() => connected.length > 0, 5000, 'on_management_connected');
  const first = connected[0] as Dict;
  assert.equal(first['node_id'], NODE_ID);
  assert.equal(first['realm'], center.realm);
  assert.ok(node.log.records.some((r) => r.msg === 'node is managed by the center'));
});

test('uplink - HELLO as a Crossbar.io edge: no realm, no authid, cryptosign with the node key, CBOR', () => {
  const hello = center.connections[0]?.messages[0] as [number, unknown, Dict];
  assert.equal(hello[0], 1);
  assert.equal(hello[1], null);
  const d = hello[2];
  assert.ok(!('authid' in d), 'no authid key at all');
  assert.equal(d['authrole'], 'node');
  assert.deepEqual(d['authmethods'], ['cryptosign']);
  assert.deepEqual(d['authextra'], {
    pubkey: node.controller.status()['pubkey'],
    trustroot: null,
    challenge: null,
    channel_binding: null,
  });
  const transport = center.hellos[0]?.details['transport'] as Dict;
  assert.equal(transport['protocol'], 'wamp.2.cbor');
});

test('uplink - get_status through the bridge reports the management session', async () => {
  const s = await center.call<Dict>(`${N}get_status`);
  assert.equal(s['management_realm'], center.realm);
  assert.equal(s['management_node_id'], NODE_ID);
  assert.equal(s['management_session_id'], node.controller.management?.sessionId);
  assert.equal(typeof s['management_session_id'], 'number');
  assert.equal((s['management_node_extra'] as Dict)['foo'], 42);
  assert.equal(s['node_id'], NODE_ID);
  // The same, locally.
  const local = await call<Dict>(node.session, 'crossbar.get_status');
  assert.equal(local['management_node_id'], NODE_ID);
});

test('uplink - node and worker procedures are bridged; workers get the node ID', async () => {
  const procs = await center.nodeProcedures(NODE_ID);
  for (const p of [
    'get_status',
    'start_worker',
    'get_system_stats',
    'worker.router1.get_router_realms',
  ])
    assert.ok(procs.includes(`${N}${p}`), p);
  assert.ok(procs.length > 40, `only ${procs.length} procedures`);
  assert.deepEqual(await center.call(`${N}get_workers`), ['router1']);
  assert.deepEqual(await center.call(`${N}worker.router1.get_router_realms`), ['realm1']);
  await until(
    async () => (await center.call(`${N}worker.router1.get_node_id`)) === NODE_ID,
    5000,
    'set_node_id on router1',
  );
});

test('uplink - errors pass through with URI, args and kwargs', async () => {
  const up = await rejectsWith(
    center.call(`${N}get_worker`, ['nosuch']),
    'crossbar.error.no_such_worker',
  );
  const local = await rejectsWith(
    node.session.call('crossbar.get_worker', ['nosuch']),
    'crossbar.error.no_such_worker',
  );
  assert.deepEqual(up.args, local.args);
  assert.deepEqual(up.kwargs, local.kwargs);
  await rejectsWith(
    center.call(`${N}start_worker`, ['BAD ID', 'router']),
    'wamp.error.invalid_argument',
  );
});

test('uplink - procedures registered later are bridged: kwargs, progressive results, errors', async () => {
  const progress = await node.session.register(
    'crossbar.test.progress',
    (args, kwargs, details) => {
      details.progress?.(['step', args[0]]);
      return new CallResult(['done'], { k: kwargs['k'] });
    },
  );
  const fail = await node.session.register('crossbar.test.fail', () => {
    throw new WampError('com.example.oops', ['bad'], { why: 1 });
  });
  await until(
    async () => (await center.nodeProcedures(NODE_ID)).includes(`${N}test.fail`),
    5000,
    'test procedures upstream',
  );
  const steps: unknown[][] = [];
  const r = await center.backend.call(
    `${N}test.progress`,
    [7],
    { k: 'v' },
    {
      onProgress: (p) => void steps.push(p.args),
    },
  );
  assert.deepEqual(steps, [['step', 7]]);
  assert.deepEqual(r.args, ['done']);
  assert.deepEqual(r.kwargs, { k: 'v' });
  const e = await rejectsWith(center.call(`${N}test.fail`), 'com.example.oops');
  assert.deepEqual(e.args, ['bad']);
  assert.deepEqual(e.kwargs, { why: 1 });
  await progress.unregister();
  await fail.unregister();
  await until(
    async () => !(await center.nodeProcedures(NODE_ID)).some((p) => p.startsWith(`${N}test.`)),
    5000,
    'test procedures gone upstream',
  );
});

test('uplink - a worker started through the bridge is usable upstream at once, and goes when stopped', async () => {
  const r = await center.call<Dict>(`${N}start_worker`, ['router2', 'router', {}]);
  assert.equal(r['status'], 'started');
  // Registered upstream before start_worker answered, as a Crossbar.io edge does.
  assert.deepEqual(await center.call(`${N}worker.router2.get_router_realms`), []);
  assert.equal(await center.call(`${N}worker.router2.get_node_id`), NODE_ID);
  await until(
    () => center.events.some((e) => e.details.topic === `${N}worker.router2.on_log`),
    5000,
    'a worker log line upstream',
  );
  const log = center.events.find((e) => e.details.topic === `${N}worker.router2.on_log`);
  assert.equal(log?.details.publisherAuthid, NODE_ID);
  await center.call(`${N}stop_worker`, ['router2']);
  await until(
    async () =>
      !(await center.nodeProcedures(NODE_ID)).some((p) => p.startsWith(`${N}worker.router2.`)),
    5000,
    'router2 procedures gone upstream',
  );
  await rejectsWith(
    center.call(`${N}worker.router2.get_router_realms`),
    'wamp.error.no_such_procedure',
  );
});

test('uplink - heartbeats with Crossbar.io shapes and increasing seq', async () => {
  const sid = node.controller.management?.sessionId;
  // Two fresh rounds: router2 of the test before is gone by then.
  const n0 = center.heartbeats.length;
  await until(() => center.heartbeats.length >= Math.max(3, n0 + 2), 5000, 'heartbeats');
  const hbs = center.heartbeats.map((h) => h.args[1] as Dict);
  for (const h of center.heartbeats) {
    assert.equal(h.args[0], NODE_ID);
    assert.equal(h.details.publisherAuthid, NODE_ID);
  }
  const seqs = hbs.map((h) => h['seq'] as number);
  assert.equal(seqs[0], 1);
  for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], (seqs[i - 1] as number) + 1);
  const hb = hbs.at(-1) as Dict;
  assert.ok((hb['timestamp'] as number) > 1e18, 'ns since the epoch');
  assert.equal(hb['period'], 0.25);
  assert.equal(hb['mrealm_id'], center.realm);
  assert.deepEqual(hb['workers'], { router: 1, controller: 1 });
  assert.equal(hb['state'], 1);
  assert.equal(hb['type'], 'cdc');
  assert.equal(typeof hb['version'], 'string');
  const system = hb['system'] as Dict;
  for (const k of ['cpu', 'memory', 'network', 'disk', 'uptime']) assert.ok(k in system, k);
  // Worker heartbeats of the same round: router1 with `process`, the controller flat.
  const round = center.workerHeartbeats.filter((w) => (w.args[2] as Dict)['seq'] === hb['seq']);
  const router1 = round.find((w) => w.args[1] === 'router1')?.args[2] as Dict;
  assert.equal(router1['type'], 'router');
  assert.equal(router1['timestamp'], hb['timestamp']);
  assert.equal(typeof (router1['process'] as Dict)['pid'], 'number');
  assert.equal((router1['router'] as Dict)['roles'], 1);
  const controller = round.find((w) => w.args[1] === 'controller')?.args[2] as Dict;
  assert.equal(controller['type'], 'controller');
  assert.equal(controller['pid'], process.pid);
  assert.equal(controller['state'], 1);
  assert.equal(node.controller.management?.sessionId, sid);
});

test('uplink - the center router holds node sessions to their own node ID', async () => {
  const key = SigningKey.generate();
  center.pair(key.publicKeyHex, 'node2');
  const s = await joinSession(await connect(center.wsUrl), {
    realm: null,
    signer: new KeySigner(key),
    authrole: 'node',
  });
  try {
    assert.equal(s.authid, 'node2');
    assert.equal(s.authrole, 'cdc-node');
    await s.register('crossbarfabriccenter.node.node2.get_status', () => 'mine');
    await rejectsWith(
      s.register(`${N}get_status_evil`, () => 'x'),
      'wamp.error.not_authorized',
    );
    await rejectsWith(
      s.publish(`${N}worker.router1.on_log`, ['forged'], null, { acknowledge: true }),
      'wamp.error.not_authorized',
    );
    await rejectsWith(s.call(`${N}get_status`), 'wamp.error.not_authorized');
    await rejectsWith(s.call(USER_PROCEDURE), 'wamp.error.not_authorized');
  } finally {
    await s.leave();
  }
  // An unknown key is refused before any challenge.
  await assert.rejects(
    joinSession(await connect(center.wsUrl), {
      realm: null,
      signer: new KeySigner(SigningKey.generate()),
    }),
    (e: unknown) => e instanceof AbortError && e.uri === 'com.crossbario.cdc.error.node_unpaired',
  );
});
