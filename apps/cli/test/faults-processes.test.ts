/**
 * Faults under load (issue 14), processes: a real center (SQLite) and two real nodes, each
 * node running a desired router (configuration API) and a guest, an API client calling and
 * writing all the time and the nodes sending heartbeats. Killed with SIGKILL in turn: a
 * router worker (the center's reconciliation starts it again), a guest (its node restarts
 * it), a node controller (started again as a service manager would; the center restores its
 * desired router, the node its guest), a realm backend (the center restarts it) and the
 * center itself (started again; its backends died with it). After each, everything must be
 * back by itself, nothing the killed process started may be left running, and at the end
 * every write the center acknowledged must be in the database.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, DESIRED_ROUTER } from './faults/cluster.js';
import type { ClusterNode } from './faults/cluster.js';
import type { LoadDriver } from './faults/driver.js';
import { alive } from './faults/procs.js';
import { back, describe, inject, startGuest, underLoad, until } from './faults/scenarios.js';
import type { FaultResult, Probe } from './faults/scenarios.js';

const root = mkdtempSync(join(tmpdir(), 'cdc-faults-'));
const cluster = new Cluster({ root, nodes: 2 });
let probe: Probe | undefined;
let driver: LoadDriver | undefined;
const results: FaultResult[] = [];

before(async () => {
  ({ probe, driver } = await underLoad(cluster));
});

after(async () => {
  await driver?.stop();
  await probe?.close().catch(() => undefined);
  await cluster.stop();
  for (const r of results) console.log(describe(r));
  rmSync(root, { recursive: true, force: true });
});

function node(i: number): ClusterNode {
  return cluster.nodes[i] as ClusterNode;
}

async function run(fault: string, action: () => Promise<void>): Promise<FaultResult> {
  const r = await inject(fault, cluster, probe as Probe, driver as LoadDriver, action);
  results.push(r);
  return r;
}

test('faults - SIGKILL of a router worker: the center restarts it (desired state)', async () => {
  const old = await until(() => cluster.workerPid(node(0), DESIRED_ROUTER), 'the router worker');
  const r = await run('SIGKILL router worker', async () => {
    process.kill(old, 'SIGKILL');
    await until(() => {
      const p = cluster.workerPid(node(0), DESIRED_ROUTER);
      return p !== undefined && p !== old ? p : undefined;
    }, 'a new router worker');
  });
  assert.equal(r.writesFailed, 0, describe(r));
});

test('faults - SIGKILL of a guest: its node restarts it', async () => {
  const old = await until(() => cluster.guestPid(node(0)), 'the guest');
  const r = await run('SIGKILL guest', async () => {
    process.kill(old, 'SIGKILL');
    await until(() => {
      const p = cluster.guestPid(node(0));
      return p !== undefined && p !== old ? p : undefined;
    }, 'a new guest');
  });
  assert.equal(r.writesFailed, 0, describe(r));
});

test('faults - SIGKILL of a node controller: started again, it gets its workers back', async () => {
  const n = node(1);
  let children: number[] = [];
  await run('SIGKILL node controller', async () => {
    children = await cluster.killNode(n);
    cluster.restartNode(n);
  });
  // Its router worker died with it; its guest was stopped by the next controller.
  assert.deepEqual(children.filter(alive), [], 'processes of the killed controller left running');
  await startGuest(probe as Probe, n);
  await back(cluster, probe as Probe);
});

test('faults - SIGKILL of a realm backend: the center restarts it', async () => {
  const old = await until(() => cluster.backendPid('default'), 'the realm backend');
  const r = await run('SIGKILL realm backend', async () => {
    process.kill(old, 'SIGKILL');
    await until(() => {
      const p = cluster.backendPid('default');
      return p !== undefined && p !== old ? p : undefined;
    }, 'a new realm backend');
  });
  // While it was down its realm had no API: calls failed at once, they did not hang.
  assert.ok(r.slowestFailureMs < 5000, describe(r));
});

test('faults - SIGKILL of the center: started again, nodes and clients come back', async () => {
  let children: number[] = [];
  const r = await run('SIGKILL center', async () => {
    children = await cluster.killCenter();
    await cluster.startCenter();
  });
  assert.ok(children.length >= 2, 'the center had its backends');
  await until(() => (children.some(alive) ? undefined : true), 'the old backends to exit', 10_000);
  assert.ok(r.slowestFailureMs < 11_000, describe(r));
});

test('faults - no write the center acknowledged was lost', async () => {
  const d = driver as LoadDriver;
  await d.stop();
  const { checked, lost } = await d.verify(cluster.store);
  assert.ok(checked > 20, `only ${checked} acknowledged writes`);
  assert.deepEqual(lost, []);
});
