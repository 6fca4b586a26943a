#!/usr/bin/env node
// How fast the `cdc` command answers, as a person runs it (issue 12's targets: `npx cdc
// --help` < 300 ms, `npx cdc nodes` against a local center < 500 ms). Figures only.
//
//   node bench/cli.mjs [--runs=10]
//
// Each command runs --runs times as a new process (wall clock from spawn to exit); the
// baselines `node -e 0` and `npx --version` show what Node and npm cost before the CLI's
// own code runs. The center for `cdc nodes` is a real one in its own process (SQLite in a
// temporary directory, an owner key made with ssh-keygen).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseFlags, pathFrom } from './lib/cli.mjs';

const flags = parseFlags();
const RUNS = Number(flags.runs ?? 10);
// --root=DIR measures another checkout (a before/after comparison).
const root = flags.root ?? pathFrom(import.meta.url)('..');
const bin = join(root, 'node_modules', '.bin', 'cdc');

function time(cmd, args, env = {}) {
  const ms = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: 'pipe' });
    ms.push(performance.now() - t);
    if (r.status !== 0)
      throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.toString()}`);
  }
  ms.sort((a, b) => a - b);
  const q = (p) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))].toFixed(0);
  return { median: q(0.5), p90: q(0.9), min: ms[0].toFixed(0) };
}

const rows = [];
const row = (name, r) => {
  rows.push([name, r]);
  console.log(
    `${name.padEnd(34)} median ${r.median.padStart(5)} ms  p90 ${r.p90.padStart(5)} ms  min ${r.min.padStart(5)} ms`,
  );
};

row('node -e 0 (baseline)', time(process.execPath, ['-e', '0']));
row('npx --version (baseline)', time('npx', ['--version']));
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
