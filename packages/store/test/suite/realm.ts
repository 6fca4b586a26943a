/**
 * Shared suite, realm store: nodes, heartbeats with pruning, the audit log and its filters,
 * JSON round trips and timestamps.
 * @module
 */
import assert from 'node:assert/strict';
import type { HeartbeatRecord, RealmStore } from '../../src/index.js';
import type { Case, Center } from './harness.js';
import { at, key, must, rejectsWith } from './harness.js';

export async function realmStore(c: Center, name = 'realm-a'): Promise<RealmStore> {
  const r = await c.factory.realm(name);
  await r.migrate();
  return r;
}

function hb(node_id: string, seq: number, extra: Partial<HeartbeatRecord> = {}): HeartbeatRecord {
  return {
    node_id,
    seq,
    time: at(seq * 10),
    received: at(seq * 10 + 1),
    workers: { router: 1, container: 0, guest: seq },
    system: { cpu: { percent: seq }, memory: [1, 2, 3] },
    ...extra,
  };
}

/** Compares with key order, which deepEqual ignores: JSON must come back byte for byte. */
export function sameJson(actual: unknown, expected: unknown): void {
  assert.equal(JSON.stringify(actual), JSON.stringify(expected));
}

export const TRICKY = {
  zeta: 1,
  alpha: { b: [1, 2.5, -0.125, 1e21, 9007199254740991], a: null },
  '': 'empty key',
  quote: 'she said "hi"\n\ttab \\ backslash',
  unicode: 'ünïcødé ✓ 🚀 \u0000 nul',
  nested: { deep: { deeper: { deepest: [[[[]]], {}] } } },
  bool: [true, false],
  dup: { b: 1, a: 2, B: 3 },
};

