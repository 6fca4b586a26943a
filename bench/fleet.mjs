#!/usr/bin/env node
// CDC fleet benchmark (issue 4, SPEC §8). Figures only: nothing here asserts.
//
//   node bench/fleet.mjs [--sizes=1000,5000,10000] [--clients=N] [--procs=2]
//                        [--period=10] [--window=20] [--concurrency=200] [--json=FILE]
//                        [--profile[=connect]]  (CPU profile of the center process over the
//                        heartbeat window, or while the nodes connect)
//                        [--edge]       each node registers a Crossbar.io edge's 52 procedures
//                                       one at a time (default: ours, 21, all at once)
//                        [--join-only]  stop once the nodes are connected and online
//                        [--restart]    then SIGKILL the center, start it again on the same
//                                       port, and time until every node is back (join,
//                                       registrations, probe), the nodes reconnecting with
//                                       the uplink's backoff (implies --join-only)
//                        [--pending-per-address=N]  the center's cap on connections still in
//                                       their handshake per source address (default: the
//                                       fleet size; 256 measures with the center's default)
//
// For each size N: a center in its own process (SQLite in a fresh data directory) with one
// management realm, N paired node keys and N granted API-client keys; simulated nodes
// (bench/lib/fleet-sim.mjs: real uplink protocol — cryptosign, the controller's 21
// procedures registered upstream, the realm probe, heartbeats) and simulated API clients
// (cryptosign, following node status), spread over --procs processes. Reported:
//   - time for all N nodes to connect (handshake, join, registrations, probe), and until
//     the center counts them all online;
//   - the same for the clients;
//   - center memory (router process + the realm's backend process) per session;
//   - `get_nodes@3` latency over all N nodes;
//   - heartbeat processing cost: center CPU per heartbeat with every node beating each
//     --period seconds, over --window seconds.
// The clients are capped so that the center stays within its open-file limit.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SigningKey, KeySigner } from '@cdc/cryptosign';
import { joinSession } from '@cdc/client';
import { connect } from '@cdc/transport';
import { createStoreFactory } from '@cdc/store';
import { addRealm, grant, pairNode } from '@cdc/center';
import { Histogram } from './lib/hist.mjs';
import { formatSummary, summarize } from './lib/profile.mjs';
import { Child } from './lib/ipc.mjs';
import { parseFlags, pathFrom } from './lib/cli.mjs';

const flags = parseFlags();
const SIZES = String(flags.sizes ?? '1000,5000,10000')
  .split(',')
  .map(Number);
const PROCS = Number(flags.procs ?? 2);
const PERIOD = Number(flags.period ?? 10);
const WINDOW = Number(flags.window ?? 20);
const CONCURRENCY = Number(flags.concurrency ?? 200);
const PROFILE = flags.edge === true ? 'edge' : 'cdc';
const RESTART = flags.restart === true;
const JOIN_ONLY = RESTART || flags['join-only'] === true;
const REALM = 'fleet';
// Every simulated node connects from 127.0.0.1, where a real fleet comes from as many
// addresses as nodes: the per-address cap on connections still in their handshake (256 by
// default, docs/RELIABILITY.md) would throttle the whole fleet as if it were one peer.
const pendingPerAddress = (n) => Number(flags['pending-per-address'] ?? Math.max(256, n));
const here = pathFrom(import.meta.url);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const CDC = 'com.crossbario.cdc';

function openFileLimit() {
  const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  return m ? Number(m[1]) : 1024;
}

/** RSS (MB) and CPU time (ms) of processes, from /proc. */
function rssMb(pids) {
  let kb = 0;
  for (const pid of pids) {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    kb += Number(m?.[1] ?? 0);
  }
  return kb / 1024;
}
function cpuMs(pids) {
  let ticks = 0;
  for (const pid of pids) {
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone (a realm backend restarted): its CPU is not counted
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14, 15)
  }
  return ticks * 10; // USER_HZ 100
}

function split(items, n) {
  const out = Array.from({ length: n }, () => []);
  items.forEach((x, i) => out[i % n].push(x));
  return out;
}

function mergeHist(results) {
  const h = new Histogram();
  for (const r of results) h.add(r.hist);
  return h;
}

async function showProfile(center, name) {
  const file = here(`./profiles/${name}.cpuprofile`);
  await center.request('profileStop', { file });
  console.log(`center CPU profile (${file}):`);
  console.log(formatSummary(summarize(JSON.parse(readFileSync(file, 'utf8')), 30)));
}

