#!/usr/bin/env node
// CDC router benchmarks (SPEC §8). Figures only: nothing here asserts.
//
//   node bench/run.mjs [filter ...] [--duration=5] [--warmup=2] [--repeat=1] [--json=FILE]
//                      [--sessions=4000] [--profile] [--profile-load[=NAME]] [--verbose]
//                      [--quiet-wait=30] [--floor] [--list]
//
// docs/PERFORMANCE.md describes what each scenario measures and how to read the table.
//
// A filter keeps the scenarios whose name contains it (`rpc`, `pubsub`, `handshake`,
// `cryptosign`, `scram`, `cycle`, `memory`, `json`, `-ws`, `-rs`, …). Every scenario starts a fresh
// router process (bench/lib/router-process.mjs) and load generator processes
// (bench/lib/load-process.mjs) running @cdc/client over real TCP sockets, warms up, then
// counts operations over a fixed window. Router CPU per operation comes from the router
// process's own process.cpuUsage() over that window. `--profile` also records a CPU
// profile of the router during the window into bench/profiles/ and prints its top
// self-time functions. `--floor` runs the handshake and cycle scenarios against
// bench/lib/floor-process.mjs instead: the least a Node.js server does to complete the same
// handshakes (no router logic), so the router's figure minus it is the part that is ours.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { deriveScramCredential } from '@cdc/client';
import { SigningKey } from '@cdc/cryptosign';
import { Histogram } from './lib/hist.mjs';
import { Child } from './lib/ipc.mjs';
import { formatSummary, summarize } from './lib/profile.mjs';
import { makeCert } from './lib/tls-cert.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const ROUTER = here('./lib/router-process.mjs');
const FLOOR = here('./lib/floor-process.mjs');
const LOAD = here('./lib/load-process.mjs');

// --- options ----------------------------------------------------------------------------

const flags = {};
const filters = [];
for (const a of process.argv.slice(2)) {
  const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
  if (m) flags[m[1]] = m[2] ?? true;
  else filters.push(a);
}
const DURATION = Number(flags.duration ?? 5) * 1000;
const WARMUP = Number(flags.warmup ?? 2) * 1000;
const IDLE_SESSIONS = Number(flags.sessions ?? 4000);
const PROFILE = flags.profile === true;
/** Run each throughput scenario this many times and report the run with the median ops/s. */
const REPEAT = Math.max(1, Number(flags.repeat ?? 1));
/**
 * Also profile a load generator (client-side costs): `--profile-load` the first one that
 * counts operations, `--profile-load=NAME` the one whose name starts with NAME.
 */
const PROFILE_LOAD = flags['profile-load'];
const VERBOSE = flags.verbose === true;
const PROFILE_DIR = here('./profiles/');

// --- scenarios --------------------------------------------------------------------------

const TRANSPORTS = { ws: 'WebSocket', rs: 'RawSocket', wss: 'WS+TLS', rss: 'RS+TLS' };
/** Crossbar.io 22.6.1 on this machine kind (SPEC §8); our target is 5× (memory: ≤ 1×). */
const CROSSBAR = {
  'rpc-json': 6100,
  'rpc-msgpack': 9100,
  'pubsub-json': 60000,
  'pubsub-msgpack': 71000,
  'handshake-anonymous': 1200,
  'handshake-cryptosign': 900,
  cycle: 1000,
  memory: 15,
};

const scenarios = [];
for (const ser of ['json', 'msgpack'])
  for (const tr of ['ws', 'rs'])
    scenarios.push({ name: `rpc-${ser}-${tr}`, kind: 'rpc', ser, tr, ref: `rpc-${ser}` });
for (const ser of ['json', 'msgpack'])
  for (const tr of ['ws', 'rs'])
    scenarios.push({ name: `pubsub-${ser}-${tr}`, kind: 'pubsub', ser, tr, ref: `pubsub-${ser}` });