export function realmCases(it: Case): void {
  it('nodes', 'upsert creates a node, then changes only the fields given', async (c) => {
    const r = await realmStore(c);
    const n = await r.upsertNode({ node_id: 'node1', pubkey: key('n1'), extra: { a: 1 } });
    assert.deepEqual(n, {
      node_id: 'node1',
      pubkey: key('n1'),
      extra: { a: 1 },
      created: n.created,
      last_seen: null,
      heartbeat: null,
      heartbeat_time: null,
      workers: {},
      version: null,
      type: null,
      config: null,
    });
    const config = { version: 2, workers: [{ type: 'router', id: 'r1' }] };
    const withConfig = await r.upsertNode({ node_id: 'node1', config });
    assert.deepEqual(withConfig, { ...n, config });
    const rekeyed = await r.upsertNode({ node_id: 'node1', pubkey: null, extra: {} });
    assert.deepEqual(rekeyed, { ...n, pubkey: null, extra: {}, config });
    assert.deepEqual(await r.upsertNode({ node_id: 'node1' }), rekeyed);
    await r.upsertNode({ node_id: 'node0' });
    assert.deepEqual(
      (await r.listNodes()).map((x) => x.node_id),
      ['node0', 'node1'],
    );
    assert.deepEqual(await r.getNode('node1'), rekeyed);
    assert.equal(await r.getNode('node9'), undefined);
    assert.equal(await r.deleteNode('node1'), true);
    assert.equal(await r.deleteNode('node1'), false);
    assert.equal(await r.getNode('node1'), undefined);
  });

  it('nodes', 'a key belongs to one node of the realm; bad input is INVALID', async (c) => {
    const r = await realmStore(c);
    await r.upsertNode({ node_id: 'node1', pubkey: key('n1') });
    await rejectsWith(
      r.upsertNode({ node_id: 'node2', pubkey: key('n1') }),
      'ALREADY_EXISTS',
      /node "node1"/,
    );
    // Many nodes may have no key.
    await r.upsertNode({ node_id: 'node2', pubkey: null });
    await r.upsertNode({ node_id: 'node3' });
    await rejectsWith(r.upsertNode({ node_id: 'Node 4' }), 'INVALID', /node ID/);
    await rejectsWith(r.upsertNode({ node_id: 'node4', pubkey: 'zz' }), 'INVALID', /key/);
    await rejectsWith(r.upsertNode({ node_id: 'node4', config: [] as never }), 'INVALID');
    assert.equal((await r.listNodes()).length, 3);
  });

  it('nodes', 'nodeSeen records the time and what the node reported', async (c) => {
    const r = await realmStore(c);
    await r.upsertNode({ node_id: 'node1' });
    await r.nodeSeen('node1', { time: '2026-03-01T12:00:00+02:00', version: '1.2.3', type: 'cdc' });
    let n = must(await r.getNode('node1'));
    assert.equal(n.last_seen, '2026-03-01T10:00:00.000Z');
    assert.equal(n.version, '1.2.3');
    assert.equal(n.type, 'cdc');
    await r.nodeSeen('node1', { time: at(5) });
    n = must(await r.getNode('node1'));
    assert.equal(n.last_seen, at(5));
    assert.equal(n.version, '1.2.3');
    await r.nodeSeen('node1', { time: at(6), version: null, type: 'crossbar' });
    n = must(await r.getNode('node1'));
    assert.equal(n.version, null);
    assert.equal(n.type, 'crossbar');
    await rejectsWith(r.nodeSeen('node9', { time: at(1) }), 'NOT_FOUND', /node "node9"/);
    await rejectsWith(r.nodeSeen('node1', { time: 'yesterday' }), 'INVALID', /ISO 8601/);
  });

  it(
    'nodes',
    'nodesSeen records a batch in one go, skips the unknown, refuses a bad one',
    async (c) => {
      const r = await realmStore(c);
      await r.upsertNode({ node_id: 'node1' });
      await r.upsertNode({ node_id: 'node2' });
      assert.deepEqual(await r.nodesSeen([]), { recorded: 0, unknown: [] });
      const res = await r.nodesSeen([
        { node_id: 'node1', time: at(1) },
        { node_id: 'gone', time: at(1) },
        { node_id: 'node2', time: at(2), version: '2.0.0', type: 'cdc' },
        { node_id: 'node1', time: at(3), type: 'crossbar' },
      ]);
      assert.deepEqual(res, { recorded: 3, unknown: ['gone'] });
      const [n1, n2] = [must(await r.getNode('node1')), must(await r.getNode('node2'))];
      assert.deepEqual([n1.last_seen, n1.type, n1.version], [at(3), 'crossbar', null]);
      assert.deepEqual([n2.last_seen, n2.type, n2.version], [at(2), 'cdc', '2.0.0']);
      // One bad entry: nothing of the batch is written.
      await rejectsWith(
        r.nodesSeen([
          { node_id: 'node1', time: at(9) },
          { node_id: 'node2', time: 'yesterday' },
        ]),
        'INVALID',
        /sighting 1: time "yesterday" is not an ISO 8601/,
      );
      await rejectsWith(r.nodesSeen([{ node_id: 'Node 1', time: at(9) }]), 'INVALID', /node ID/);
      assert.equal(must(await r.getNode('node1')).last_seen, at(3));
    },
  );

  it('heartbeats', 'recording updates the node and keeps the newest per node', async (c) => {
    const r = await realmStore(c);
    await r.upsertNode({ node_id: 'node1' });
    await r.upsertNode({ node_id: 'node2' });
    for (let seq = 1; seq <= 10; seq++) await r.recordHeartbeat(hb('node1', seq), 3);
    await r.recordHeartbeat(hb('node2', 1), 3);
    const recent = await r.recentHeartbeats('node1');
    assert.deepEqual(
      recent.map((h) => h.seq),
      [10, 9, 8],
    );
    assert.deepEqual(recent[0], hb('node1', 10));
    assert.deepEqual(
      (await r.recentHeartbeats('node1', 2)).map((h) => h.seq),
      [10, 9],
    );
    assert.equal((await r.recentHeartbeats('node2')).length, 1);
    const n = must(await r.getNode('node1'));
    assert.equal(n.heartbeat, 10);
    assert.equal(n.heartbeat_time, at(100));
    assert.equal(n.last_seen, at(101));
    sameJson(n.workers, { router: 1, container: 0, guest: 10 });
    // The default keeps more; a node restart (seq from 0 again) is just newer.
    await r.recordHeartbeat(hb('node1', 0));
    assert.deepEqual(
      (await r.recentHeartbeats('node1')).map((h) => h.seq),
      [0, 10, 9, 8],
    );
    // Deleting a node deletes its heartbeats.
    await r.deleteNode('node1');
    assert.deepEqual(await r.recentHeartbeats('node1'), []);
  });

  it('heartbeats', 'an unknown node is NOT_FOUND and bad heartbeats INVALID', async (c) => {
    const r = await realmStore(c);
    await rejectsWith(r.recordHeartbeat(hb('ghost', 1)), 'NOT_FOUND', /node "ghost"/);
    assert.deepEqual(await r.recentHeartbeats('ghost'), []);
    await r.upsertNode({ node_id: 'node1' });
    await rejectsWith(r.recordHeartbeat(hb('node1', -1)), 'INVALID', /seq/);
    await rejectsWith(r.recordHeartbeat(hb('node1', 1.5)), 'INVALID', /seq/);
    await rejectsWith(r.recordHeartbeat(hb('node1', 1, { time: 'now' })), 'INVALID', /time/);
    await rejectsWith(
      r.recordHeartbeat(hb('node1', 1, { workers: { router: 'one' } as never })),
      'INVALID',
      /workers.router/,
    );
    await rejectsWith(r.recordHeartbeat(hb('node1', 1), 0), 'INVALID', /keep/);
    await rejectsWith(r.recentHeartbeats('node1', 0), 'INVALID', /limit/);
    assert.equal((await r.getNode('node1'))?.heartbeat, null);
  });

  it(
    'heartbeats',
    'a batch records many nodes at once, skips deleted ones, prunes each',
    async (c) => {
      const r = await realmStore(c);
      for (const id of ['node1', 'node2', 'node3']) await r.upsertNode({ node_id: id });
      for (let seq = 1; seq <= 4; seq++) await r.recordHeartbeat(hb('node1', seq), 10);
      const batch = [
        hb('node1', 5),
        hb('node2', 1),
        hb('ghost', 1),
        hb('node2', 2),
        hb('node3', 7),
      ];
      assert.deepEqual(await r.recordHeartbeats(batch, 3), { recorded: 4, unknown: ['ghost'] });
      assert.deepEqual(
        (await r.recentHeartbeats('node1')).map((h) => h.seq),
        [5, 4, 3],
        'pruned to the newest 3',
      );
      assert.deepEqual(
        (await r.recentHeartbeats('node2')).map((h) => h.seq),
        [2, 1],
      );
      assert.equal(
        must(await r.getNode('node2')).heartbeat,
        2,
        'the last of a node in the batch wins',
      );
      assert.equal(must(await r.getNode('node3')).heartbeat, 7);
      assert.deepEqual(await r.recordHeartbeats([]), { recorded: 0, unknown: [] });
      // Many nodes in one batch: more rows than one multi-row INSERT takes.
      const many = Array.from({ length: 1200 }, (_, i) => `bulk${i}`);
      for (const id of many) await r.upsertNode({ node_id: id });
      const res = await r.recordHeartbeats(many.map((id) => hb(id, 1)));
      assert.equal(res.recorded, 1200);
      assert.equal(must(await r.getNode('bulk1199')).heartbeat, 1);
    },
  );

  it('heartbeats', 'one invalid heartbeat fails the whole batch and writes nothing', async (c) => {
    const r = await realmStore(c);
    await r.upsertNode({ node_id: 'node1' });
    await r.upsertNode({ node_id: 'node2' });
    await rejectsWith(
      r.recordHeartbeats([hb('node1', 1), hb('node2', 1, { time: 'now' })]),
      'INVALID',
      /heartbeat 1.*time|time/,
    );
    assert.equal(must(await r.getNode('node1')).heartbeat, null);
    assert.deepEqual(await r.recentHeartbeats('node1'), []);
  });

  it('audit', 'entries get increasing ids and are listed newest first', async (c) => {
    const r = await realmStore(c);
    const first = await r.appendAudit({
      time: at(1),
      authid: 'alice',
      role: 'cdc-owner',
      procedure: 'com.crossbario.cdc.management.pair_node@1',
      args: [key('n1'), 'node1', { site: 'x' }],
      kwargs: {},
      outcome: 'ok',
      error: null,
      message: null,
    });
    assert.equal(typeof first.id, 'number');
    const second = await r.appendAudit({
      time: at(2),
      authid: 'bob',
      role: 'cdc-admin',
      procedure: 'io.crossbar.cdc.create_router',
      args: [],
      kwargs: { node_id: 'node1' },
      outcome: 'error',
      error: 'com.crossbario.cdc.error.invalid_config',
      message: 'x'.repeat(5000),
    });
    assert.ok(second.id > first.id);
    assert.deepEqual(await r.listAudit(), [second, first]);
    assert.deepEqual(await r.listAudit({ limit: 1 }), [second]);
    await rejectsWith(r.listAudit({ limit: 0 }), 'INVALID', /limit/);
    await rejectsWith(r.appendAudit({ ...first, outcome: 'maybe' as never }), 'INVALID', /outcome/);
    await rejectsWith(r.appendAudit({ ...first, args: {} as never }), 'INVALID', /args/);
    await rejectsWith(r.appendAudit({ ...first, time: '1 Jan 2026' }), 'INVALID', /time/);
    assert.equal((await r.listAudit()).length, 2);
  });

  it('audit', 'filters by time range, authid, procedure and outcome', async (c) => {
    const r = await realmStore(c);
    const who = ['alice', 'bob', 'carol'];
    const procs = ['p.start', 'p.stop'];
    for (let i = 0; i < 24; i++) {
      await r.appendAudit({
        time: at(i * 60),
        authid: who[i % 3] ?? 'x',
        role: 'cdc-admin',
        procedure: procs[i % 2] ?? 'x',
        args: [i],
        kwargs: {},
        outcome: i % 4 === 0 ? 'error' : 'ok',
        error: i % 4 === 0 ? 'wamp.error.x' : null,
        message: null,
      });
    }
    const idx = async (f: Parameters<RealmStore['listAudit']>[0]) =>
      (await r.listAudit(f)).map((e) => e.args[0]);
    assert.deepEqual(await idx({ since: at(600), until: at(720) }), [12, 11, 10]);
    assert.deepEqual(await idx({ since: at(21 * 60) }), [23, 22, 21]);
    assert.deepEqual(await idx({ until: at(60) }), [1, 0]);
    assert.deepEqual(await idx({ authid: 'bob', limit: 3 }), [22, 19, 16]);
    assert.deepEqual(
      await idx({ procedure: 'p.stop', outcome: 'ok', since: at(900) }),
      [23, 21, 19, 17, 15],
    );
    assert.deepEqual(await idx({ outcome: 'error' }), [20, 16, 12, 8, 4, 0]);
    assert.deepEqual(await idx({ authid: 'alice', outcome: 'error', until: at(700) }), [0]);
    assert.deepEqual(await idx({ authid: 'nobody' }), []);
    // Offsets are normalized to UTC before comparing.
    assert.deepEqual(await idx({ since: '2026-01-01T01:22:00+01:00' }), [23, 22]);
    await rejectsWith(r.listAudit({ since: 'last week' }), 'INVALID', /since/);
  });

  it('json', 'JSON columns round-trip exactly, key order included', async (c) => {
    const domain = await c.factory.domain();
    await domain.migrate();
    await domain.createUser({ name: 'alice', email: 'alice@example.org' });
    const realm = await domain.createRealm({ name: 'realm-a', owner: 'alice', extra: TRICKY });
    sameJson(realm.extra, TRICKY);
    sameJson((await domain.getRealm('realm-a'))?.extra, TRICKY);
    const p = await domain.pairNode({
      pubkey: key(1),
      realm: 'realm-a',
      node_id: 'node1',
      extra: TRICKY,
    });
    sameJson(p.extra, TRICKY);
    sameJson((await domain.getPairing('realm-a', 'node1'))?.extra, TRICKY);

    const r = await realmStore(c);
    const n = await r.upsertNode({ node_id: 'node1', extra: TRICKY, config: TRICKY });
    sameJson(n.extra, TRICKY);
    sameJson((await r.getNode('node1'))?.config, TRICKY);
    const workers = { router: 2, container: 1, guest: 0, zz: 1.5 };
    await r.recordHeartbeat({ ...hb('node1', 1), workers, system: TRICKY });
    const [h] = await r.recentHeartbeats('node1');
    sameJson(h?.workers, workers);
    sameJson(h?.system, TRICKY);
    sameJson((await r.getNode('node1'))?.workers, workers);
    const args = [TRICKY, [], 'x', 1, null, [TRICKY]];
    const a = await r.appendAudit({
      time: at(1),
      authid: 'alice',
      role: 'cdc-owner',
      procedure: 'p',
      args,
      kwargs: TRICKY,
      outcome: 'ok',
      error: null,
      message: null,
    });
    const [back] = await r.listAudit();
    sameJson(back?.args, args);
    sameJson(back?.kwargs, TRICKY);
    assert.deepEqual(back, a);
  });

  it('json', 'values JSON cannot carry are INVALID, not silently changed', async (c) => {
    const r = await realmStore(c);
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    for (const extra of [{ x: NaN }, { x: Infinity }, { x: 1n }, cyclic, [1], null, 'str']) {
      await rejectsWith(r.upsertNode({ node_id: 'node1', extra: extra as never }), 'INVALID');
    }
    assert.deepEqual(await r.listNodes(), []);
  });

  it('time', 'timestamps are ISO 8601 UTC; other forms are refused', async (c) => {
    const r = await realmStore(c);
    await r.upsertNode({ node_id: 'node1' });
    await r.recordHeartbeat(
      hb('node1', 1, { time: '2026-05-05T05:05:05-03:30', received: '2026-05-05T08:35:06Z' }),
    );
    const h = must((await r.recentHeartbeats('node1'))[0]);
    assert.equal(h.time, '2026-05-05T08:35:05.000Z');
    assert.equal(h.received, '2026-05-05T08:35:06.000Z');
    for (const time of ['2026-05-05', '2026-05-05 08:00:00Z', '1778000000', '2026-05-05T08:00']) {
      await rejectsWith(r.recordHeartbeat(hb('node1', 2, { time })), 'INVALID', /ISO 8601/);
    }
  });
}
