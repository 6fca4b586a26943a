/**
 * The heartbeat batch over a real SQLite realm store: heartbeats and sightings wait in
 * memory and reach the database together in a flush (or as soon as a batch is full), one
 * flush at a time; what a node said reaches its row; a batch the database refuses is logged
 * and dropped, memory stays ahead, and what the node said is written with its next
 * heartbeat; stopping writes what waits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Heartbeat } from '@cdc/api';
import { createStoreFactory } from '@cdc/store';
import type { RealmStore } from '@cdc/store';
import { HeartbeatBatch } from '../src/backend/heartbeat-batch.js';
import type { HeartbeatBatchOptions } from '../src/backend/heartbeat-batch.js';
import { CachedRealmStore } from '../src/backend/node-cache.js';
import { readHeartbeat } from '../src/backend/node-table.js';
import { captureLogger, until } from './helpers.js';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);

/** A heartbeat as our nodes send it (`edge`: as a Crossbar.io edge does, saying nothing). */
function beat(seq: number, edge = false): Heartbeat {
  const hb: Heartbeat = {
    timestamp: (T0 + seq * 1000) * 1e6,
    period: 10,
    mrealm_id: 'r',
    seq,
    workers: { router: 1 },
    type: 'cdc',
    version: '1.0.0',
  };
  if (edge) {
    delete hb.type;
    delete hb.version;
  }
  return hb;
}

type Store = HeartbeatBatchOptions['store'];

/** A realm store with nodes n1..n3, its cache, and a batch writing through `wrap(cache)`. */
async function setup(
  t: { after(fn: () => Promise<void>): void },
  opts: { maxBatch?: number; wrap?: (s: Store) => Store } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'cdc-hb-batch-'));
  const factory = createStoreFactory({ dir });
  t.after(async () => {
    await factory.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const db: RealmStore = await factory.realm('realm-a');
  await db.migrate();
  for (const id of ['n1', 'n2', 'n3']) await db.upsertNode({ node_id: id });
  const cache = new CachedRealmStore(db);
  const table = await cache.ready();
  const log = captureLogger();
  const batch = new HeartbeatBatch({
    store: opts.wrap?.(cache) ?? cache,
    table,
    log,
    ...(opts.maxBatch !== undefined ? { maxBatch: opts.maxBatch } : {}),
  });
  /** A heartbeat as the realm backend takes it in: memory first, then the batch. */
  const hear = (nodeId: string, hb: Heartbeat): void => {
    const heard = readHeartbeat(nodeId, hb, new Date(T0 + hb.seq * 1000 + 500));
    table.get(nodeId)?.heard(heard);
    batch.heartbeat(heard);
  };
  return { db, cache, table, log, batch, hear };
}

test('heartbeat batch - waits for a flush, then writes heartbeats and sightings; rows follow', async (t) => {
  const { db, cache, batch, hear } = await setup(t);
  batch.sighting('n2', { time: new Date(T0).toISOString() });
  hear('n1', beat(1));
  hear('n1', beat(2));
  hear('n3', beat(1, true));
  assert.equal((await db.recentHeartbeats('n1')).length, 0, 'nothing written before the flush');
  assert.equal((await db.getNode('n2'))?.last_seen, null);
  await batch.flush();
  assert.deepEqual(
    (await db.recentHeartbeats('n1')).map((h) => h.seq),
    [2, 1],
  );
  const n1 = await db.getNode('n1');
  assert.deepEqual([n1?.heartbeat, n1?.type, n1?.version], [2, 'cdc', '1.0.0']);
  assert.equal(n1?.last_seen, new Date(T0 + 2500).toISOString(), "the heartbeat's arrival wins");
  assert.deepEqual(
    [(await db.getNode('n3'))?.type, (await db.getNode('n3'))?.version],
    ['crossbar', null],
  );
  assert.equal((await db.getNode('n2'))?.last_seen, new Date(T0).toISOString());
  // The rows in memory are what the database holds now.
  assert.deepEqual(await cache.listNodes(), await db.listNodes());

  // What a node said is written once: the next heartbeats bring only heartbeats.
  const seen: number[] = [];
  const spy = new HeartbeatBatch({
    store: {
      nodesSeen: (s) => {
        seen.push(s.length);
        return cache.nodesSeen(s);
      },
      recordHeartbeats: (h, k) => cache.recordHeartbeats(h, k),
    },
    table: cache.table,
    log: captureLogger(),
  });
  const heard = readHeartbeat('n1', beat(3));
  cache.table.get('n1')?.heard(heard);
  spy.heartbeat(heard);
  await spy.flush();
  assert.deepEqual(seen, [], 'no sighting for a node whose row has what it said');
  assert.equal((await db.getNode('n1'))?.heartbeat, 3);
});

test('heartbeat batch - a full batch is written without waiting for the timer', async (t) => {
  const { db, hear } = await setup(t, { maxBatch: 3 });
  hear('n1', beat(1));
  hear('n2', beat(1));
  // Not started: no timer runs; the third heartbeat fills the batch.
  hear('n3', beat(1));
  await until(async () => (await db.getNode('n3'))?.heartbeat === 1, 5000, 'the full batch');
  assert.equal((await db.getNode('n1'))?.heartbeat, 1);
});

test('heartbeat batch - one flush at a time; what arrives meanwhile goes with the next', async (t) => {
  let inFlight = 0;
  let most = 0;
  let gate: Promise<void> | undefined;
  const { db, batch, hear } = await setup(t, {
    wrap: (s) => ({
      nodesSeen: (x) => s.nodesSeen(x),
      recordHeartbeats: async (h, k) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await gate;
        try {
          return await s.recordHeartbeats(h, k);
        } finally {
          inFlight--;
        }
      },
    }),
  });
  let open!: () => void;
  gate = new Promise((r) => (open = r));
  hear('n1', beat(1));
  const first = batch.flush();
  await until(() => inFlight === 1, 5000, 'the first flush to write');
  hear('n1', beat(2));
  assert.equal(batch.flush(), first, 'a flush asked for meanwhile joins the running one');
  gate = undefined;
  open();
  await first;
  assert.equal((await db.getNode('n1'))?.heartbeat, 1);
  await batch.flush();
  assert.equal((await db.getNode('n1'))?.heartbeat, 2);
  assert.equal(most, 1);
});