// wss/rss: over TLS (a self-signed ECDSA P-256 certificate, TLS 1.3, no session resumption:
// a fleet reconnecting to a restarted router has no tickets it would take).
for (const method of ['anonymous', 'cryptosign', 'scram'])
  for (const tr of method === 'scram' ? ['ws', 'rs'] : ['ws', 'rs', 'wss', 'rss'])
    scenarios.push({
      name: `handshake-${method}-${tr}`,
      kind: 'handshake',
      method,
      mode: 'handshake',
      ser: 'json',
      tr,
      ref: `handshake-${method}`,
    });
for (const tr of ['ws', 'rs'])
  scenarios.push({
    name: `cycle-${tr}`,
    kind: 'handshake',
    method: 'anonymous',
    mode: 'cycle',
    ser: 'json',
    tr,
    ref: 'cycle',
  });
for (const tr of ['ws', 'rs'])
  scenarios.push({
    name: `register-${tr}`,
    kind: 'handshake',
    method: 'anonymous',
    mode: 'register',
    ser: 'json',
    tr,
    ref: 'register',
  });
for (const tr of ['ws', 'rs'])
  scenarios.push({ name: `memory-${tr}`, kind: 'memory', ser: 'json', tr, ref: 'memory' });
scenarios.push({ name: 'scram-logins-ws', kind: 'scramload', ser: 'json', tr: 'ws' });

const selected = scenarios.filter(
  (s) =>
    (filters.length === 0 || filters.some((f) => s.name.includes(f))) &&
    // The floor speaks only the anonymous and cryptosign handshakes (and GOODBYE).
    (!flags.floor || (s.kind === 'handshake' && s.method !== 'scram')),
);
if (flags.list) {
  for (const s of scenarios) console.log(s.name);
  process.exit(0);
}
if (selected.length === 0) {
  console.error(`no scenario matches ${filters.join(' ')}; --list shows them`);
  process.exit(1);
}

// --- running ----------------------------------------------------------------------------

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Machine-wide busy CPU time so far (µs, all cores), from /proc/stat; undefined elsewhere.
 * Set against the bench processes' own CPU it shows how much other work shared the machine.
 */
function machineBusyUs() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = v[3] + (v[4] ?? 0);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    return ((total - idle) * 1e6) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}
const loader = (name) => new Child(LOAD, { name });

/** Keys for cryptosign: the router knows the public keys, the load generators the seeds. */
const KEYS = Array.from({ length: 64 }, () => SigningKey.generate());
const SEEDS = KEYS.map((k) => Buffer.from(k.seed).toString('hex'));
const PUBKEYS = KEYS.map((k) => k.publicKeyHex);

/**
 * One stored SCRAM credential at Crossbar.io's Argon2id parameters (t=4096, m=512 KiB),
 * shared by the router's principals scram-0…: made once, when a SCRAM scenario runs.
 */
let scramCredential;
const SCRAM_PRINCIPALS = 50;
async function scramConfig() {
  scramCredential ??= await deriveScramCredential('bench-password', { kdf: 'argon2id13' });
  return { n: SCRAM_PRINCIPALS, credential: scramCredential };
}

/** The certificate of the TLS scenarios, made when the first one runs. */
let cert;
const needsTls = (sc) => sc?.tr === 'wss' || sc?.tr === 'rss';

async function startRouter(execArgv = [], sc = undefined) {
  const router = new Child(flags.floor ? FLOOR : ROUTER, { name: 'router', execArgv });
  const scram =
    sc?.method === 'scram' || sc?.kind === 'scramload' ? await scramConfig() : undefined;
  if (needsTls(sc)) cert ??= makeCert(flags['tls-key'] === 'rsa' ? 'rsa' : 'ec');
  const tls = needsTls(sc)
    ? { keyFile: cert.keyFile, certFile: cert.certFile, key: cert.key, cert: cert.cert }
    : undefined;
  const urls = await router.request('start', { pubkeys: PUBKEYS, scram, tls });
  return { router, urls };
}

