/**
 * Faults under load (issue 14), PostgreSQL: a real center on a PostgreSQL server of the
 * test's own (`faults/postgres.ts`: the shared server on 127.0.0.1:5432 serves the other
 * tests running at the same time and is never stopped), a real node with its desired router
 * and guest, the API client calling and writing. The server is restarted, then stopped as a
 * crash (`pg_ctl -m immediate`) for 30 s and started again. While it is gone, calls that
 * need the database fail at once with `com.crossbario.cdc.error.database_unavailable` and
 * `/health` answers 503 saying why; afterwards everything works again without a restart,
 * and every write the center acknowledged is in the database.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from './faults/cluster.js';
import type { LoadDriver } from './faults/driver.js';
import { PrivatePostgres } from './faults/postgres.js';
import { describe, inject, underLoad } from './faults/scenarios.js';
import type { FaultResult, Probe } from './faults/scenarios.js';

const OUTAGE_S = Number(process.env['CDC_FAULT_OUTAGE_S'] ?? 30);
const DB_UNAVAILABLE = 'com.crossbario.cdc.error.database_unavailable';
const root = mkdtempSync(join(tmpdir(), 'cdc-faults-pg-'));
let pg: PrivatePostgres | undefined;
let cluster: Cluster | undefined;
let probe: Probe | undefined;
let driver: LoadDriver | undefined;
const results: FaultResult[] = [];

before(async () => {
  pg = await PrivatePostgres.create();
  cluster = new Cluster({ root, nodes: 1, databaseUrl: pg.url });
  ({ probe, driver } = await underLoad(cluster));
});

after(async () => {
  await driver?.stop();
  await probe?.close().catch(() => undefined);
  await cluster?.stop();
  pg?.destroy();
  for (const r of results) console.log(describe(r));
  rmSync(root, { recursive: true, force: true });
});

async function run(fault: string, action: () => Promise<void>): Promise<FaultResult> {
  const r = await inject(fault, cluster as Cluster, probe as Probe, driver as LoadDriver, action);
  results.push(r);
  return r;
}

/** Failures other than the database being unavailable (a restart may also cut a call). */
function otherErrors(r: FaultResult): string[] {
  return Object.keys(r.errors).filter((e) => e !== DB_UNAVAILABLE);
}

test('faults - PostgreSQL restarted under load: back by itself', async () => {
  const server = pg as PrivatePostgres;
  const r = await run('PostgreSQL restart', () => server.restart());
  assert.deepEqual(otherErrors(r), [], describe(r));
});

test(`faults - PostgreSQL gone for ${OUTAGE_S} s: fail fast, /health 503 with the reason, back by itself`, async () => {
  const server = pg as PrivatePostgres;
  const r = await run(`PostgreSQL outage ${OUTAGE_S} s`, async () => {
    await server.stop('immediate');
    await new Promise((res) => setTimeout(res, OUTAGE_S * 1000));
    await server.start();
  });
  assert.deepEqual(otherErrors(r), [], describe(r));
  assert.ok(r.writesFailed > 0, `writes failed during the outage: ${describe(r)}`);
  assert.ok(r.slowestFailureMs < 5000, `failures are fast: ${describe(r)}`);
  assert.ok((r.health['503'] ?? 0) > 0, `/health said 503: ${describe(r)}`);
  assert.match(r.healthReason ?? '', /PostgreSQL is unavailable/);
});

test('faults - PostgreSQL: no write the center acknowledged was lost', async () => {
  const d = driver as LoadDriver;
  await new Promise((res) => setTimeout(res, 2000)); // the load goes on a little after the faults
  await d.stop();
  const { checked, lost } = await d.verify((cluster as Cluster).store);
  assert.ok(checked >= 10, `only ${checked} acknowledged writes`);
  assert.deepEqual(lost, []);
});
