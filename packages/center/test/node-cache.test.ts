/**
 * The backend's in-memory node records stay what the database holds: after every kind of
 * write the cache and a fresh read of the database agree, and a failed write changes neither.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreError, createStoreFactory } from '@cdc/store';
import type { HeartbeatRecord } from '@cdc/store';
import { CachedRealmStore } from '../src/backend/node-cache.js';

const key = (n: number): string => n.toString(16).padStart(64, '0');
const hb = (node_id: string, seq: number): HeartbeatRecord => ({
  node_id,
  seq,
  time: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
  received: new Date(Date.UTC(2026, 0, 1, 0, 0, seq, 500)).toISOString(),
  workers: { router: seq % 2, guest: 1 },
  system: { cpu: seq },
});

test('node cache - agrees with the database after every kind of write', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cdc-node-cache-'));
  const factory = createStoreFactory({ dir });
  t.after(async () => {
    await factory.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const db = await factory.realm('realm-a');
  await db.migrate();
  await db.upsertNode({ node_id: 'before', pubkey: key(1) }); // there before the cache
  const cache = new CachedRealmStore(db);
  const agree = async (what: string): Promise<void> => {
    const sort = <T extends { node_id: string }>(l: T[]): T[] =>
      [...l].sort((a, b) => (a.node_id < b.node_id ? -1 : 1));
    assert.deepEqual(sort(await cache.listNodes()), sort(await db.listNodes()), what);
  };
  await agree('loaded');
  await cache.upsertNode({ node_id: 'n1', pubkey: key(2), extra: { site: 'a' } });
  await cache.upsertNode({ node_id: 'n2', pubkey: key(3) });
  await agree('created');
  await cache.upsertNode({ node_id: 'n1', extra: { site: 'b' } });
  await agree('changed');
  await cache.nodeSeen('n1', { time: new Date().toISOString(), type: 'cdc', version: '1.2.3' });
  await agree('seen');
  await cache.nodesSeen([
    { node_id: 'n2', time: '2026-03-01T12:00:00+02:00', type: 'crossbar' },
    { node_id: 'gone', time: new Date().toISOString() },
    { node_id: 'before', time: new Date().toISOString(), version: null },
  ]);
  await agree('many seen');
  await cache.recordHeartbeats([hb('n1', 1), hb('n2', 1), hb('gone', 1), hb('n1', 2)], 5);
  await cache.recordHeartbeat(hb('before', 7));
  await agree('heartbeats');
  assert.equal((await cache.getNode('n1'))?.heartbeat, 2);
  await cache.deleteNode('n2');
  await agree('deleted');
  assert.equal(await cache.getNode('n2'), undefined);

  // Failing writes change nothing, here or there.
  await assert.rejects(cache.upsertNode({ node_id: 'n3', pubkey: key(2) }), StoreError);
  await assert.rejects(cache.recordHeartbeats([hb('n1', 3), { ...hb('n1', 4), time: 'x' }]));
  await assert.rejects(cache.nodeSeen('nobody', { time: new Date().toISOString() }), StoreError);
  await assert.rejects(cache.nodesSeen([{ node_id: 'n1', time: 'x' }]), StoreError);
  await agree('after failures');
  assert.equal((await cache.getNode('n1'))?.heartbeat, 2);
});

test("node cache - its rows are the node table's; a write landing during the first read is kept", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cdc-node-cache-'));
  const factory = createStoreFactory({ dir });
  t.after(async () => {
    await factory.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const db = await factory.realm('realm-a');
  await db.migrate();
  for (let i = 0; i < 50; i++) await db.upsertNode({ node_id: `n${i}` });
  const cache = new CachedRealmStore(db);
  const [table] = await Promise.all([
    cache.ready(),
    cache.upsertNode({ node_id: 'late', pubkey: key(9) }),
    cache.upsertNode({ node_id: 'n7', extra: { moved: true } }),
  ]);
  assert.equal(table, cache.table);
  assert.deepEqual(await cache.listNodes(), await db.listNodes());
  assert.deepEqual(
    table.nodes().map((n) => n.row),
    await db.listNodes(),
  );
  assert.equal(table.get('late')?.row?.pubkey, key(9));
  assert.deepEqual(table.get('n7')?.info().extra, { moved: true });
});
