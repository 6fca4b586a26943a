import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { realpathSync } from 'node:fs';
import { userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import { WampError } from '@cdc/protocol';
import {
  ProcessMonitor,
  processInfo,
  processStats,
  type ProcessStats,
} from '../src/system/process-info.js';

const SCRIPT = 'setInterval(()=>{},1e3)';
let child: ChildProcess;
let childPid: number;

before(async () => {
  // The child says when it runs JS: by then Node has started all its threads.
  child = spawn(process.execPath, ['-e', `${SCRIPT};console.log('ready')`], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await once(child.stdout as NodeJS.ReadableStream, 'data');
  childPid = child.pid as number;
});

after(() => {
  child.kill('SIGKILL');
});

/** A PID that cannot belong to a process: above any kernel's pid_max (2^22). */
const NO_PID = 0x7ffffff0;

const isInvalidArgument =
  (name: string) =>
  (err: unknown): boolean =>
    err instanceof WampError &&
    err.uri === 'wamp.error.invalid_argument' &&
    String(err.args[0]).includes(`"${name}"`);

test('process info - describes this process like psutil would', async () => {
  const info = await processInfo();
  assert.equal(info.pid, process.pid);
  assert.equal(info.ppid, process.ppid);
  assert.equal(info.exe, realpathSync(process.execPath));
  assert.equal(info.cwd, process.cwd());
  assert.deepEqual(info.cmdline.slice(1), [...process.execArgv, ...process.argv.slice(1)]);
  assert.equal(info.uid, process.getuid?.());
  assert.equal(info.gid, process.getgid?.());
  assert.equal(info.username, userInfo().username);
  const created = Date.parse(info.created);
  assert.ok(created <= Date.now() + 1000, info.created);
  assert.ok(created >= Date.now() - (process.uptime() + 5) * 1000, info.created);
  // Running or, while its thread pool reads /proc, waiting in the event loop.
  assert.ok(['running', 'sleeping'].includes(info.status), info.status);
  assert.ok(info.num_threads >= 1);
  assert.ok(info.num_fds !== null && info.num_fds >= 3);
  assert.ok(info.cpu_affinity.length >= 1);
  const rss = process.memoryUsage().rss;
  assert.ok(Math.abs(info.memory.rss - rss) < rss * 0.5, `rss ${info.memory.rss} vs ${rss}`);
  assert.ok(info.memory.vms >= info.memory.rss);
  assert.ok(info.memory.text > 0 && info.memory.data > 0);
});

test('process info - describes another process', async () => {
  const info = await processInfo(childPid);
  assert.equal(info.pid, childPid);
  assert.equal(info.ppid, process.pid);
  assert.deepEqual(info.cmdline.slice(1), ['-e', `${SCRIPT};console.log('ready')`]);
  assert.equal(info.name, 'node');
  assert.ok(['running', 'sleeping'].includes(info.status), info.status);
});

test('process stats - has the keys of the Crossbar.io worker heartbeat', async () => {
  const s = await processStats(childPid);
  assert.deepEqual(Object.keys(s).sort(), [
    'cpu_system',
    'cpu_user',
    'memory_rss',
    'memory_vms',
    'num_ctx_switches_involuntary',
    'num_ctx_switches_voluntary',
    'num_fds',
    'num_threads',
    'pid',
    'read_bytes',
    'read_ios',
    'status',
    'timestamp',
    'write_bytes',
    'write_ios',
  ]);
  assert.equal(s.pid, childPid);
  assert.ok(Math.abs(Date.parse(s.timestamp) - Date.now()) < 5000);
  assert.ok((s.num_ctx_switches_voluntary ?? -1) >= 0);
  assert.ok((s.read_ios ?? -1) > 0, 'node read its own files');
  assert.ok(s.cpu_user >= 0 && s.cpu_system >= 0);
  assert.ok(s.memory_rss > 0 && s.memory_vms > s.memory_rss);
  // CPU seconds grow with work: this process's user time reflects a busy loop. On a busy
  // machine the loop gets less of a core, so it spins until the time shows (or 10 s pass).
  const before = (await processStats()).cpu_user;
  let later = before;
  for (const end = Date.now() + 10_000; later - before < 0.05 && Date.now() < end;) {
    const slice = Date.now() + 50;
    while (Date.now() < slice) Math.sqrt(Math.random());
    later = (await processStats()).cpu_user;
  }
  assert.ok(later - before >= 0.05, `cpu_user ${before} -> ${later}`);
});

test('process info - fields another user may not read are null, not errors', async (t) => {
  if (process.getuid?.() !== 0) {
    t.skip('needs root to run a child as nobody');
    return;
  }
  // A child running as "nobody" inspects this (root) process.
  const mod = fileURLToPath(new URL('../src/system/process-info.js', import.meta.url));
  const code = `import('${mod}').then(async (m) => console.log(JSON.stringify([await m.processStats(${process.pid}), await m.processInfo(${process.pid})])))`;
  const out = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', code],
      { uid: 65534, gid: 65534, cwd: '/' },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${err.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
  const [stats, info] = JSON.parse(out) as [
    ProcessStats,
    { exe: unknown; cwd: unknown; num_fds: unknown; pid: number },
  ];
  assert.equal(stats.pid, process.pid);
  assert.equal(stats.read_ios, null);
  assert.equal(stats.read_bytes, null);
  assert.equal(stats.num_fds, null);
  assert.ok(stats.cpu_user >= 0);
  assert.equal(info.exe, null);
  assert.equal(info.cwd, null);
  assert.equal(info.num_fds, null);
});

test('process info - a missing or bad PID is invalid_argument naming pid', async () => {
  await assert.rejects(processInfo(NO_PID), isInvalidArgument('pid'));
  await assert.rejects(processStats(NO_PID), isInvalidArgument('pid'));
  await assert.rejects(processInfo(-1), isInvalidArgument('pid'));
  await assert.rejects(processStats(1.5), isInvalidArgument('pid'));
  await assert.rejects(processInfo('1' as unknown as number), isInvalidArgument('pid'));
  await assert.rejects(processInfo(NO_PID), /no process with PID/);
});

test('process monitor - ticks at its interval, reports the last sample and stops', async () => {
  const seen: number[] = [];
  const monitor = new ProcessMonitor(childPid, (stats, seq) => {
    assert.equal(stats.pid, childPid);
    seen.push(seq);
  });
  assert.equal(monitor.interval, 0);
  assert.equal(monitor.last(), undefined);
  assert.deepEqual(monitor.status(), { interval: 0 });
  monitor.setInterval(0.05);
  assert.equal(monitor.interval, 0.05);
  await new Promise((r) => setTimeout(r, 280));
  assert.ok(seen.length >= 3, `${seen.length} samples`);
  assert.deepEqual(
    seen,
    seen.map((_, i) => i + 1),
  );
  const status = monitor.status();
  assert.equal(status.interval, 0.05);
  assert.equal(status.pid, childPid);
  assert.equal(monitor.last()?.pid, childPid);
  monitor.setInterval(0);
  assert.equal(monitor.interval, 0);
  const count = seen.length;
  await new Promise((r) => setTimeout(r, 120));
  assert.ok(seen.length <= count + 1, 'no more samples once off');
  assert.ok(monitor.last(), 'the last sample survives stopping');
});

test('process monitor - rejects bad intervals and stops when its process ends', async () => {
  const monitor = new ProcessMonitor(process.pid);
  assert.throws(() => monitor.setInterval(-1), isInvalidArgument('interval'));
  assert.throws(() => monitor.setInterval(Number.NaN), isInvalidArgument('interval'));
  assert.throws(() => monitor.setInterval(1e9), isInvalidArgument('interval'));
  assert.throws(() => monitor.setInterval('1' as unknown as number), isInvalidArgument('interval'));
  assert.throws(() => new ProcessMonitor(0), isInvalidArgument('pid'));

  const doomed = spawn(process.execPath, ['-e', SCRIPT], { stdio: 'ignore' });
  await once(doomed, 'spawn');
  const errors: unknown[] = [];
  const m = new ProcessMonitor(doomed.pid as number, undefined, (err) => errors.push(err));
  m.setInterval(0.02);
  doomed.kill('SIGKILL');
  await once(doomed, 'exit');
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(m.interval, 0);
  assert.ok(errors.some(isInvalidArgument('pid')));
});

test('process info - a process that set its title shows just the title', async (t) => {
  const { spawn } = await import('node:child_process');
  const child = spawn(
    process.execPath,
    ['-e', "process.title = 'cdc-worker-x'; console.log('ready'); setInterval(() => {}, 1000)"],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  t.after(() => child.kill('SIGKILL'));
  await new Promise((r) => child.stdout.once('data', r));
  const info = await processInfo(child.pid ?? 0);
  assert.deepEqual(info.cmdline, ['cdc-worker-x']);
});
