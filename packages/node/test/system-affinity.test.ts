import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { WampError } from '@cdc/protocol';
import {
  cpuCount,
  getCpuAffinity,
  getCpus,
  getThreadAffinities,
  setCpuAffinity,
} from '../src/system/affinity.js';
import { parseCpuList } from '../src/system/procfs.js';

const SCRIPT = 'setInterval(()=>{},1e3)';
let child: ChildProcess;
let childPid: number;
let original: number[];

before(async () => {
  // The child says when it runs JS: by then Node has started all its threads.
  child = spawn(process.execPath, ['-e', `${SCRIPT};console.log('ready')`], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await once(child.stdout as NodeJS.ReadableStream, 'data');
  childPid = child.pid as number;
  original = await getCpuAffinity(childPid);
});

after(() => {
  child.kill('SIGKILL');
});

const NO_PID = 0x7ffffff0;

const isError =
  (uri: string, name?: string) =>
  (err: unknown): boolean =>
    err instanceof WampError &&
    err.uri === uri &&
    (name === undefined || String(err.args[0]).includes(`"${name}"`));
const invalid = (name: string) => isError('wamp.error.invalid_argument', name);

test('cpu affinity - counts and lists the CPUs of this host', async () => {
  const cpus = await getCpus();
  const online = parseCpuList(readFileSync('/sys/devices/system/cpu/online', 'utf8'));
  assert.deepEqual(cpus, online);
  assert.equal(await cpuCount(), cpus.length);
  assert.equal(await cpuCount(true), cpus.length);
  const physical = await cpuCount(false);
  assert.ok(physical >= 1 && physical <= cpus.length, `physical ${physical}`);
  assert.ok(availableParallelism() <= cpus.length);
});

test('cpu affinity - reads the affinity of this process and of another', async () => {
  const mine = await getCpuAffinity();
  const status = readFileSync('/proc/self/status', 'utf8');
  const m = /^Cpus_allowed_list:\s*(\S+)/m.exec(status);
  assert.deepEqual(mine, parseCpuList(m?.[1] ?? ''));
  assert.deepEqual(await getCpuAffinity(process.pid), mine);
  assert.ok(original.length >= 1);
});

test('cpu affinity - pins every thread of another process with taskset, then restores', async () => {
  const affinity = await setCpuAffinity(childPid, [0], { relative: false });
  assert.deepEqual(affinity, [0]);
  assert.deepEqual(await getCpuAffinity(childPid), [0]);
  const threads = await getThreadAffinities(childPid);
  assert.ok(threads.size > 1, 'node runs several threads');
  for (const [tid, cpus] of threads) assert.deepEqual(cpus, [0], `thread ${tid}`);
  assert.deepEqual(await setCpuAffinity(childPid, original, { relative: false }), original);
  assert.deepEqual(await getCpuAffinity(childPid), original);
});

test('cpu affinity - relative CPU numbers index the online CPUs', async (t) => {
  const cpus = await getCpus();
  if (cpus.length < 2) {
    t.skip('needs two CPUs');
    return;
  }
  const last = cpus.length - 1;
  assert.deepEqual(await setCpuAffinity(childPid, [last]), [cpus[last]]);
  assert.deepEqual(await setCpuAffinity(childPid, [last, 0], { relative: true }), [
    cpus[0],
    cpus[last],
  ]);
  await setCpuAffinity(childPid, original, { relative: false });
});

test('cpu affinity - bad CPU lists are invalid_argument naming cpus', async () => {
  const n = (await getCpus()).length;
  const bad: unknown[] = [[], [99], [0.5], ['0'], [-1], [0, 0], 'x', null];
  for (const cpus of bad) {
    await assert.rejects(
      setCpuAffinity(childPid, cpus as number[], { relative: false }),
      invalid('cpus'),
      JSON.stringify(cpus),
    );
  }
  await assert.rejects(setCpuAffinity(childPid, [n]), invalid('cpus'));
  await assert.rejects(setCpuAffinity(childPid, [n], { relative: true }), /out of range/);
  await assert.rejects(setCpuAffinity(childPid, [99], { relative: false }), /not online/);
  assert.deepEqual(await getCpuAffinity(childPid), original, 'nothing was applied');
});

test('cpu affinity - unknown or bad PIDs are invalid_argument naming pid', async () => {
  await assert.rejects(getCpuAffinity(NO_PID), invalid('pid'));
  await assert.rejects(setCpuAffinity(NO_PID, [0]), invalid('pid'));
  await assert.rejects(setCpuAffinity(0, [0]), invalid('pid'));
  await assert.rejects(getCpuAffinity(-5), invalid('pid'));
  await assert.rejects(getThreadAffinities(NO_PID), invalid('pid'));
});

test('cpu affinity - without taskset, setting affinity is feature_unavailable', async () => {
  await assert.rejects(
    setCpuAffinity(childPid, [0], { relative: false, taskset: '/nonexistent/taskset' }),
    isError('crossbar.error.feature_unavailable'),
  );
  // A failing taskset is a runtime error carrying its message.
  await assert.rejects(
    setCpuAffinity(childPid, [0], { relative: false, taskset: '/bin/false' }),
    isError('crossbar.error.runtime_error'),
  );
});
