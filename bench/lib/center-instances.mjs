// `cdc center start` processes for bench/cluster.mjs: start one (clustered or not), find its
// process tree (workers of --processes, realm backends) and its CPU from /proc, read its
// /metrics and `cdc center status --json`.
import { execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { pathFrom } from './cli.mjs';

const here = pathFrom(import.meta.url);
const CDC_BIN = here('../../apps/cli/bin/cdc.js');
const run = promisify(execFile);

/** A free TCP port on 127.0.0.1 (for --processes, whose workers share one given port). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** `cdc center start …` as a child process; `ready` resolves with its URL once it listens. */
export class CenterProc {
  constructor(name, args, env) {
    this.name = name;
    this.lines = [];
    this.child = spawn(process.execPath, [CDC_BIN, 'center', 'start', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((r) => this.child.once('exit', r));
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} did not listen:\n${this.output()}`)),
        120_000,
      );
      const take = (d) => {
        for (const l of d.toString().split('\n')) {
          if (l === '') continue;
          this.lines.push(l);
          if (this.lines.length > 300) this.lines.shift();
          const m = /"url":"(ws:\/\/127\.0\.0\.1:\d+\/ws)"/.exec(l);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        }
      };
      this.child.stdout.on('data', take);
      this.child.stderr.on('data', take);
      void this.exited.then(() => reject(new Error(`${name} exited:\n${this.output()}`)));
    });
  }

  get pid() {
    return this.child.pid;
  }

  output() {
    return this.lines.join('\n');
  }

  /** SIGTERM, then SIGKILL for what is left of its tree after `ms`. */
  async stop(ms = 15_000) {
    const tree = descendants(this.pid);
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, ms))]);
      this.child.kill('SIGKILL');
    }
    killAll(tree);
  }
}

/** Every process whose parent chain leads to `pid` (from /proc). */
export function descendants(pid) {
  const parent = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out = [];
  const walk = (p) => {
    for (const [c, pp] of parent)
      if (pp === p) {
        out.push(c);
        walk(c);
      }
  };
  walk(pid);
  return out;
}

/** The direct children of `pid`. */
export function children(pid) {
  return descendants(pid).filter((c) => ppid(c) === pid);
}

function ppid(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return -1;
  }
}

export function killAll(pids) {
  for (const p of pids) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** CPU time (ms) a process has used so far, 0 once it is gone. */
export function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // utime + stime, USER_HZ 100
  } catch {
    return 0;
  }
}

/** `name{instance="…"} value` lines of a /metrics text, by instance. */
export function clusterGauges(text, names) {
  const out = {};
  for (const name of names) {
    const re = new RegExp(`^${name}\\{instance="([^"]+)"\\} (\\d+)$`, 'gm');
    for (const m of text.matchAll(re)) (out[m[1]] ??= {})[name] = Number(m[2]);
  }
  return out;
}

export function metricsOf(url) {
  // A new connection each time (no agent): behind --processes' one port each may reach
  // another worker.
  return new Promise((resolve, reject) => {
    const req = get(
      url.replace(/^ws/, 'http').replace(/\/ws$/, '/metrics'),
      { agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve(text));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });
}

/** `cdc center status --json` against the database. */
export async function clusterStatus(databaseUrl) {
  const { stdout } = await run(process.execPath, [CDC_BIN, 'center', 'status', '--json'], {
    env: { ...process.env, CDC_DATABASE_URL: databaseUrl },
  });
  return JSON.parse(stdout);
}