/**
 * RPC latency of an unrelated session (1 call in flight to a callee) alone, then while 50
 * fresh clients log in with SCRAM at Crossbar.io's Argon2id parameters (each running the
 * KDF: no cached salted password). The router runs no KDF, so its event loop should not
 * notice; the logins' Argon2 runs in their own processes (two, 25 logins each, one at a
 * time: WebAssembly Argon2 blocks its process).
 */
async function runScramLoad(sc) {
  await waitForQuiet();
  const { router, urls } = await startRouter([], sc);
  const url = urls[sc.tr];
  const callee = loader('callee');
  const pinger = loader('pinger');
  const logins = [loader('logins-1'), loader('logins-2')];
  try {
    await callee.request('callee', { url, serializer: sc.ser });
    await pinger.request('callers', { url, serializer: sc.ser, n: 1, inflight: 1 });
    await pinger.request('start');
    await sleep(WARMUP);
    await pinger.request('mark');
    await router.request('loopDelayStart');
    await sleep(3000);
    const alone = await pinger.request('collect');
    const loopAlone = await router.request('loopDelayStop');
    await router.request('loopDelayStart');
    await pinger.request('mark');
    const t0 = performance.now();
    const per = SCRAM_PRINCIPALS / logins.length;
    const done = await Promise.all(
      logins.map((p, i) =>
        p.request('scramLogins', {
          url,
          serializer: sc.ser,
          first: i * per,
          n: per,
          concurrency: 1,
        }),
      ),
    );
    const seconds = (performance.now() - t0) / 1000;
    const during = await pinger.request('collect');
    const loopDuring = await router.request('loopDelayStop');
    const h0 = new Histogram();
    h0.add(alone.hist);
    const h1 = new Histogram();
    h1.add(during.hist);
    const times = done.flatMap((d) => d.times).sort((a, b) => a - b);
    return {
      logins: times.length,
      loginsPerSecond: times.length / seconds,
      loginP50: times[Math.floor(times.length / 2)],
      routerLoopDelay: { alone: loopAlone, during: loopDuring },
      rpcAlone: {
        p50: h0.quantile(0.5),
        p99: h0.quantile(0.99),
        max: h0.quantile(1),
        calls: alone.count,
      },
      rpcDuring: {
        p50: h1.quantile(0.5),
        p99: h1.quantile(0.99),
        max: h1.quantile(1),
        calls: during.count,
      },
    };
  } finally {
    const all = [callee, pinger, ...logins];
    await Promise.allSettled(all.map((p) => p.request('stop')));
    await Promise.allSettled(all.map((p) => p.kill()));
    await router.request('stop').catch(() => undefined);
    await router.kill();
  }
}

/**
 * Set up the load generators of a throughput scenario. Returns all processes and the ones
 * whose counts are the scenario's operations.
 */
async function setUp(sc, url) {
  const base = { url, serializer: sc.ser };
  switch (sc.kind) {
    case 'rpc': {
      // 4 callers × 50 calls in flight → 1 callee; callers in one process, callee in another.
      const callee = loader('callee');
      await callee.request('callee', base);
      const nProcs = Number(flags['caller-procs'] ?? 1);
      const callers = Array.from({ length: nProcs }, (_, i) => loader(`callers-${i + 1}`));
      await Promise.all(
        callers.map((c) => c.request('callers', { ...base, n: 4 / nProcs, inflight: 50 })),
      );
      return { all: [callee, ...callers], counting: callers };
    }
    case 'pubsub': {
      // 1 publisher → 100 subscribers in two processes; the publisher keeps at most
      // WINDOW publications ahead of the slowest subscriber (credit over IPC).
      const WINDOW = 200;
      const subs = [loader('subscribers-1'), loader('subscribers-2')];
      await Promise.all(subs.map((s) => s.request('subscribers', { ...base, n: 50 })));
      const pub = loader('publisher');
      await pub.request('publisher', base);
      const seen = subs.map(() => 0);
      subs.forEach((s, i) =>
        s.on('progress', (minSeq) => {
          seen[i] = minSeq;
          pub.send('credit', Math.min(...seen) + WINDOW);
        }),
      );
      pub.send('credit', WINDOW);
      return { all: [pub, ...subs], counting: subs };
    }
    case 'handshake': {
      // Two processes, each running 16 connect loops (enough to keep the router busy).
      const nProcs = Number(flags['handshake-procs'] ?? 2);
      const procs = Array.from({ length: nProcs }, (_, i) => loader(`handshakes-${i + 1}`));
      await Promise.all(
        procs.map((p) =>
          p.request('handshakes', {
            ...base,
            method: sc.method,
            mode: sc.mode,
            seeds: sc.method === 'cryptosign' ? SEEDS : [],
            ca: needsTls(sc) ? cert.cert : undefined,
            concurrency: Number(flags.concurrency ?? 16),
          }),
        ),
      );
      return { all: procs, counting: procs };
    }
    default:
      throw new Error(`unknown kind ${sc.kind}`);
  }
}

