/**
 * The reconciler over a fleet: sweeps and node probes pass over only the nodes that have
 * workers to run (no database read for the others), an explicit request always reads the
 * database, and however many nodes come up at once only a few passes run at a time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RealmStore, WorkerRecord } from '@cdc/store';
import { Reconciler } from '../src/backend/reconcile.js';
import type { NodeCaller } from '../src/backend/remote.js';
import { captureLogger, until } from './helpers.js';

function worker(node_id: string): WorkerRecord {
  return {
    node_id,
    worker_id: 'r1',
    type: 'router',
    config: { type: 'router' },
    desired: 'started',
    created: '2026-11-27T00:00:00.000Z',
    modified: '2026-11-27T00:00:00.000Z',
  };
}

/** A fleet whose nodes run nothing yet; `gate` holds every node's answer while set. */
function fleet(withWorkers: Set<string>) {
  const reads: string[] = [];
  const started: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let gate: Promise<void> | undefined;
  const store = {
    listWorkers: (nodeId: string) => {
      reads.push(nodeId);
      return Promise.resolve(withWorkers.has(nodeId) ? [worker(nodeId)] : []);
    },
  } as unknown as RealmStore;
  const nodes = {
    call: async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await gate;
      inFlight--;
      return [];
    },
    isStarting: () => false,
    startWorker: (nodeId: string) => {
      started.push(nodeId);
      return Promise.resolve('2026-11-27T00:00:00.000Z');
    },
  } as unknown as NodeCaller;
  return {
    store,
    nodes,
    reads,
    started,
    max: () => maxInFlight,
    hold: () => {
      let open!: () => void;
      gate = new Promise((r) => (open = r));
      return () => {
        gate = undefined;
        open();
      };
    },
  };
}

test('reconcile - a sweep reads and starts only the nodes with workers to run', async () => {
  const ids = Array.from({ length: 50 }, (_, i) => `n${i}`);
  const wanted = new Set(['n3', 'n7']);
  const f = fleet(wanted);
  const r = new Reconciler({
    store: f.store,
    nodes: f.nodes,
    isOnline: () => true,
    onlineNodes: () => ids,
    hasStartedWorkers: (id) => wanted.has(id),
    log: captureLogger(),
  });
  r.sweep();
  await until(() => f.started.length === 2, 5000, 'both started');
  assert.deepEqual(f.reads.sort(), ['n3', 'n7']);
  assert.deepEqual(f.started.sort(), ['n3', 'n7']);

  // Asked outright (after a change to a node), it reads the database whatever memory says.
  await r.schedule('n9');
  assert.ok(f.reads.includes('n9'));
  r.stop();
});

test('reconcile - a thousand nodes coming up run a few passes at a time, and all finish', async () => {
  const ids = Array.from({ length: 1000 }, (_, i) => `n${i}`);
  const f = fleet(new Set(ids));
  const r = new Reconciler({
    store: f.store,
    nodes: f.nodes,
    isOnline: () => true,
    onlineNodes: () => ids,
    hasStartedWorkers: () => true,
    log: captureLogger(),
  });
  const release = f.hold();
  for (const id of ids) r.nodeUp(id);
  await until(() => f.max() > 0, 5000, 'passes began');
  await new Promise((res) => setTimeout(res, 50));
  assert.ok(f.max() <= 16, `at most 16 passes at once, saw ${f.max()}`);
  release();
  await until(() => f.started.length === 1000, 20_000, 'every node reconciled');
  assert.equal(new Set(f.started).size, 1000);
  r.stop();
});
