#!/usr/bin/env node
// A fleet against a cluster of centers (issue 17, SPEC §9). Figures only: nothing asserts.
//
//   node bench/cluster.mjs [--nodes=2000] [--realms=4] [--lease=6] [--procs=2]
//                          [--modes=single,cluster,processes] [--no-kill] [--json=FILE]
//                          [--pending-per-address=100000]
//
// On this machine's PostgreSQL (a database of its own, dropped at the end), for each mode:
//   single     one `cdc center start` (not clustered) on the database;
//   cluster    three `cdc center start --cluster` instances on three ports;
//   processes  one `cdc center start --cluster --processes 3` on one port.
// --realms management realms, the --nodes paired round-robin over them. Simulated nodes
// (bench/lib/fleet-sim.mjs: the real uplink protocol) in --procs processes, 200 handshakes
// in flight; in cluster mode node i is given the three URLs rotated by i (so a third come in
// through each instance, most of them forwarded to their realm's owner), in processes mode
// the one port. Reported: time for all nodes to connect; the CPU each instance (its router
// process, its realm backends) spent while they did, per node, with its /metrics figures of
// sessions forwarded to an owner and hosted for another instance; then (cluster mode) the
// time from `kill -9` of one realm's owner to that realm answering through another instance
// with the lease time used (CDC_CLUSTER_LEASE_S), and until every node is back.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SigningKey, KeySigner } from '@cdc/cryptosign';
import { joinSession } from '@cdc/client';
import { connect } from '@cdc/transport';
import { createStoreFactory } from '@cdc/store';
import { addRealm, pairNode } from '@cdc/center';
import { createTestDatabase } from '@cdc/testkit';
import { Child } from './lib/ipc.mjs';
import { parseFlags, pathFrom } from './lib/cli.mjs';
import {
  CenterProc,
  children,
  clusterGauges,
  clusterStatus,
  cpuMs,
  descendants,
  freePort,
  killAll,
  metricsOf,
} from './lib/center-instances.mjs';

const flags = parseFlags();
// Every simulated node connects from 127.0.0.1, where a real fleet comes from as many
// addresses as nodes: the per-address cap on connections still in their handshake (256 by
// default, docs/RELIABILITY.md) would throttle the whole fleet as if it were one peer.
// `--pending-per-address=256` measures with the default.
process.env['CDC_LIMITS'] ??= JSON.stringify({
  max_pending_per_address: Number(flags['pending-per-address'] ?? 100_000),
});
const N = Number(flags.nodes ?? 2000);
const REALMS = Array.from({ length: Number(flags.realms ?? 4) }, (_, i) => `fleet${i + 1}`);
const LEASE_S = Number(flags.lease ?? 6);
const PROCS = Number(flags.procs ?? 2);
const MODES = String(flags.modes ?? 'single,cluster,processes').split(',');
// The nodes send no heartbeats (the CPU measured is that of connecting, however long it
// takes); the center's heartbeat period is long enough that it closes none for silence.
const PERIOD = 120;
const here = pathFrom(import.meta.url);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const GAUGES = ['cdc_cluster_forwarded_sessions', 'cdc_cluster_hosted_sessions'];
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

async function provision(url, owner, nodeKeys) {
  const factory = createStoreFactory({ url });
  try {
    const domain = await factory.domain();
    await domain.migrate();
    for (const r of REALMS)
      await addRealm(domain, r, { pubkey: owner.publicKeyHex, comment: null }, 'owner');
    for (let i = 0; i < nodeKeys.length; i += 10)
      await Promise.all(
        nodeKeys.slice(i, i + 10).map((k, j) =>
          pairNode(domain, REALMS[(i + j) % REALMS.length], `node-${i + j}`, {
            pubkey: k.publicKeyHex,
            comment: null,
          }),
        ),
      );
  } finally {
    await factory.close();
  }
}

/** Until `realm` answers the owner's `get_status` through `url`; ms taken, or undefined. */
async function answers(url, realm, owner, ms) {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    try {
      const s = await joinSession(await connect(url), {
        realm,
        authmethods: ['cryptosign'],
        signer: new KeySigner(owner),
      });
      await s.call('com.crossbario.cdc.get_status@1', []);
      await s.leave().catch(() => undefined);
      return Date.now() - t0;
    } catch {
      await sleep(100);
    }
  }
  return undefined;
}