async function provision(dataDir, n, clients) {
  const t0 = performance.now();
  const owner = SigningKey.generate();
  const nodeKeys = Array.from({ length: n }, () => SigningKey.generate());
  const clientKeys = Array.from({ length: clients }, () => SigningKey.generate());
  const factory = createStoreFactory({ dir: dataDir });
  try {
    const domain = await factory.domain();
    await domain.migrate();
    await addRealm(domain, REALM, { pubkey: owner.publicKeyHex, comment: null }, 'owner');
    for (let i = 0; i < n; i++)
      await pairNode(domain, REALM, `node-${i}`, {
        pubkey: nodeKeys[i].publicKeyHex,
        comment: null,
      });
    for (let i = 0; i < clients; i++)
      await grant(
        domain,
        REALM,
        { pubkey: clientKeys[i].publicKeyHex, comment: null },
        'cdc-guest',
        `client-${i}`,
      );
  } finally {
    await factory.close();
  }
  const seed = (k) => Buffer.from(k.seed).toString('hex');
  return {
    ms: performance.now() - t0,
    owner,
    nodeSeeds: nodeKeys.map(seed),
    clientSeeds: clientKeys.map(seed),
  };
}

/**
 * Kill the center (SIGKILL: no goodbye to anyone), start it again on the same port with the
 * same data, and wait until the simulated nodes have all joined again. Times from the kill.
 */
async function restart(center, dataDir, url, sims, expected, limits) {
  const port = Number(new URL(url).port);
  const killedAt = Date.now();
  center.proc.kill('SIGKILL');
  await new Promise((r) => center.proc.once('exit', r));
  const again = new Child(here('./lib/center-process.mjs'), { name: 'center-2' });
  const startAt = Date.now();
  const started = await again.request('start', {
    dir: dataDir,
    heartbeatPeriodS: PERIOD,
    realm: REALM,
    port,
    limits,
  });
  const listeningAt = Date.now();
  const pids = [again.pid, started.backendPid].filter((p) => p !== null);
  const cpu0 = pids.map((p) => cpuMs([p]));
  let back = 0;
  let last = 0;
  let times = [];
  while (Date.now() - killedAt < 300_000) {
    const parts = await Promise.all(sims.map((s) => s.request('rejoined', { since: killedAt })));
    back = parts.reduce((a, x) => a + x.back, 0);
    last = parts.reduce((a, x) => Math.max(a, x.last), 0);
    times = parts.flatMap((x) => x.times);
    if (back >= expected) break;
    await sleep(200);
  }
  // When each share of the fleet was back (s after the kill): the tail is the nodes' backoff.
  times.sort((a, b) => a - b);
  const share = (q) =>
    times.length === 0
      ? NaN
      : (times[Math.min(times.length - 1, Math.ceil(q * expected) - 1)] - killedAt) / 1000;
  const failures = {};
  for (const c of await Promise.all(sims.map((s) => s.request('counters'))))
    for (const [why, k] of Object.entries(c.reconnectFailures))
      failures[why] = (failures[why] ?? 0) + k;
  const cpu = pids.map((p, i) => cpuMs([p]) - cpu0[i]);
  await Promise.all(sims.map((s) => s.request('close').catch(() => undefined)));
  await again.request('stop').catch(() => undefined);
  again.proc.kill('SIGKILL');
  return {
    back,
    expected,
    center_start_s: (listeningAt - startAt) / 1000,
    all_back_after_kill_s: (last - killedAt) / 1000,
    all_back_after_listening_s: (last - listeningAt) / 1000,
    back_s: { p50: share(0.5), p90: share(0.9), p99: share(0.99) },
    reconnect_failures: failures,
    cpu_ms_per_node: {
      router: cpu[0] / Math.max(1, back),
      backend: (cpu[1] ?? 0) / Math.max(1, back),
    },
  };
}

