/**
 * The center end to end: users and nodes authenticate by key, nodes are paired, come
 * online and go offline, heartbeats count only from their node, and the realm API answers.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SigningKey } from '@cdc/cryptosign';
import { WampError } from '@cdc/protocol';
import type { NodeInfo } from '@cdc/api';
import {
  heartbeat,
  join,
  joinAsNode,
  ownedRealm,
  startCenter,
  startNode,
  until,
  ROUTER_CONFIG,
} from './helpers.js';
import type { TestCenter, TestNode } from './helpers.js';

let c: TestCenter;
let owner: SigningKey;
const nodes: TestNode[] = [];

before(async () => {
  c = await startCenter();
  owner = await ownedRealm(c, 'realm-one');
});
after(async () => {
  for (const n of nodes) await n.stop().catch(() => undefined);
  await c.stop();
});

async function rejectsWith(p: Promise<unknown>, uri: string): Promise<void> {
  await assert.rejects(
    p,
    (e: unknown) =>
      e instanceof WampError &&
      e.uri === uri &&
      (e.args[0] === undefined || typeof e.args[0] === 'string'),
  );
}

test('center - an owner key joins its realm with cdc-owner, or the one realm it has when it names none', async () => {
  const s = await join(c, owner, 'realm-one');
  assert.equal(s.realm, 'realm-one');
  assert.equal(s.authrole, 'cdc-owner');
  assert.equal(s.authid, 'alice');
  await s.leave();
  const t = await join(c, owner, null);
  assert.equal(t.realm, 'realm-one');
  await t.leave();
  const g = await join(c, owner, 'com.crossbario.cdc');
  assert.equal(g.authrole, 'cdc-user');
  await g.leave();
  await rejectsWith(join(c, owner, 'no-such-realm'), 'wamp.error.not_authorized');
  await rejectsWith(join(c, SigningKey.generate(), 'realm-one'), 'wamp.error.not_authorized');
});

test('center - a node is paired, comes online (running with a worker), and goes offline when it stops', async () => {
  const s = await join(c, owner, 'realm-one');
  const changes: unknown[][] = [];
  await s.subscribe(
    'com.crossbario.cdc.remote.on_node_status@1',
    (args) => void changes.push(args),
  );
  const node = await startNode(c, ROUTER_CONFIG);
  const paired = (
    await s.call('com.crossbario.cdc.management.pair_node@1', [node.pubkey, 'edge1', { site: 'a' }])
  ).value as NodeInfo;
  assert.equal(paired.node_id, 'edge1');
  assert.deepEqual(paired.extra, { site: 'a' });
  const info = await until(
    async () => {
      const n = (await s.call('com.crossbario.cdc.get_node_status@1', ['edge1'])).value as NodeInfo;
      return n.status === 'running' && n.heartbeat !== null ? n : undefined;
    },
    15_000,
    'the node to run',
  );
  assert.equal(info.type, 'cdc');
  assert.deepEqual(info.workers, { router: 1, container: 0, guest: 0 });
  const m = node.controller.management;
  assert.equal(m?.nodeId, 'edge1');
  assert.equal(m.realm, 'realm-one');
  assert.deepEqual((await s.call('com.crossbario.cdc.get_nodes@1')).value, ['edge1']);
  assert.deepEqual((await s.call('com.crossbario.cdc.management.get_nodes')).value, ['edge1']);
  const v2 = (await s.call('com.crossbario.cdc.get_nodes@2', ['running'])).value as NodeInfo[];
  assert.deepEqual(
    v2.map((n) => n.node_id),
    ['edge1'],
  );
  const v3 = (await s.call('com.crossbario.cdc.management.get_nodes@3', ['cdc', null]))
    .value as Record<string, NodeInfo>;
  assert.deepEqual(Object.keys(v3), ['edge1']);
  assert.deepEqual((await s.call('com.crossbario.cdc.get_nodes@3', ['crossbar', null])).value, {});
  const status = (await s.call('com.crossbario.cdc.general.get_status@1')).value as Record<
    string,
    unknown
  >;
  assert.deepEqual(status['nodes'], { total: 1, online: 1, offline: 0 });
  await node.stop();
  await until(
    async () =>
      ((await s.call('com.crossbario.cdc.get_node_status@1', ['edge1'])).value as NodeInfo)
        .status === 'offline',
    5000,
    'offline',
  );
  await until(
    () => changes.some((e) => e[0] === 'edge1' && e[2] === 'offline'),
    3000,
    'the offline event',
  );
  assert.ok(changes.some((e) => e[0] === 'edge1' && (e[2] === 'online' || e[2] === 'running')));
  await s.leave();
});

test('center - an unpaired node is refused, keeps trying, and comes online by itself once paired', async () => {
  const node = await startNode(c);
  nodes.push(node);
  await until(
    () => c.log.records.length > 0 && node.controller.uplink !== undefined,
    3000,
    'the uplink',
  );
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(node.controller.management, undefined, 'not managed while unpaired');
  const s = await join(c, owner, 'realm-one');
  await s.call('com.crossbario.cdc.management.pair_node@1', [node.pubkey, 'late1']);
  await until(
    () => node.controller.management?.nodeId === 'late1',
    10_000,
    'the node to come online',
  );
  await until(
    async () =>
      ((await s.call('com.crossbario.cdc.get_node_status@1', ['late1'])).value as NodeInfo)
        .status === 'online',
    5000,
    'online',
  );
  // Unpairing disconnects it at once, and it is refused from then on.
  const r = (await s.call('com.crossbario.cdc.management.unpair_node@1', ['late1']))
    .value as Record<string, unknown>;
  assert.equal(r['disconnected'], true);
  await until(() => node.controller.management === undefined, 5000, 'the node to be disconnected');
  await s.leave();
});

test('center - errors for bad arguments and unknown things', async () => {
  const s = await join(c, owner, 'realm-one');
  await rejectsWith(
    s.call('com.crossbario.cdc.get_node_status@1', ['nope']),
    'com.crossbario.cdc.error.no_such_node',
  );
  await rejectsWith(
    s.call('com.crossbario.cdc.get_node_status@1', ['Bad ID']),
    'wamp.error.invalid_argument',
  );
  await rejectsWith(
    s.call('com.crossbario.cdc.get_nodes@2', ['sleepy']),
    'wamp.error.invalid_argument',
  );
  await rejectsWith(
    s.call('com.crossbario.cdc.management.pair_node@1', ['zz', 'n1']),
    'wamp.error.invalid_argument',
  );
  const k = SigningKey.generate().publicKeyHex;
  await s.call('com.crossbario.cdc.management.pair_node@1', [k, 'dup1']);
  await rejectsWith(
    s.call('com.crossbario.cdc.management.pair_node@1', [k, 'dup2']),
    'com.crossbario.cdc.error.already_exists',
  );
  await rejectsWith(
    s.call('com.crossbario.cdc.management.pair_node@1', [
      SigningKey.generate().publicKeyHex,
      'dup1',
    ]),
    'com.crossbario.cdc.error.already_exists',
  );
  await rejectsWith(
    s.call('com.crossbario.cdc.management.unpair_node@1', ['never-paired']),
    'com.crossbario.cdc.error.no_such_node',
  );
  await rejectsWith(
    s.call('com.crossbario.cdc.management.grant_access@1', [
      SigningKey.generate().publicKeyHex,
      'cdc-king',
      'x',
    ]),
    'wamp.error.invalid_argument',
  );
  await rejectsWith(
    s.call('com.crossbario.cdc.management.revoke_access@1', [owner.publicKeyHex]),
    'com.crossbario.cdc.error.last_owner',
  );
  await s.leave();
});

test('center - grants: a granted key joins with its role and loses it on revoke; all of it is audited', async () => {
  const s = await join(c, owner, 'realm-one');
  const bot = SigningKey.generate();
  const g = (
    await s.call('com.crossbario.cdc.management.grant_access@1', [
      bot.publicKeyHex,
      'cdc-devop',
      'ci-bot',
    ])
  ).value as Record<string, unknown>;
  assert.deepEqual([g['role'], g['authid']], ['cdc-devop', 'ci-bot']);
  const b = await join(c, bot, 'realm-one');
  assert.equal(b.authrole, 'cdc-devop');
  assert.equal(b.authid, 'ci-bot');
  const access = (await s.call('com.crossbario.cdc.management.list_access@1')).value as {
    pubkey: string;
  }[];
  assert.ok(access.some((a) => a.pubkey === bot.publicKeyHex));
  await s.call('com.crossbario.cdc.management.revoke_access@1', [bot.publicKeyHex]);
  await until(() => !b.isOpen, 5000, 'the revoked session to close');
  await assert.rejects(join(c, bot, 'realm-one'));
  const log = (
    await s.call('com.crossbario.cdc.management.get_audit_log@1', [
      { procedure: 'com.crossbario.cdc.management.revoke_access@1' },
    ])
  ).value as Record<string, unknown>[];
  assert.ok(
    log.some((e) => e['authid'] === 'alice' && e['outcome'] === 'ok' && e['role'] === 'cdc-owner'),
  );
  const failed = (
    await s.call('com.crossbario.cdc.management.get_audit_log@1', [{ outcome: 'error' }])
  ).value as Record<string, unknown>[];
  assert.ok(failed.length > 0 && failed.every((e) => typeof e['error'] === 'string'));
  await s.leave();
});

test("center - a forged heartbeat (another node's ID) is dropped and logged", async () => {
  const a = await startNode(c);
  const bnode = await startNode(c);
  nodes.push(a, bnode);
  const s = await join(c, owner, 'realm-one');
  await s.call('com.crossbario.cdc.management.pair_node@1', [a.pubkey, 'hb-a']);
  await s.call('com.crossbario.cdc.management.pair_node@1', [bnode.pubkey, 'hb-b']);
  await until(
    () => a.controller.management !== undefined && bnode.controller.management !== undefined,
    10_000,
    'both nodes',
  );
  // Node A publishes a heartbeat claiming to be node B, over its own upstream session.
  const up = a.controller.uplink?.session;
  assert.ok(up !== undefined);
  await up.publish(
    'crossbarfabriccenter.node.on_heartbeat',
    [
      'hb-b',
      {
        timestamp: Date.now() * 1e6,
        period: 1,
        mrealm_id: 'realm-one',
        seq: 999,
        workers: { router: 7 },
      },
    ],
    {},
    { acknowledge: true },
  );
  await until(
    () =>
      c.log.records.some(
        (r) => r.msg === 'forged heartbeat dropped' && r.obj['claimed'] === 'hb-b',
      ),
    5000,
    'the forged heartbeat log',
  );
  const b = (await s.call('com.crossbario.cdc.get_node_status@1', ['hb-b'])).value as NodeInfo;
  assert.notEqual(b.heartbeat, 999);
  // And it may not register under B's prefix either.
  await assert.rejects(
    up.register('crossbarfabriccenter.node.hb-b.get_status', () => 1),
    (e: unknown) => e instanceof WampError && e.uri === 'wamp.error.not_authorized',
  );
  await s.leave();
});

test('center - a node that goes silent is offline within its heartbeat period (and its session is closed)', async () => {
  const s = await join(c, owner, 'realm-one');
  const key = SigningKey.generate();
  await s.call('com.crossbario.cdc.management.pair_node@1', [key.publicKeyHex, 'silent1']);
  const fake = await joinAsNode(c, key);
  assert.equal(fake.authid, 'silent1');
  await heartbeat(fake, 'silent1', {
    timestamp: Date.now() * 1e6,
    period: 0.4,
    mrealm_id: 'realm-one',
    seq: 1,
    workers: {},
  });
  await until(
    async () =>
      ((await s.call('com.crossbario.cdc.get_node_status@1', ['silent1'])).value as NodeInfo)
        .status === 'online',
    3000,
    'online',
  );
  const t0 = Date.now();
  await until(
    async () =>
      ((await s.call('com.crossbario.cdc.get_node_status@1', ['silent1'])).value as NodeInfo)
        .status === 'offline',
    5000,
    'offline',
  );
  assert.ok(Date.now() - t0 < 4000);
  await until(() => !fake.isOpen, 3000, 'the silent session to be closed');
  await s.leave();
});

test('center - heartbeats reach the database: a node that left still shows its last one', async () => {
  const s = await join(c, owner, 'realm-one');
  const key = SigningKey.generate();
  await s.call('com.crossbario.cdc.management.pair_node@1', [key.publicKeyHex, 'beating1']);
  const fake = await joinAsNode(c, key);
  const sent = Date.UTC(2026, 10, 26, 12, 0, 0);
  for (let seq = 1; seq <= 3; seq++)
    await heartbeat(fake, 'beating1', {
      timestamp: (sent + seq * 1000) * 1e6,
      period: 1,
      mrealm_id: 'realm-one',
      seq,
      workers: { guest: 1 },
      type: 'cdc',
      version: '9.9.9',
    });
  const live = await until(async () => {
    const n = (await s.call('com.crossbario.cdc.get_node_status@1', ['beating1']))
      .value as NodeInfo;
    return n.heartbeat === 3 ? n : undefined;
  });
  assert.equal(live.status, 'running');
  assert.equal(live.heartbeat_time, new Date(sent + 3000).toISOString());
  await fake.leave();
  // Offline, the info comes from the database alone.
  const stored = await until(async () => {
    const n = (await s.call('com.crossbario.cdc.get_node_status@1', ['beating1']))
      .value as NodeInfo;
    return n.status === 'offline' && n.heartbeat === 3 ? n : undefined;
  }, 5000);
  assert.equal(stored.heartbeat_time, new Date(sent + 3000).toISOString());
  assert.equal(stored.version, '9.9.9');
  assert.equal(stored.type, 'cdc');
  assert.deepEqual(stored.workers, { router: 0, container: 0, guest: 1 });
  await s.leave();
});