/**
 * Wait (up to `--quiet-wait` seconds, default 30) until the rest of the machine uses less
 * than a quarter of a core, so that other work does not distort a run.
 */
async function waitForQuiet() {
  const limitMs = Number(flags['quiet-wait'] ?? 30) * 1000;
  const start = performance.now();
  for (;;) {
    const b0 = machineBusyUs();
    const t0 = performance.now();
    await sleep(500);
    const b1 = machineBusyUs();
    if (b0 === undefined || b1 === undefined) return;
    const load = (b1 - b0) / ((performance.now() - t0) * 1000);
    if (load < 0.25) return;
    if (performance.now() - start > limitMs) {
      console.log(
        `  (the machine stayed busy: ${Math.round(load * 100)}% of a core used by others)`,
      );
      return;
    }
  }
}

async function runThroughput(sc) {
  await waitForQuiet();
  const { router, urls } = await startRouter([], sc);
  const procs = await setUp(sc, urls[sc.tr]);
  try {
    await Promise.all(procs.all.map((p) => p.request('start')));
    await sleep(WARMUP);
    if (PROFILE) await router.request('profileStart', {});
    const profiled =
      typeof PROFILE_LOAD === 'string'
        ? procs.all.find((p) => p.name.startsWith(PROFILE_LOAD))
        : procs.counting[0];
    if (PROFILE_LOAD) await profiled.request('profileStart', {});
    const t0 = performance.now();
    const cpu0 = await router.request('cpu');
    const busy0 = machineBusyUs();
    const self0 = process.cpuUsage();
    await Promise.all(procs.all.map((p) => p.request('mark')));
    await sleep(DURATION);
    const results = await Promise.all(procs.all.map((p) => p.request('collect')));
    const cpu1 = await router.request('cpu');
    const windowUs = (performance.now() - t0) * 1000;
    const busy1 = machineBusyUs();
    const self1 = process.cpuUsage(self0);
    let profile;
    if (PROFILE || PROFILE_LOAD) mkdirSync(PROFILE_DIR, { recursive: true });
    if (PROFILE) {
      const file = `${PROFILE_DIR}${sc.name}.cpuprofile`;
      await router.request('profileStop', { file });
      profile = { file, summary: summarize(JSON.parse(await readText(file)), 25) };
    }
    let loadProfile;
    if (PROFILE_LOAD) {
      const file = `${PROFILE_DIR}${sc.name}.${profiled.name}.cpuprofile`;
      await profiled.request('profileStop', { file });
      loadProfile = { file, summary: summarize(JSON.parse(await readText(file)), 25) };
    }
    const hist = new Histogram();
    let rate = 0;
    let ops = 0;
    procs.counting.forEach((p) => {
      const r = results[procs.all.indexOf(p)];
      hist.add(r.hist);
      ops += r.count;
      rate += r.count / (r.windowUs / 1e6);
    });
    const routerCpuUs = cpu1.us - cpu0.us;
    if (VERBOSE) {
      const each = procs.all.map(
        (p, i) => `${p.name} ${Math.round((100 * results[i].cpuUs) / results[i].windowUs)}%`,
      );
      console.log(
        `  CPU: router ${Math.round((100 * routerCpuUs) / windowUs)}%, ${each.join(', ')}`,
      );
    }
    const loadCpu = results.reduce((a, r) => a + r.cpuUs / r.windowUs, 0);
    // CPU used by anything but the router, the load generators and this orchestrator.
    const otherCpu =
      busy0 === undefined || busy1 === undefined
        ? undefined
        : Math.max(
            0,
            (busy1 - busy0 - routerCpuUs - (self1.user + self1.system)) / windowUs - loadCpu,
          );
    return {
      rate,
      ops,
      p50: hist.quantile(0.5),
      p99: hist.quantile(0.99),
      routerUsPerOp: routerCpuUs / windowUs / (rate / 1e6),
      routerCpu: routerCpuUs / windowUs,
      loadCpu,
      otherCpu,
      profile,
      loadProfile,
    };
  } finally {
    await Promise.allSettled(procs.all.map((p) => p.request('stop')));
    await Promise.allSettled(procs.all.map((p) => p.kill()));
    await router.request('stop').catch(() => undefined);
    await router.kill();
  }
}