async function run(n) {
  const limit = openFileLimit();
  const clients = JOIN_ONLY
    ? 0
    : Math.min(Number(flags.clients ?? n), Math.max(0, limit - n - 500));
  const root = mkdtempSync(join(tmpdir(), 'cdc-bench-fleet-'));
  const dataDir = join(root, 'data');
  const r = { nodes: n, clients };
  const children = [];
  try {
    const prov = await provision(dataDir, n, clients);
    r.provision_ms = prov.ms;

    const center = new Child(here('./lib/center-process.mjs'), { name: 'center' });
    children.push(center);
    const limits = { max_pending_per_address: pendingPerAddress(n) };
    const { url, backendPid } = await center.request('start', {
      dir: dataDir,
      heartbeatPeriodS: PERIOD,
      realm: REALM,
      limits,
    });
    const pids = [center.pid, backendPid].filter((p) => p !== null);
    await sleep(3000); // the backend's first pairing sync creates the node entries
    const baseRss = rssMb(pids);
    r.center_base_rss_mb = baseRss;

    const owner = await joinSession(await connect(url), {
      realm: REALM,
      authmethods: ['cryptosign'],
      signer: new KeySigner(prov.owner),
    });
    const count = async (status) =>
      Object.keys((await owner.call(`${CDC}.get_nodes@3`, [], { filter_status: status })).value)
        .length;

    // Nodes.
    const sims = Array.from({ length: PROCS }, (_, i) => {
      const c = new Child(here('./lib/fleet-sim.mjs'), { name: `nodes-${i + 1}` });
      children.push(c);
      return c;
    });
    if (flags.profile === 'connect') await center.request('profileStart', {});
    const t0 = performance.now();
    const cpuConnect0 = cpuMs(pids);
    const cpuParts0 = [center.pid, backendPid, ...sims.map((x) => x.pid)].map((p) => cpuMs([p]));
    const nodeResults = await Promise.all(
      split(prov.nodeSeeds, PROCS).map((seeds, i) =>
        sims[i].request('nodes', {
          url,
          seeds,
          concurrency: CONCURRENCY / PROCS,
          period: PERIOD,
          mrealm: REALM,
          profile: PROFILE,
          reconnect: RESTART,
        }),
      ),
    );
    r.nodes_connect_s = (performance.now() - t0) / 1000;
    r.nodes_connect_center_cpu_pct =
      ((cpuMs(pids) - cpuConnect0) / (r.nodes_connect_s * 1000)) * 100;
    // CPU per connecting node: the center's router, its realm backend, the simulators.
    const parts = [center.pid, backendPid, ...sims.map((x) => x.pid)].map(
      (p, i) => (cpuMs([p]) - cpuParts0[i]) / n,
    );
    r.connect_cpu_ms_per_node = {
      router: parts[0],
      backend: parts[1],
      simulators: parts.slice(2).reduce((a, b) => a + b, 0),
    };
    if (flags.profile === 'connect') await showProfile(center, `fleet-center-connect-${n}`);
    r.nodes_connected = nodeResults.reduce((a, x) => a + x.connected, 0);
    r.nodes_failed = nodeResults.reduce((a, x) => a + x.failures, 0);
    if (r.nodes_failed > 0)
      r.nodes_first_failure = nodeResults.find((x) => x.firstFailure)?.firstFailure;
    const nh = mergeHist(nodeResults);
    r.node_join_ms = { p50: nh.quantile(0.5) / 1000, p99: nh.quantile(0.99) / 1000 };
    while ((await count('online')) < r.nodes_connected) {
      if (performance.now() - t0 > 120_000) break;
      await sleep(100);
    }
    r.nodes_online_s = (performance.now() - t0) / 1000;
    await sleep(2000);
    const nodesRss = rssMb(pids);
    r.kb_per_node_session = ((nodesRss - baseRss) * 1024) / Math.max(1, r.nodes_connected);
    if (JOIN_ONLY) {
      await owner.leave().catch(() => undefined);
      if (RESTART) r.restart = await restart(center, dataDir, url, sims, r.nodes_connected, limits);
      else {
        await Promise.all(sims.map((s) => s.request('close').catch(() => undefined)));
        await center.request('stop');
      }
      return r;
    }

    // Clients.
    const csims = Array.from({ length: PROCS }, (_, i) => {
      const c = new Child(here('./lib/fleet-sim.mjs'), { name: `clients-${i + 1}` });
      children.push(c);
      return c;
    });
    const t1 = performance.now();
    const clientResults = await Promise.all(
      split(prov.clientSeeds, PROCS).map((seeds, i) =>
        csims[i].request('clients', {
          url,
          seeds,
          realm: REALM,
          concurrency: CONCURRENCY / PROCS,
          topic: 'com.crossbario.cdc.remote.on_node_status@1',
        }),
      ),
    );
    r.clients_connect_s = (performance.now() - t1) / 1000;
    r.clients_connected = clientResults.reduce((a, x) => a + x.connected, 0);
    r.clients_failed = clientResults.reduce((a, x) => a + x.failures, 0);
    if (r.clients_failed > 0)
      r.clients_first_failure = clientResults.find((x) => x.firstFailure)?.firstFailure;
    await sleep(2000);
    const allRss = rssMb(pids);
    r.center_rss_mb = allRss;
    r.kb_per_client_session = ((allRss - nodesRss) * 1024) / Math.max(1, r.clients_connected);
    r.kb_per_session =
      ((allRss - baseRss) * 1024) / Math.max(1, r.nodes_connected + r.clients_connected);

    // get_nodes@3 over every node.
    const h = new Histogram();
    let size = 0;
    for (let i = 0; i < 20; i++) {
      const s = performance.now();
      const res = await owner.call(`${CDC}.get_nodes@3`);
      h.record((performance.now() - s) * 1000);
      size = Object.keys(res.value).length;
    }
    r.get_nodes3 = { nodes: size, p50_ms: h.quantile(0.5) / 1000, p90_ms: h.quantile(0.9) / 1000 };

    // A remote call fanned out to every node (SPEC §4.2 through the center), 100 in flight,
    // from a client with an owner key in a process of its own.
    const fan = new Child(here('./lib/fleet-sim.mjs'), { name: 'fanout' });
    children.push(fan);
    const nodeIds = Array.from({ length: r.nodes_connected }, (_, i) => `node-${i}`);
    r.fanout = await fan.request('fanout', {
      url,
      seed: Buffer.from(prov.owner.seed).toString('hex'),
      realm: REALM,
      procedure: `${CDC}.remote.get_node_workers@1`,
      nodeIds,
      concurrency: 100,
    });

    // Heartbeats: the center's CPU with every node beating each PERIOD seconds, against a
    // pause short enough for the center's patience (2.5 periods) for the idle baseline.
    const pause = Math.min(8, PERIOD); // + the period before it and 1 s after: < 2.5 periods
    await Promise.all(sims.map((s) => s.request('stopHeartbeats')));
    await sleep(1000);
    const i0 = cpuMs(pids);
    await sleep((pause - 1) * 1000);
    const idleMsPerS = (cpuMs(pids) - i0) / (pause - 1);
    r.center_idle_cpu_pct = idleMsPerS / 10;
    // Resumed soon enough that no node is silent for 2.5 periods (a period before the
    // pause, the pause, the spread), spread to keep the load even.
    const spread = Math.max(1, 1.5 * PERIOD - pause - 1);
    await Promise.all(
      sims.map((s) => s.request('heartbeats', { period: PERIOD, mrealm: REALM, spread })),
    );
    await sleep(PERIOD * 1000); // every node beats again, at its new phase
    const before = await Promise.all(sims.map((s) => s.request('counters')));
    const c0 = cpuMs(pids);
    const r0 = cpuMs([center.pid]);
    if (flags.profile === true) await center.request('profileStart', {});
    const w0 = performance.now();
    await sleep(WINDOW * 1000);
    if (flags.profile === true) await showProfile(center, `fleet-center-heartbeats-${n}`);
    const c1 = cpuMs(pids);
    const r1 = cpuMs([center.pid]);
    const elapsedS = (performance.now() - w0) / 1000;
    const after = await Promise.all(sims.map((s) => s.request('counters')));
    const beats =
      after.reduce((a, x) => a + x.heartbeats, 0) - before.reduce((a, x) => a + x.heartbeats, 0);
    const busyMs = c1 - c0 - idleMsPerS * elapsedS;
    r.heartbeats_per_s = beats / elapsedS;
    r.heartbeat_cpu_us = (busyMs * 1000) / Math.max(1, beats);
    r.heartbeat_center_cpu_pct = ((c1 - c0) / (elapsedS * 1000)) * 100;
    r.heartbeat_router_share = (r1 - r0) / Math.max(1, c1 - c0);

    await owner.leave().catch(() => undefined);
    const sent = await Promise.all(sims.map((s) => s.request('stopHeartbeats')));
    await sleep(2000); // the last heartbeats in flight arrive
    await Promise.all([...sims, ...csims].map((s) => s.request('close').catch(() => undefined)));
    await center.request('stop');
    // Every node's last heartbeat must be in the database once the center has stopped.
    const factory = createStoreFactory({ dir: dataDir });
    try {
      const store = await factory.realm(REALM);
      let stored = 0;
      for (const node of await store.listNodes()) stored += node.heartbeat ?? 0;
      r.heartbeats_stored_pct =
        (stored /
          Math.max(
            1,
            sent.reduce((a, x) => a + x.seqSum, 0),
          )) *
        100;
    } finally {
      await factory.close();
    }
  } finally {
    for (const c of children) c.proc.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  }
  return r;
}

