/**
 * The node directory lock and the record of live workers: what a killed controller leaves
 * behind is cleaned up, and nothing that merely shares a PID with it is touched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureLogger } from '@cdc/testkit';
import { NodeRunningError, lockNodeDirectory, reapOrphans } from '../src/index.js';
import { WorkerRegistry, processStartTime } from '../src/controller/orphans.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'cdc-orphans-'));
}

function sleeper(): ReturnType<typeof spawn> {
  return spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
}

test('orphans - the start time in /proc tells one process from another', () => {
  const mine = processStartTime(process.pid);
  assert.equal(typeof mine, 'number');
  assert.equal(processStartTime(process.pid), mine, 'stable for one process');
  assert.equal(processStartTime(2 ** 22 + 1), null, 'null for a PID that does not exist');
});

test('orphans - a recorded worker that still runs is stopped; a reused PID is left alone', async (t) => {
  const dir = tempDir();
  const orphan = sleeper();
  const bystander = sleeper();
  t.after(() => {
    orphan.kill('SIGKILL');
    bystander.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const orphanPid = orphan.pid as number;
  const bystanderPid = bystander.pid as number;
  const reg = new WorkerRegistry(dir);
  reg.add('g1', 'guest', orphanPid);
  reg.add('g2', 'guest', bystanderPid);
  // Make g2's record claim another start time: the PID now belongs to someone else.
  const path = join(dir, 'workers.json');
  const records = JSON.parse(readFileSync(path, 'utf8')) as { id: string; starttime: number }[];
  for (const r of records) if (r.id === 'g2') r.starttime -= 1;
  writeFileSync(path, JSON.stringify(records));

  const log = captureLogger();
  const exited = new Promise((res) => orphan.once('exit', (_c, sig) => res(sig)));
  const reaped = await reapOrphans(dir, log);
  assert.deepEqual(
    reaped.map((r) => r.id),
    ['g1'],
  );
  assert.equal(await exited, 'SIGTERM');
  assert.equal(bystander.exitCode, null);
  assert.equal(bystander.signalCode, null, 'the process with the reused PID still runs');
  assert.ok(!existsSync(path), 'the record is consumed');
  assert.ok(log.records.some((e) => e.msg?.includes('left running by a previous controller')));
});

test('orphans - a worker leaving removes its record, but not that of a newer incarnation', () => {
  const dir = tempDir();
  try {
    const reg = new WorkerRegistry(dir);
    reg.add('w', 'guest', process.pid);
    reg.remove('w', 12345); // an older incarnation's exit arriving late
    assert.ok(existsSync(join(dir, 'workers.json')));
    reg.remove('w', process.pid);
    assert.ok(!existsSync(join(dir, 'workers.json')), 'no live workers, no file');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('orphans - garbage in workers.json is ignored, not fatal', async () => {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, 'workers.json'), '{not json');
    assert.deepEqual(await reapOrphans(dir, captureLogger()), []);
    writeFileSync(join(dir, 'workers.json'), JSON.stringify([{ id: 'x', pid: 1 }, 7, null]));
    assert.deepEqual(await reapOrphans(dir, captureLogger()), [], 'never PID 1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('node lock - one controller per directory; stale files are taken over', (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const release = lockNodeDirectory(dir);
  assert.throws(() => lockNodeDirectory(dir), NodeRunningError);
  release();
  assert.ok(!existsSync(join(dir, 'node.pid')));

  // Left by a controller that is gone: a PID nobody has.
  writeFileSync(join(dir, 'node.pid'), JSON.stringify({ pid: 2 ** 22 + 1, starttime: 1 }));
  lockNodeDirectory(dir)();
  // A live PID with another start time: reused, so stale too.
  writeFileSync(join(dir, 'node.pid'), JSON.stringify({ pid: 1, starttime: -5 }));
  lockNodeDirectory(dir)();
  // Unreadable: stale.
  writeFileSync(join(dir, 'node.pid'), 'garbage');
  lockNodeDirectory(dir)();
});

test('node lock - a live controller in another process holds the directory', async (t) => {
  const dir = tempDir();
  const other = sleeper();
  t.after(() => {
    other.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  await new Promise((r) => other.once('spawn', r));
  const pid = other.pid as number;
  writeFileSync(join(dir, 'node.pid'), JSON.stringify({ pid, starttime: processStartTime(pid) }));
  assert.throws(
    () => lockNodeDirectory(dir),
    (e: unknown) =>
      e instanceof NodeRunningError &&
      e.pid === pid &&
      e.message === `a node is already running from ${dir} (PID ${pid})`,
  );
});