async function readText(file) {
  const { readFile } = await import('node:fs/promises');
  return readFile(file, 'utf8');
}

async function runMemory(sc) {
  const { router, urls } = await startRouter(['--expose-gc']);
  const PROCS = 4;
  const procs = Array.from({ length: PROCS }, (_, i) => loader(`idle-${i + 1}`));
  try {
    // A few sessions first, so that lazily built per-router state is not counted.
    await procs[0].request('idle', { url: urls[sc.tr], serializer: sc.ser, n: 20 });
    await sleep(200);
    const m0 = await router.request('mem');
    const per = Math.ceil(IDLE_SESSIONS / PROCS);
    const opened = await Promise.all(
      procs.map((p) => p.request('idle', { url: urls[sc.tr], serializer: sc.ser, n: per })),
    );
    await sleep(500);
    const m1 = await router.request('mem');
    const n = opened.reduce((a, o) => a + o.opened, 0);
    const sessions = m1.sessions - m0.sessions;
    return {
      sessions,
      rssKb: (m1.rss - m0.rss) / n / 1024,
      heapKb: (m1.heapUsed - m0.heapUsed) / n / 1024,
      externalKb: (m1.external - m0.external) / n / 1024,
      opened: n,
    };
  } finally {
    await Promise.allSettled(procs.map((p) => p.request('stop')));
    await Promise.allSettled(procs.map((p) => p.kill()));
    await router.request('stop').catch(() => undefined);
    await router.kill();
  }
}

// --- output -----------------------------------------------------------------------------

const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
const fmtMs = (us) => (Number.isNaN(us) ? '-' : (us / 1000).toFixed(us < 10_000 ? 2 : 1));

function row(cells, widths) {
  return cells
    .map((c, i) => (i < 2 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i])))
    .join('  ');
}

const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
console.log(
  `CDC router benchmarks — ${cpus().length} × ${cpuModel}, Node ${process.version}; ` +
    `warm-up ${WARMUP / 1000} s, window ${DURATION / 1000} s`,
);

const results = [];
const WIDTHS = [26, 9, 10, 8, 8, 12, 7, 6, 6, 10, 9];
const HEADER = [
  'scenario',
  'transport',
  'ops/s',
  'p50 ms',
  'p99 ms',
  'router µs/op',
  'router',
  'load',
  'other',
  'target',
  'Crossbar',
];
let printedHeader = false;