/**
 * Until the cluster has settled: `instances` alive, every realm held, and nobody's realms
 * moving for two lease passes (instances joining one after another hand realms over).
 */
async function settle(dbUrl, instances) {
  const end = Date.now() + 120_000;
  let last = '';
  let since = Date.now();
  while (Date.now() < end) {
    const st = await clusterStatus(dbUrl).catch(() => undefined);
    const held = st?.realms.filter((l) => l.remainingMs > 0) ?? [];
    const key = JSON.stringify(held.map((l) => [l.realm, l.owner]).sort());
    if (key !== last || st.instances.length < instances || held.length < REALMS.length + 1) {
      last = key;
      since = Date.now();
    } else if (Date.now() - since > (LEASE_S * 1000) / 2) return;
    await sleep(500);
  }
}

/** Start the mode's center process(es); their URLs, the processes, the one to kill. */
async function startCenters(mode, dbUrl, root, procs) {
  const env = { CDC_DATABASE_URL: dbUrl, CDC_CLUSTER_LEASE_S: String(LEASE_S) };
  const common = ['--heartbeat-period', String(PERIOD)];
  if (mode === 'single') {
    procs.push(
      new CenterProc(
        'center',
        ['--dir', join(root, 'c'), '--listen', '127.0.0.1:0', ...common],
        env,
      ),
    );
  } else if (mode === 'cluster') {
    for (const id of ['i1', 'i2', 'i3'])
      procs.push(
        new CenterProc(
          id,
          [
            '--cluster',
            '--instance-id',
            id,
            '--dir',
            join(root, id),
            '--listen',
            '127.0.0.1:0',
            ...common,
          ],
          env,
        ),
      );
  } else {
    const port = await freePort();
    procs.push(
      new CenterProc(
        'p',
        [
          '--cluster',
          '--processes',
          '3',
          '--instance-id',
          'p',
          '--dir',
          join(root, 'p'),
          '--listen',
          `127.0.0.1:${port}`,
          ...common,
        ],
        env,
      ),
    );
  }
  const urls = await Promise.all(procs.map((p) => p.ready));
  return { procs, urls: [...new Set(urls)] };
}

/**
 * The processes to measure, by instance: `router` its center process, `backends` its realm
 * backends. For --processes the workers are the instances (ids p-1 … p-3, in fork order).
 */
function instanceTree(mode, procs) {
  if (mode !== 'processes')
    return procs.map((p) => ({ id: p.name, router: p.pid, backends: children(p.pid) }));
  const workers = children(procs[0].pid).sort((a, b) => a - b);
  return workers.map((w, i) => ({ id: `p-${i + 1}`, router: w, backends: children(w) }));
}

/** Every instance's /metrics gauges (for --processes: asked until every worker answered). */
async function gauges(urls, ids) {
  const out = {};
  for (let i = 0; i < 60 && Object.keys(out).length < ids.length; i++)
    for (const url of urls)
      Object.assign(out, clusterGauges(await metricsOf(url).catch(() => ''), GAUGES));
  return out;
}

