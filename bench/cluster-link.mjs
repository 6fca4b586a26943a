#!/usr/bin/env node
// Forwarding between center instances (issue 17, SPEC §9). Figures only: nothing asserts.
//
//   node bench/cluster-link.mjs [--calls=5000] [--seconds=5] [--json=FILE]
//
// Two instances, each in its own process (bench/lib/cluster-instance-process.mjs: a router with a
// WebSocket listener and the cluster link): B owns realm `realm1`, A does not and forwards
// sessions for it to B over one link. A callee joins B directly; two callers join, one
// through A (forwarded) and one on B. Latency: one call at a time, the two callers taking
// turns in blocks so drift on the shared machine hits both alike; the difference of the
// medians is what forwarding adds (target < 0.3 ms). Throughput: several sessions through A
// with many calls in flight, all carried by the one link, against the same on B directly.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { joinSession } from '@cdc/client';
import { connect } from '@cdc/transport';
import { Histogram } from './lib/hist.mjs';
import { Child } from './lib/ipc.mjs';
import { parseFlags, pathFrom } from './lib/cli.mjs';

const flags = parseFlags();
const CALLS = Number(flags.calls ?? 5000);
const SECONDS = Number(flags.seconds ?? 5);
const SESSIONS = 4;
const IN_FLIGHT = 32;
const here = pathFrom(import.meta.url);

const secret = randomBytes(32).toString('hex');
const a = new Child(here('./lib/cluster-instance-process.mjs'), { name: 'instance A' });
const b = new Child(here('./lib/cluster-instance-process.mjs'), { name: 'instance B' });
const sessions = [];

async function join(url, i) {
  const s = await joinSession(await connect(url, { serializer: 'msgpack' }), {
    realm: 'realm1',
    authid: `bench-${i}`,
    ticket: 'bench',
  });
  sessions.push(s);
  return s;
}

function stats(h) {
  return { median: h.quantile(0.5), p99: h.quantile(0.99) };
}

async function latency(callers) {
  const hists = callers.map(() => new Histogram());
  for (const c of callers) for (let i = 0; i < 500; i++) await c.call('com.bench.echo', [i]);
  const BLOCK = 250;
  for (let done = 0; done < CALLS; done += BLOCK) {
    for (let k = 0; k < callers.length; k++) {
      for (let i = 0; i < BLOCK; i++) {
        const t0 = performance.now();
        await callers[k].call('com.bench.echo', [i]);
        hists[k].record((performance.now() - t0) * 1000);
      }
    }
  }
  return hists.map(stats);
}

async function throughput(callers) {
  let n = 0;
  const end = performance.now() + SECONDS * 1000;
  const worker = async (s) => {
    while (performance.now() < end) {
      await s.call('com.bench.echo', [n]);
      n++;
    }
  };
  const t0 = performance.now();
  await Promise.all(callers.flatMap((s) => Array.from({ length: IN_FLIGHT }, () => worker(s))));
  return n / ((performance.now() - t0) / 1000);
}

async function cpu(child, f) {
  const before = (await child.request('stats')).cpu;
  const r = await f();
  const after = (await child.request('stats')).cpu;
  return { r, cpuMs: (after.user + after.system - before.user - before.system) / 1000 };
}

try {
  const ia = await a.request('start', { name: 'a', realms: [], secret });
  const ib = await b.request('start', { name: 'b', realms: ['realm1'], secret });
  await a.request('place', { realm: 'realm1', address: ib.link });
  const callee = await join(ib.url, 0);
  await callee.register('com.bench.echo', (args) => args[0]);
  const viaA = await join(ia.url, 1);
  const onB = await join(ib.url, 2);
  console.log(
    `load before: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  const [fwd, direct] = await latency([viaA, onB]);
  const us = (x) => `${x.toFixed(0)} µs`.padStart(8);
  console.log(`call on B directly          median ${us(direct.median)}  p99 ${us(direct.p99)}`);
  console.log(`call through A, forwarded   median ${us(fwd.median)}  p99 ${us(fwd.p99)}`);
  const extra = fwd.median - direct.median;
  console.log(`forwarding adds             median ${us(extra)}  (target < 300 µs)`);

  const throughA = [];
  const onBOnly = [];
  for (let i = 0; i < SESSIONS; i++) throughA.push(await join(ia.url, 10 + i));
  for (let i = 0; i < SESSIONS; i++) onBOnly.push(await join(ib.url, 20 + i));
  const tA = await cpu(a, () => cpu(b, () => throughput(throughA)));
  const tB = await cpu(b, () => throughput(onBOnly));
  const rateA = tA.r.r;
  const rateB = tB.r;
  const k = (x) => `${(x / 1000).toFixed(1)}k calls/s`.padStart(14);
  console.log(
    `throughput on B directly    ${k(rateB)}  (${SESSIONS} sessions × ${IN_FLIGHT} in flight; B ${(tB.cpuMs / SECONDS / 10).toFixed(0)} % CPU)`,
  );
  console.log(
    `throughput through A (link) ${k(rateA)}  (A ${(tA.cpuMs / SECONDS / 10).toFixed(0)} % CPU, B ${(tA.r.cpuMs / SECONDS / 10).toFixed(0)} % CPU)`,
  );
  const linkStats = await a.request('stats');
  console.log(
    `links on A: ${linkStats.links}, frames out ${linkStats.framesOut}, in ${linkStats.framesIn}`,
  );
  console.log(
    `load after: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  if (typeof flags.json === 'string') {
    writeFileSync(
      flags.json,
      JSON.stringify(
        { direct, forwarded: fwd, extraMedianUs: extra, rateDirect: rateB, rateForwarded: rateA },
        null,
        2,
      ),
    );
  }
} finally {
  for (const s of sessions) await s.leave().catch(() => undefined);
  await a.request('stop').catch(() => undefined);
  await b.request('stop').catch(() => undefined);
  await a.kill();
  await b.kill();
}
