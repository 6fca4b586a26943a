#!/usr/bin/env node
// CDC node benchmarks (issue 3). Figures only: nothing here asserts.
//
//   node bench/node.mjs [--starts=10] [--calls=3000] [--idle=30] [--json=FILE]
//
// Runs a real node (`cdc node start`, its own process) on an empty node directory and
// drives it over its management socket with @cdc/client, as `cdc node ...` does:
//   - start_worker → ready: how long `crossbar.start_worker` takes for a router worker;
//   - start_worker → accepting: that, plus a realm and a WebSocket transport started live
//     and a client joined on it (the worker serving real connections);
//   - memory of the idle controller and of an idle router worker, after --idle seconds (V8
//     gives memory back only once a process has been idle for a while): RSS as `ps` shows
//     it, and PSS, which counts the pages both share (the node binary, ~39 MB) once;
//   - `crossbar.get_status` round trips: one at a time (latency) and 50 in flight (rate).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { joinSession } from '@cdc/client';
import { connect } from '@cdc/transport';
import { controllerUri, workerPrefix } from '@cdc/api';
import { Histogram } from './lib/hist.mjs';
import { parseFlags, pathFrom } from './lib/cli.mjs';

const flags = parseFlags();
const STARTS = Number(flags.starts ?? 10);
const CALLS = Number(flags.calls ?? 3000);
const IDLE_S = Number(flags.idle ?? 30);
const CDC = pathFrom(import.meta.url)('../apps/cli/bin/cdc.js');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const GET_STATUS = controllerUri('get_status');

/** RSS and PSS (MB) of a process, from /proc/<pid>/smaps_rollup. */
function memory(pid) {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rss: kb('Rss') / 1024, pss: kb('Pss') / 1024 };
}

const OPEN = {
  name: 'anonymous',
  permissions: [
    {
      uri: '',
      match: 'prefix',
      allow: { call: true, register: true, publish: true, subscribe: true },
    },
  ],
};

async function startNode(dir) {
  const env = { ...process.env };
  delete env.CDC_URL;
  delete env.CROSSBAR_FABRIC_URL;
  const child = spawn(
    process.execPath,
    [CDC, 'node', 'start', '--cbdir', dir, '--log-level', 'warn'],
    {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const sock = join(dir, 'controller.sock');
  for (let i = 0; ; i++) {
    try {
      const session = await joinSession(await connect(`unix:${sock}`), { realm: 'crossbar' });
      return { child, session };
    } catch (e) {
      if (i > 200) throw e;
      await sleep(50);
    }
  }
}

const call = async (s, proc, args = [], kwargs = {}) => (await s.call(proc, args, kwargs)).value;

function summary(values) {
  const v = [...values].sort((a, b) => a - b);
  const q = (p) => v[Math.min(v.length - 1, Math.floor(p * v.length))];
  return { n: v.length, min: v[0], median: q(0.5), p90: q(0.9), max: v[v.length - 1] };
}

const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');

async function main() {
  const root = mkdtempSync(join(tmpdir(), 'cdc-bench-node-'));
  const dir = join(root, '.crossbar');
  const { child, session } = await startNode(dir);
  const results = {};
  try {
    const ready = [];
    const accepting = [];
    let workerPid;
    for (let i = 0; i < STARTS; i++) {
      const id = `r${i}`;
      const t0 = performance.now();
      const w = await call(session, controllerUri('start_worker'), [id, 'router', {}]);
      const t1 = performance.now();
      const W = workerPrefix(id);
      await call(session, `${W}start_router_realm`, ['realm1', { name: 'realm1' }]);
      await call(session, `${W}start_router_realm_role`, ['realm1', 'anonymous', OPEN]);
      const t = await call(session, `${W}start_router_transport`, [
        'ws1',
        { type: 'websocket', endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' } },
      ]);
      const client = await joinSession(await connect(`ws://127.0.0.1:${t.address.port}/`), {
        realm: 'realm1',
      });
      const t2 = performance.now();
      await client.leave();
      ready.push(t1 - t0);
      accepting.push(t2 - t0);
      // The last one stays up: the idle node is a controller and one router worker.
      if (i < STARTS - 1) await call(session, controllerUri('stop_worker'), [id]);
      else workerPid = w.pid;
    }
    results.start_worker_ready_ms = summary(ready);
    results.start_worker_accepting_ms = summary(accepting);
    await sleep(IDLE_S * 1000);
    const c = memory(child.pid);
    const w = memory(workerPid);
    results.controller_idle = c;
    results.router_worker_idle = w;
    results.node_idle = { rss: c.rss + w.rss, pss: c.pss + w.pss };

    const h = new Histogram();
    for (let i = 0; i < 200; i++) await call(session, GET_STATUS); // warm-up
    for (let i = 0; i < CALLS; i++) {
      const t0 = performance.now();
      await call(session, GET_STATUS);
      h.record((performance.now() - t0) * 1000);
    }
    results.get_status_rtt_us = { p50: h.quantile(0.5), p99: h.quantile(0.99) };
    let done = 0;
    const t0 = performance.now();
    const loop = async () => {
      while (done < CALLS * 5) {
        done++;
        await call(session, GET_STATUS);
      }
    };
    await Promise.all(Array.from({ length: 50 }, loop));
    results.get_status_per_s = (done / (performance.now() - t0)) * 1000;
  } finally {
    await session.leave().catch(() => undefined);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(root, { recursive: true, force: true });
  }

  const r = results;
  console.log('CDC node benchmark (one node process, management API over its Unix socket)\n');
  console.log(
    `start_worker → ready (router)        median ${fmt(r.start_worker_ready_ms.median, 0)} ms` +
      `  p90 ${fmt(r.start_worker_ready_ms.p90, 0)} ms  (n=${STARTS}; target < 500 ms)`,
  );
  console.log(
    `start_worker → accepting connections median ${fmt(r.start_worker_accepting_ms.median, 0)} ms` +
      `  p90 ${fmt(r.start_worker_accepting_ms.p90, 0)} ms  (+ realm, role, transport, client join)`,
  );
  const mem = (m) => `RSS ${fmt(m.rss)} MB  PSS ${fmt(m.pss)} MB`;
  console.log(`idle controller (after ${IDLE_S} s)       ${mem(r.controller_idle)}`);
  console.log(`idle router worker                   ${mem(r.router_worker_idle)}`);
  console.log(`idle node (controller + router)      ${mem(r.node_idle)}  (target: RSS < 120 MB)`);
  console.log(
    `get_status round trip                p50 ${fmt(r.get_status_rtt_us.p50, 0)} µs` +
      `  p99 ${fmt(r.get_status_rtt_us.p99, 0)} µs`,
  );
  console.log(`get_status, 50 in flight             ${fmt(r.get_status_per_s, 0)} calls/s`);
  if (typeof flags.json === 'string') writeFileSync(flags.json, JSON.stringify(r, null, 2));
}

await main();