async function run(mode) {
  const db = await createTestDatabase();
  const root = mkdtempSync(join(tmpdir(), 'cdc-bench-cluster-'));
  const r = { mode, nodes: N, realms: REALMS.length, lease_s: LEASE_S };
  const sims = [];
  let centers = { procs: [], urls: [] };
  const procs = centers.procs; // filled as they start, so a failed start is cleaned up too
  let tree = [];
  try {
    const owner = SigningKey.generate();
    const nodeKeys = Array.from({ length: N }, () => SigningKey.generate());
    let t = performance.now();
    await provision(db.url, owner, nodeKeys);
    r.provision_s = (performance.now() - t) / 1000;
    process.stderr.write(`  provisioned in ${r.provision_s.toFixed(1)} s\n`);
    t = performance.now();
    centers = await startCenters(mode, db.url, root, procs);
    if (mode !== 'single') await settle(db.url, 3);
    for (const realm of REALMS)
      if ((await answers(centers.urls[0], realm, owner, 120_000)) === undefined)
        throw new Error(`realm ${realm} not answering`);
    r.start_s = (performance.now() - t) / 1000;
    await sleep(2000); // the backends' first pairing sync
    tree = instanceTree(mode, centers.procs);
    if (mode !== 'single') {
      const st = await clusterStatus(db.url);
      r.owners = Object.fromEntries(st.realms.map((l) => [l.realm, l.owner]));
    }

    for (let i = 0; i < PROCS; i++)
      sims.push(new Child(here('./lib/fleet-sim.mjs'), { name: `nodes-${i + 1}` }));
    const seeds = nodeKeys.map((k) => Buffer.from(k.seed).toString('hex'));
    const parts = Array.from({ length: PROCS }, (_, k) => seeds.filter((_, i) => i % PROCS === k));
    const cpu0 = tree.map((x) => ({ router: cpuMs(x.router), backends: x.backends.map(cpuMs) }));
    const sim0 = sims.map((s) => cpuMs(s.pid));
    r.load_before = load();
    t = performance.now();
    const res = await Promise.all(
      parts.map((part, k) =>
        sims[k].request('nodes', {
          urls: centers.urls,
          rotate: k,
          seeds: part,
          concurrency: 200 / PROCS,
          reconnect: mode === 'cluster',
        }),
      ),
    );
    r.connect_s = (performance.now() - t) / 1000;
    r.load_after = load();
    r.connected = res.reduce((a, x) => a + x.connected, 0);
    r.failed = res.reduce((a, x) => a + x.failures, 0);
    if (r.failed > 0) r.first_failure = res.find((x) => x.firstFailure)?.firstFailure;
    r.simulators_cpu_ms_per_node = sims.reduce((a, s, i) => a + cpuMs(s.pid) - sim0[i], 0) / N;
    if (mode !== 'single') {
      const st = await clusterStatus(db.url);
      const now = Object.fromEntries(st.realms.map((l) => [l.realm, l.owner]));
      r.moved_while_connecting = REALMS.filter((rl) => now[rl] !== r.owners[rl]);
      r.owners = now;
    }
    const g = await gauges(
      centers.urls,
      tree.map((x) => x.id),
    );
    r.instances = tree.map((x, i) => {
      const routerMs = cpuMs(x.router) - cpu0[i].router;
      const backendMs = x.backends.reduce((a, p, j) => a + cpuMs(p) - cpu0[i].backends[j], 0);
      return {
        id: x.id,
        realms_owned:
          r.owners === undefined
            ? REALMS.length
            : REALMS.filter((rl) => r.owners[rl] === x.id).length,
        forwarded: g[x.id]?.cdc_cluster_forwarded_sessions ?? 0,
        hosted: g[x.id]?.cdc_cluster_hosted_sessions ?? 0,
        router_cpu_ms: routerMs,
        backends_cpu_ms: backendMs,
      };
    });
    const total = r.instances.reduce((a, x) => a + x.router_cpu_ms + x.backends_cpu_ms, 0);
    r.center_cpu_ms_per_node = total / N;
    r.router_cpu_ms_per_node = r.instances.reduce((a, x) => a + x.router_cpu_ms, 0) / N;
    r.backends_cpu_ms_per_node = r.instances.reduce((a, x) => a + x.backends_cpu_ms, 0) / N;

    if (mode === 'cluster' && flags['no-kill'] !== true)
      r.kill = await killOwner(db.url, centers, owner, sims, r.connected);
  } finally {
    await Promise.all(sims.map((s) => s.request('close').catch(() => undefined)));
    for (const s of sims) s.proc.kill('SIGKILL');
    const all = centers.procs.flatMap((p) => descendants(p.pid));
    await Promise.all(centers.procs.map((p) => p.stop()));
    killAll([...all, ...tree.flatMap((x) => [x.router, ...x.backends])]);
    await db.drop();
    rmSync(root, { recursive: true, force: true });
  }
  return r;
}

