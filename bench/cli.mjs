#!/usr/bin/env node
// How fast the `cdc` command answers, as a person runs it (issue 12's targets: `npx cdc
// --help` < 300 ms, `npx cdc nodes` against a local center < 500 ms). Figures only.
//
//   node bench/cli.mjs [--runs=10]
//
// Each command runs --runs times as a new process: the wall clock from spawn to exit and the
// CPU time of it and everything it started (user + system, from the kernel's accounting of
// waited-for children, read by a small python3 wrapper), which a loaded machine inflates far
// less than the wall clock. The baselines `node -e 0` and `npx --version` show what Node and
// npm cost before the CLI's own code runs, and `npx noop` (in a temporary package whose
// local bin is a shell script that does nothing) what `npx <bin>` costs whatever the bin:
// the floor no CLI run through npx goes under. The center for `cdc nodes` is a real one in
// its own process (SQLite in a temporary directory, an owner key made with ssh-keygen).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFlags, pathFrom } from './lib/cli.mjs';

const flags = parseFlags();
const RUNS = Number(flags.runs ?? 10);
// --root=DIR measures another checkout (a before/after comparison).
const root = flags.root ?? pathFrom(import.meta.url)('..');
const bin = join(root, 'node_modules', '.bin', 'cdc');

// Runs argv with its output discarded; prints {"wall": s, "cpu": s} of it and its children.
const WRAPPER = `
import json, resource, subprocess, sys, time
t = time.perf_counter()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - t
u = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stderr.write(r.stderr.decode(errors="replace"))
print(json.dumps({"status": r.returncode, "wall": wall, "cpu": u.ru_utime + u.ru_stime}))
`;

function time(cmd, args, env = {}, cwd = root) {
  const wall = [];
  const cpu = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync('/usr/bin/python3', ['-c', WRAPPER, cmd, ...args], {
      cwd,
      env: { ...process.env, ...env },
      stdio: 'pipe',
    });
    const m = r.status === 0 ? JSON.parse(r.stdout.toString()) : { status: r.status };
    if (m.status !== 0)
      throw new Error(`${cmd} ${args.join(' ')} failed (${m.status}): ${r.stderr.toString()}`);
    wall.push(m.wall * 1000);
    cpu.push(m.cpu * 1000);
  }
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)].toFixed(0);
  const p90 = (xs) => xs[Math.min(xs.length - 1, Math.floor(0.9 * xs.length))].toFixed(0);
  return { median: median(wall), p90: p90(wall), min: wall[0].toFixed(0), cpu: median(cpu) };
}

const rows = [];
const row = (name, r) => {
  rows.push([name, r]);
  console.log(
    `${name.padEnd(34)} wall median ${r.median.padStart(5)} ms  p90 ${r.p90.padStart(5)} ms  min ${r.min.padStart(5)} ms  CPU median ${r.cpu.padStart(5)} ms`,
  );
};

row('node -e 0 (baseline)', time(process.execPath, ['-e', '0']));
row('npx --version (baseline)', time('npx', ['--version']));
const noop = mkdtempSync(join(tmpdir(), 'cdc-bench-npx-'));
try {
  writeFileSync(join(noop, 'package.json'), '{"name":"noop-floor","private":true}\n');
  mkdirSync(join(noop, 'node_modules', '.bin'), { recursive: true });
  writeFileSync(join(noop, 'node_modules', '.bin', 'noop'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(noop, 'node_modules', '.bin', 'noop'), 0o755);
  row('npx noop (floor, a no-op bin)', time('npx', ['noop'], {}, noop));
} finally {
  rmSync(noop, { recursive: true, force: true });
}
row('node_modules/.bin/cdc --help', time(bin, ['--help']));
row('npx cdc --help', time('npx', ['cdc', '--help']));

const dir = mkdtempSync(join(tmpdir(), 'cdc-bench-cli-'));
const key = join(dir, 'owner_ed25519');
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
const center = spawn(
  process.execPath,
  [
    bin,
    'center',
    'start',
    '--dir',
    join(dir, 'data'),
    '--listen',
    '127.0.0.1:0',
    '--bootstrap-owner-key',
    `${key}.pub`,
  ],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
);
try {
  const url = await new Promise((res, rej) => {
    let out = '';
    center.stdout.on('data', (d) => {
      out += d.toString();
      const m = /"url":"(ws:\/\/127\.0\.0\.1:\d+\/ws)".*"msg":"listening"/.exec(out);
      if (m) res(m[1]);
    });
    center.once('exit', (code) => rej(new Error(`the center exited (${code})`)));
  });
  const env = { CDC_URL: url, CDC_KEY: key, CDC_HOME: join(dir, 'home') };
  row('node_modules/.bin/cdc nodes', time(bin, ['nodes'], env));
  row('npx cdc nodes', time('npx', ['cdc', 'nodes'], env));
} finally {
  center.kill('SIGTERM');
  await new Promise((r) => center.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