test('heartbeat batch - a refused batch is logged and dropped; memory stays ahead until the next heartbeat is written', async (t) => {
  let failing = true;
  const refuse = (): Promise<never> => Promise.reject(new Error('disk on fire'));
  const { db, table, log, batch, hear } = await setup(t, {
    wrap: (s) => ({
      nodesSeen: (x) => (failing ? refuse() : s.nodesSeen(x)),
      recordHeartbeats: (h, k) => (failing ? refuse() : s.recordHeartbeats(h, k)),
    }),
  });
  hear('n1', beat(1));
  await batch.flush();
  assert.ok(log.records.some((r) => r.level === 'warn' && r.msg === 'node sightings not recorded'));
  assert.ok(log.records.some((r) => r.level === 'warn' && r.msg === 'heartbeats not recorded'));
  const row = await db.getNode('n1');
  assert.deepEqual([row?.heartbeat, row?.type], [null, null], 'the database has none of it');
  const info = table.get('n1')?.info();
  assert.deepEqual([info?.heartbeat, info?.type], [1, 'cdc'], 'memory is ahead');
  await batch.flush();
  assert.equal((await db.getNode('n1'))?.heartbeat, null, 'the refused batch was dropped');

  failing = false;
  hear('n1', beat(2));
  await batch.flush();
  const after = await db.getNode('n1');
  assert.deepEqual([after?.heartbeat, after?.type, after?.version], [2, 'cdc', '1.0.0']);
  assert.deepEqual(
    (await db.recentHeartbeats('n1')).map((h) => h.seq),
    [2],
  );
});

test('heartbeat batch - heartbeats of a deleted node are skipped, the others written; stop writes what waits', async (t) => {
  const { db, cache, log, batch, hear } = await setup(t);
  batch.start();
  hear('n1', beat(1));
  await cache.deleteNode('n2');
  hear('n2', beat(1));
  batch.sighting('n2', { time: new Date(T0).toISOString() });
  hear('n3', beat(1));
  await batch.stop();
  assert.equal((await db.getNode('n1'))?.heartbeat, 1);
  assert.equal((await db.getNode('n3'))?.heartbeat, 1);
  assert.equal(await db.getNode('n2'), undefined);
  assert.ok(log.records.some((r) => r.msg === 'heartbeats of deleted nodes skipped'));
  assert.ok(log.records.some((r) => r.msg === 'sightings of deleted nodes'));
});
