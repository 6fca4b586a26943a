/**
 * Faults under load (issue 14), SQLite: the center's data directory made read-only while the
 * center runs and writes. Modes stop neither root nor files SQLite already holds open, and a
 * read-only remount is refused while they are open, but the immutable attribute
 * (`chattr +i`) stops every write, also through descriptors opened before it and also for
 * root: the files and the directory refuse changes at once, as a disk gone read-only does.
 * All but the WAL index (`*-shm`): SQLite maps it into memory, and a mapped page that may
 * not be written faults with SIGBUS, which kills the process — what a file system that turns
 * read-only under a running SQLite does too (docs/RELIABILITY.md); the index is shared
 * memory, not data, so the database and its log frozen is the fault the center must ride out.
 * While it lasts, calls that write fail at once with
 * `com.crossbario.cdc.error.database_unavailable` saying the store is read-only, calls
 * answered from memory keep working, and `/health` answers 503 with the reason; afterwards
 * everything works again without a restart, and every write the center acknowledged is in
 * the database.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from './faults/cluster.js';
import type { LoadDriver } from './faults/driver.js';
import { describe, inject, underLoad } from './faults/scenarios.js';
import type { FaultResult, Probe } from './faults/scenarios.js';

const OUTAGE_S = Number(process.env['CDC_FAULT_OUTAGE_S'] ?? 10);
const DB_UNAVAILABLE = 'com.crossbario.cdc.error.database_unavailable';
const root = mkdtempSync(join(tmpdir(), 'cdc-faults-sqlite-'));
let cluster: Cluster | undefined;
let probe: Probe | undefined;
let driver: LoadDriver | undefined;
const results: FaultResult[] = [];
/** What is immutable now, so that `after` can always give it back. */
let frozen: string[] = [];

/** Every file and directory of the data directory, deepest first, but the WAL indexes. */
function entries(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...entries(p));
    if (!e.name.endsWith('-shm')) out.push(p);
  }
  return out;
}

function chattr(flag: '+i' | '-i', paths: string[]): void {
  if (paths.length > 0) execFileSync('chattr', [flag, ...paths], { stdio: 'pipe' });
}

function freeze(dir: string): void {
  frozen = [...entries(dir), dir];
  chattr('+i', frozen);
}

function thaw(): void {
  chattr('-i', frozen);
  frozen = [];
}

before(async () => {
  cluster = new Cluster({ root, nodes: 1 });
  ({ probe, driver } = await underLoad(cluster));
});

after(async () => {
  if (frozen.length > 0) thaw();
  await driver?.stop();
  await probe?.close().catch(() => undefined);
  await cluster?.stop();
  for (const r of results) console.log(describe(r));
  rmSync(root, { recursive: true, force: true });
});

test(`faults - SQLite data directory read-only for ${OUTAGE_S} s under load: fail fast, /health 503 with the reason, back by itself`, async () => {
  const c = cluster as Cluster;
  const r = await inject(
    `SQLite read-only ${OUTAGE_S} s`,
    c,
    probe as Probe,
    driver as LoadDriver,
    async () => {
      freeze(c.dataDir);
      try {
        await new Promise((res) => setTimeout(res, OUTAGE_S * 1000));
      } finally {
        thaw();
      }
    },
  );
  results.push(r);
  const other = Object.keys(r.errors).filter((e) => e !== DB_UNAVAILABLE);
  assert.deepEqual(other, [], describe(r));
  assert.ok(r.writesFailed > 0, `writes failed while it was read-only: ${describe(r)}`);
  assert.ok(r.slowestFailureMs < 5000, `failures are fast: ${describe(r)}`);
  assert.ok((r.health['503'] ?? 0) > 0, `/health said 503: ${describe(r)}`);
  assert.match(r.healthReason ?? '', /read-only|not writable/);
});

test('faults - SQLite: no write the center acknowledged was lost', async () => {
  const d = driver as LoadDriver;
  await new Promise((res) => setTimeout(res, 2000)); // the load goes on a little after the fault
  await d.stop();
  const { checked, lost } = await d.verify((cluster as Cluster).store);
  assert.ok(checked >= 10, `only ${checked} acknowledged writes`);
  assert.deepEqual(lost, []);
});