/** kill -9 the owner of the first realm; until it answers again through another instance. */
async function killOwner(dbUrl, centers, owner, sims, connected) {
  const realm = REALMS[0];
  const before = (await clusterStatus(dbUrl)).realms.find(
    (l) => l.realm === realm && l.remainingMs > 0,
  );
  const victim = centers.procs.find((p) => p.name === before.owner);
  const other = centers.procs.find((p) => p !== victim);
  const otherUrl = centers.urls[centers.procs.indexOf(other)];
  const k = { realm, owner: before.owner, lease_s: LEASE_S, load_before: load() };
  const backends = descendants(victim.pid);
  const t0 = Date.now();
  victim.child.kill('SIGKILL');
  const answered = await answers(otherUrl, realm, owner, 120_000);
  k.answering_s = answered === undefined ? null : (Date.now() - t0) / 1000;
  const st = await clusterStatus(dbUrl);
  const now = st.realms.find((l) => l.realm === realm);
  k.new_owner = now?.owner;
  k.lease_taken_s = now === undefined ? null : (Date.now() - t0 - now.heldMs) / 1000;
  killAll(backends); // the dead instance's backends, should any outlive it
  // Every node back: those that came in through the dead instance and those of its realms.
  for (;;) {
    const counters = await Promise.all(sims.map((s) => s.request('counters')));
    const open = counters.reduce((a, x) => a + x.open, 0);
    if (open >= connected || Date.now() - t0 > 180_000) {
      k.nodes_open = open;
      // The reasons of failed reconnects, most frequent first (all of them: a rare one, such
      // as database_unavailable, is what a comparison may be after).
      const why = {};
      for (const c of counters)
        for (const [m, n] of Object.entries(c.reconnectFailures)) why[m] = (why[m] ?? 0) + n;
      k.reconnect_failures = Object.entries(why).sort((a, b) => b[1] - a[1]);
      k.all_back_s = (Date.now() - t0) / 1000;
      break;
    }
    await sleep(200);
  }
  k.load_after = load();
  return k;
}

const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '-');
const results = [];
console.log(
  `CDC cluster benchmark: ${N} nodes over ${REALMS.length} realms, PostgreSQL, lease ${LEASE_S} s`,
);
for (const mode of MODES) {
  process.stderr.write(`cluster: ${mode} …\n`);
  const r = await run(mode);
  results.push(r);
  console.log(
    `\n${mode}: ${r.connected} of ${N} nodes connected in ${fmt(r.connect_s)} s` +
      ` (load ${r.load_before} → ${r.load_after})${r.failed > 0 ? `, ${r.failed} failed: ${r.first_failure}` : ''}`,
  );
  console.log(
    `  center CPU per node ${fmt(r.center_cpu_ms_per_node)} ms (routers ${fmt(r.router_cpu_ms_per_node)},` +
      ` realm backends ${fmt(r.backends_cpu_ms_per_node)}), simulators ${fmt(r.simulators_cpu_ms_per_node)} ms`,
  );
  if (r.moved_while_connecting?.length > 0)
    console.log(
      `  realms that moved while the nodes connected: ${r.moved_while_connecting.join(', ')}`,
    );
  for (const x of r.instances)
    console.log(
      `  ${x.id.padEnd(6)} realms ${x.realms_owned}  forwarded ${String(x.forwarded).padStart(5)}` +
        `  hosted for others ${String(x.hosted).padStart(5)}  router ${fmt(x.router_cpu_ms / 1000)} s` +
        `  backends ${fmt(x.backends_cpu_ms / 1000)} s CPU`,
    );
  if (r.kill !== undefined) {
    const k = r.kill;
    console.log(
      `  kill -9 of ${k.owner} (owner of ${k.realm}, lease ${k.lease_s} s, load ${k.load_before}):` +
        ` lease taken by ${k.new_owner} after ${fmt(k.lease_taken_s)} s, realm answering through another instance after` +
        ` ${fmt(k.answering_s)} s, ${k.nodes_open} of ${r.connected} nodes open after ${fmt(k.all_back_s)} s`,
    );
    for (const [m, n] of k.reconnect_failures) console.log(`    reconnect failed ${n}×: ${m}`);
  }
}
if (typeof flags.json === 'string') writeFileSync(flags.json, JSON.stringify(results, null, 2));
