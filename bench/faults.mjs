#!/usr/bin/env node
// Faults under load, the long run (issue 14; the CI sizes are apps/cli/test/faults-*.test.ts).
// Figures only: nothing here asserts but the count of lost writes, which it prints.
//
//   node bench/faults.mjs [--rounds=3] [--nodes=3] [--outage=30] [--no-postgres]
//
// A center and --nodes nodes as real processes under the fault tests' load (an API client
// calling and writing without pause, heartbeats every second); --rounds times each: SIGKILL of
// a router worker, a guest, a node controller, the realm backend and the center. Then the same
// on PostgreSQL (a server of its own, never the shared one on 5432): a restart and an outage of
// --outage seconds per round. Per fault: time until everything is back, operations failed and
// how, /health's answers; at the end, acknowledged writes checked in the database.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, DESIRED_ROUTER } from '../apps/cli/dist/test/faults/cluster.js';
import { LoadDriver } from '../apps/cli/dist/test/faults/driver.js';
import { PrivatePostgres } from '../apps/cli/dist/test/faults/postgres.js';
import {
  back,
  describe,
  inject,
  prepare,
  startGuest,
  until,
} from '../apps/cli/dist/test/faults/scenarios.js';
import { parseFlags } from './lib/cli.mjs';

const flags = parseFlags();
const ROUNDS = Number(flags.rounds ?? 3);
const NODES = Number(flags.nodes ?? 3);
const OUTAGE_S = Number(flags.outage ?? 30);

async function withCluster(name, databaseUrl, body) {
  const root = mkdtempSync(join(tmpdir(), 'cdc-bench-faults-'));
  const cluster = new Cluster({ root, nodes: NODES, ...(databaseUrl ? { databaseUrl } : {}) });
  let probe;
  let driver;
  try {
    await cluster.start();
    probe = await prepare(cluster);
    driver = new LoadDriver({
      url: () => cluster.url,
      ownerKey: cluster.ownerKey,
      realm: 'default',
      nodes: cluster.nodes.map((n) => n.id),
    });
    await driver.start();
    const run = async (fault, action) => {
      const r = await inject(fault, cluster, probe, driver, action);
      console.log(describe(r));
      return r;
    };
    await body(cluster, probe, run);
    await driver.stop();
    const { checked, lost } = await driver.verify(cluster.store);
    console.log(`${name}: acknowledged writes checked ${checked}, lost ${lost.length}`);
  } finally {
    await driver?.stop();
    await probe?.close().catch(() => undefined);
    await cluster.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

const newPid = (f, old) => () => {
  const p = f();
  return p !== undefined && p !== old ? p : undefined;
};

await withCluster('SQLite', undefined, async (cluster, probe, run) => {
  for (let i = 0; i < ROUNDS; i++) {
    const n = cluster.nodes[i % cluster.nodes.length];
    const w = await until(() => cluster.workerPid(n, DESIRED_ROUTER), 'router worker');
    await run('SIGKILL router worker', async () => {
      process.kill(w, 'SIGKILL');
      await until(
        newPid(() => cluster.workerPid(n, DESIRED_ROUTER), w),
        'new router worker',
      );
    });
    const g = await until(() => cluster.guestPid(n), 'guest');
    await run('SIGKILL guest', async () => {
      process.kill(g, 'SIGKILL');
      await until(
        newPid(() => cluster.guestPid(n), g),
        'new guest',
      );
    });
    await run('SIGKILL node controller', async () => {
      await cluster.killNode(n);
      cluster.restartNode(n);
    });
    await startGuest(probe, n);
    await back(cluster, probe);
    const b = await until(() => cluster.backendPid('default'), 'realm backend');
    await run('SIGKILL realm backend', async () => {
      process.kill(b, 'SIGKILL');
      await until(
        newPid(() => cluster.backendPid('default'), b),
        'new realm backend',
      );
    });
    await run('SIGKILL center', async () => {
      await cluster.killCenter();
      await cluster.startCenter();
    });
  }
});

if (flags['no-postgres'] !== true) {
  const pg = await PrivatePostgres.create();
  try {
    await withCluster('PostgreSQL', pg.url, async (_cluster, _probe, run) => {
      for (let i = 0; i < ROUNDS; i++) {
        await run('PostgreSQL restart', () => pg.restart());
        await run(`PostgreSQL outage ${OUTAGE_S} s`, async () => {
          await pg.stop('immediate');
          await new Promise((r) => setTimeout(r, OUTAGE_S * 1000));
          await pg.start();
        });
      }
    });
  } finally {
    pg.destroy();
  }
}