const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');

const results = [];
for (const n of SIZES) {
  process.stderr.write(`fleet: ${n} nodes …\n`);
  results.push(await run(n));
}

console.log('CDC fleet benchmark (one center, one management realm, SQLite)');
const int = (x) => Math.round(x).toLocaleString('en-US');
for (const r of results) {
  const c = r.connect_cpu_ms_per_node;
  console.log(`\n${int(r.nodes)} nodes + ${int(r.clients_connected ?? 0)} API clients`);
  const how = PROFILE === 'edge' ? '52 registrations one at a time' : '21 registrations';
  console.log(
    `  nodes connected (cryptosign, ${how}, probe)  ${fmt(r.nodes_connect_s, 2)} s` +
      `  (join p50 ${fmt(r.node_join_ms.p50, 0)} ms, p99 ${fmt(r.node_join_ms.p99, 0)} ms)`,
  );
  console.log(
    `  all online as the center sees it                      ${fmt(r.nodes_online_s, 2)} s`,
  );
  console.log(
    `  CPU per node connect: center router ${fmt(c.router, 2)} ms, realm backend ${fmt(c.backend, 2)} ms,` +
      ` simulators ${fmt(c.simulators, 2)} ms`,
  );
  if (r.nodes_failed > 0)
    console.log(`  failures: ${r.nodes_failed} nodes (${r.nodes_first_failure ?? ''})`);
  if (JOIN_ONLY) {
    console.log(`  center memory per node session ${fmt(r.kb_per_node_session)} KB`);
    const x = r.restart;
    if (x !== undefined) {
      console.log(
        `  center SIGKILLed and started again (${fmt(x.center_start_s, 2)} s to listen):` +
          ` ${int(x.back)} of ${int(x.expected)} nodes back ${fmt(x.all_back_after_kill_s, 2)} s after the kill` +
          ` (${fmt(x.all_back_after_listening_s, 2)} s after it listened);` +
          ` CPU per node: router ${fmt(x.cpu_ms_per_node.router, 2)} ms, backend ${fmt(x.cpu_ms_per_node.backend, 2)} ms`,
      );
      console.log(
        `    half the nodes back after ${fmt(x.back_s.p50, 2)} s, 90 % after ${fmt(x.back_s.p90, 2)} s,` +
          ` 99 % after ${fmt(x.back_s.p99, 2)} s (from the kill)`,
      );
      const why = Object.entries(x.reconnect_failures).sort((a, b) => b[1] - a[1]);
      console.log(`    failed reconnect attempts: ${int(why.reduce((a, w) => a + w[1], 0))}`);
      for (const [m, k] of why.slice(0, 5)) console.log(`      ${int(k)} × ${m}`);
    }
    continue;
  }
  console.log(
    `  clients connected (cryptosign, one subscription)      ${fmt(r.clients_connect_s, 2)} s`,
  );
  console.log(
    `  center memory ${fmt(r.center_base_rss_mb, 0)} MB → ${fmt(r.center_rss_mb, 0)} MB RSS:` +
      ` ${fmt(r.kb_per_node_session)} KB per node session, ${fmt(r.kb_per_client_session)} KB per client session`,
  );
  console.log(
    `  get_nodes@3 over ${int(r.get_nodes3.nodes)} nodes  p50 ${fmt(r.get_nodes3.p50_ms)} ms  p90 ${fmt(r.get_nodes3.p90_ms)} ms`,
  );
  console.log(
    `  remote.get_node_workers on every node, 100 in flight: ${int((r.fanout.calls / r.fanout.ms) * 1000)} calls/s` +
      (r.fanout.errors > 0 ? ` (${r.fanout.errors} errors)` : ''),
  );
  console.log(
    `  heartbeats ${int(r.heartbeats_per_s)}/s: center CPU ${fmt(r.heartbeat_center_cpu_pct, 0)} %` +
      ` (idle ${fmt(r.center_idle_cpu_pct, 0)} %), ${fmt(r.heartbeat_cpu_us, 0)} µs CPU per heartbeat` +
      ` (${fmt(r.heartbeat_router_share * 100, 0)} % of it the router), ${fmt(r.heartbeats_stored_pct, 1)} % stored`,
  );
  if (r.nodes_failed > 0 || r.clients_failed > 0)
    console.log(
      `  failures: ${r.nodes_failed} nodes (${r.nodes_first_failure ?? ''}), ${r.clients_failed} clients (${r.clients_first_failure ?? ''})`,
    );
}
console.log(
  `\nTargets (SPEC §8): 10,000 nodes connected in < 10 s; get_nodes@3 over 10,000 nodes < 100 ms.` +
    `\nOpen-file limit of this process: ${openFileLimit()} (clients are capped to fit the center in it).`,
);
if (typeof flags.json === 'string') writeFileSync(flags.json, JSON.stringify(results, null, 2));