for (const sc of selected) {
  const ref = CROSSBAR[sc.ref];
  try {
    if (sc.kind === 'scramload') {
      const r = await runScramLoad(sc);
      results.push({ scenario: sc.name, transport: TRANSPORTS[sc.tr], ...r });
      const ms = (x) => fmtMs(x);
      console.log(
        `${sc.name.padEnd(26)} ${TRANSPORTS[sc.tr].padEnd(9)}  ${r.logins} SCRAM logins (Argon2id t=4096 m=512 KiB) ` +
          `at ${r.loginsPerSecond.toFixed(1)}/s, login p50 ${ms(r.loginP50)} ms; ` +
          `unrelated RPC p50/p99/max ${ms(r.rpcAlone.p50)}/${ms(r.rpcAlone.p99)}/${ms(r.rpcAlone.max)} ms alone, ` +
          `${ms(r.rpcDuring.p50)}/${ms(r.rpcDuring.p99)}/${ms(r.rpcDuring.max)} ms during the logins; ` +
          `router event-loop delay p99/max ${r.routerLoopDelay.alone.p99.toFixed(1)}/${r.routerLoopDelay.alone.max.toFixed(1)} ms alone, ` +
          `${r.routerLoopDelay.during.p99.toFixed(1)}/${r.routerLoopDelay.during.max.toFixed(1)} ms during`,
      );
      continue;
    }
    if (sc.kind === 'memory') {
      const r = await runMemory(sc);
      results.push({ scenario: sc.name, transport: TRANSPORTS[sc.tr], ...r });
      console.log(
        `${sc.name.padEnd(26)} ${TRANSPORTS[sc.tr].padEnd(9)}  ${fmtInt(r.opened)} idle sessions: ` +
          `${r.rssKb.toFixed(1)} KB RSS, ${r.heapKb.toFixed(1)} KB heap, ` +
          `${r.externalKb.toFixed(1)} KB external per session (target ≤ ${ref} KB, Crossbar ${ref} KB)`,
      );
      continue;
    }
    const runs = [];
    for (let i = 0; i < REPEAT; i++) runs.push(await runThroughput(sc));
    runs.sort((a, b) => a.rate - b.rate);
    const r = runs[Math.floor((runs.length - 1) / 2)];
    if (runs.length > 1) r.runs = runs.map((x) => Math.round(x.rate));
    results.push({ scenario: sc.name, transport: TRANSPORTS[sc.tr], serializer: sc.ser, ...r });
    if (!printedHeader) {
      console.log(row(HEADER, WIDTHS));
      printedHeader = true;
    }
    console.log(
      row(
        [
          sc.name,
          TRANSPORTS[sc.tr],
          fmtInt(r.rate),
          fmtMs(r.p50),
          fmtMs(r.p99),
          r.routerUsPerOp.toFixed(1),
          `${Math.round(r.routerCpu * 100)}%`,
          `${Math.round(r.loadCpu * 100)}%`,
          r.otherCpu === undefined ? '-' : `${Math.round(r.otherCpu * 100)}%`,
          ref === undefined ? '-' : `≥ ${fmtInt(ref * 5)}`,
          ref === undefined ? '-' : fmtInt(ref),
        ],
        WIDTHS,
      ),
    );
    if (r.runs !== undefined) console.log(`  runs (ops/s): ${r.runs.map(fmtInt).join(', ')}`);
    for (const p of [r.profile, r.loadProfile]) {
      if (p === undefined) continue;
      console.log(`  profile: ${p.file}`);
      console.log(formatSummary(p.summary));
      delete p.summary;
    }
  } catch (e) {
    console.log(`${sc.name}: failed: ${e instanceof Error ? e.message : e}`);
    results.push({ scenario: sc.name, error: String(e) });
  }
}

cert?.remove();
console.log(
  '\nops: RPC round trips, events delivered to subscribers, handshakes, connect-join-leave ' +
    'cycles. router µs/op: router process CPU (user+system) per op; router/load/other: CPU ' +
    'used (100% = one core) by the router, by all load generators, and by anything else on ' +
    'the machine during the window (a busy machine makes every figure worse).',
);
if (typeof flags.json === 'string') {
  writeFileSync(flags.json, JSON.stringify({ date: new Date().toISOString(), results }, null, 2));
}
