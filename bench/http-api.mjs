#!/usr/bin/env node
// The HTTP API against WAMP (SPEC §7, issue 13). Figures only.
//
//   node bench/http-api.mjs [--clients=50] [--seconds=5] [--profile=http|wamp] [--json=FILE]
//
// A center in its own process (SQLite), one management realm with one paired node, and
// `--clients` concurrent clients, each with its own guest API token, calling `get_status@1`
// and `get_node_status@1` back to back for `--seconds`: over WAMP (a WebSocket session per
// client, the token as its ticket) and over HTTP (`POST /api/…` with the token as bearer, on
// keep-alive connections, and once with a new connection per request). Reported: calls/s,
// latency, and the CPU per call of the center process (router, HTTP API, WebSocket) and of
// the realm's backend process, which does the same work either way. Then the token check's
// own cost: what a request costs when its token's session is cached (a constant-time
// compare) and when the hash is recomputed (database read + HMAC, as at a join).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { execFileSync } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { joinSession } from '@cdc/client';
import { KeySigner, SigningKey } from '@cdc/cryptosign';
import { connect } from '@cdc/transport';
import { createStoreFactory } from '@cdc/store';
import { addRealm, hashSecret, makeToken, pairNode, parseToken } from '@cdc/center';
import { Histogram } from './lib/hist.mjs';
import { Child } from './lib/ipc.mjs';
import { formatSummary, summarize } from './lib/profile.mjs';
import { parseFlags, pathFrom } from './lib/cli.mjs';

const flags = parseFlags();
const CLIENTS = Number(flags.clients ?? 50);
const SECONDS = Number(flags.seconds ?? 5);
const REALM = 'bench';
const NODE = 'node-0';
const here = pathFrom(import.meta.url);
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

const PROCS = [
  { name: 'get_status', uri: 'com.crossbario.cdc.get_status@1', args: [] },
  { name: 'get_node_status', uri: 'com.crossbario.cdc.get_node_status@1', args: [NODE] },
];

/** An answer without its clock fields (`now`, `uptime` move between two calls). */
function same(answer) {
  return JSON.stringify({ ...answer, now: undefined, uptime: undefined });
}

/** CPU seconds (user + system) a process has used, from /proc (the backend is not ours). */
function procCpuUs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) / CLK_TCK) * 1e6;
}

function httpCall(agent, port, path, token, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}: ${text}`));
          else resolve(JSON.parse(text));
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Every client calls back to back for SECONDS; calls/s, latency and CPU per call. */
async function measure(center, backendPid, clients, call) {
  const h = new Histogram();
  let calls = 0;
  let stop = false;
  const cpu0 = await center.request('cpu', {});
  const back0 = procCpuUs(backendPid);
  const t0 = performance.now();
  setTimeout(() => (stop = true), SECONDS * 1000);
  await Promise.all(
    clients.map(async (client) => {
      while (!stop) {
        const s = performance.now();
        await call(client);
        h.record((performance.now() - s) * 1000);
        calls++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const cpu1 = await center.request('cpu', {});
  const centerUs = cpu1.user - cpu0.user + (cpu1.system - cpu0.system);
  const backendUs = procCpuUs(backendPid) - back0;
  return {
    calls,
    calls_per_s: calls / elapsed,
    p50_ms: h.quantile(0.5) / 1000,
    p99_ms: h.quantile(0.99) / 1000,
    center_cpu_us_per_call: centerUs / calls,
    backend_cpu_us_per_call: backendUs / calls,
  };
}

/** The token check's two paths, µs per check, in this process on the center's own store. */
async function tokenCheckCost(domain, made) {
  const { token_id, secret } = parseToken(made.token);
  const cached = Buffer.from(secret, 'utf8');
  const N = 20_000;
  let t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const p = parseToken(made.token);
    const given = Buffer.from(p.secret, 'utf8');
    if (given.length !== cached.length || !timingSafeEqual(given, cached)) throw new Error('no');
  }
  const cachedUs = ((performance.now() - t0) * 1000) / N;
  t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const p = parseToken(made.token);
    const a = Buffer.from(hashSecret(made.salt, p.secret), 'hex');
    if (!timingSafeEqual(a, Buffer.from(made.hash, 'hex'))) throw new Error('no');
  }
  const hmacUs = ((performance.now() - t0) * 1000) / N;
  const M = 2_000;
  t0 = performance.now();
  for (let i = 0; i < M; i++) {
    const t = await domain.getToken(token_id);
    const a = Buffer.from(hashSecret(t.salt, secret), 'hex');
    if (!timingSafeEqual(a, Buffer.from(t.hash, 'hex'))) throw new Error('no');
  }
  const fullUs = ((performance.now() - t0) * 1000) / M;
  return { cached_us: cachedUs, hmac_us: hmacUs, db_and_hmac_us: fullUs };
}

const root = mkdtempSync(join(tmpdir(), 'cdc-bench-http-api-'));
const dir = join(root, 'data');
const center = new Child(here('./lib/center-process.mjs'), { name: 'center' });
const sessions = [];
try {
  const owner = SigningKey.generate();
  const factory = createStoreFactory({ dir });
  const domain = await factory.domain();
  await domain.migrate();
  await addRealm(domain, REALM, { pubkey: owner.publicKeyHex, comment: null }, 'owner');
  await pairNode(domain, REALM, NODE, {
    pubkey: SigningKey.generate().publicKeyHex,
    comment: null,
  });
  const probe = makeToken();
  await domain.createToken({
    token_id: probe.token_id,
    realm: REALM,
    label: 'bench-probe',
    role: 'cdc-guest',
    salt: probe.salt,
    hash: probe.hash,
    created_by: 'bench',
    expires_at: null,
  });
  const check = await tokenCheckCost(domain, probe);
  await factory.close();

  const { url, backendPid } = await center.request('start', {
    dir,
    heartbeatPeriodS: 10,
    realm: REALM,
    // No rate limit in the way: the bench measures cost, not the limiter.
    httpApi: { ratePerS: 1e9, burst: 1e9 },
  });
  const port = Number(new URL(url).port);
  const owned = await joinSession(await connect(url), {
    realm: REALM,
    authmethods: ['cryptosign'],
    signer: new KeySigner(owner),
  });
  sessions.push(owned);
  const tokens = [];
  for (let i = 0; i < CLIENTS; i++) {
    const r = await owned.call('com.crossbario.cdc.management.create_token@1', [
      `bench-${i}`,
      'cdc-guest',
    ]);
    tokens.push(r.value.token);
  }
  const wamp = [];
  for (const [i, ticket] of tokens.entries()) {
    const s = await joinSession(await connect(url), {
      realm: REALM,
      authid: `bench-${i}`,
      authmethods: ['ticket'],
      ticket,
    });
    sessions.push(s);
    wamp.push(s);
  }
  const keepAlive = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const http = tokens.map((token) => ({ token, agent: keepAlive }));
  const fresh = tokens.map((token) => ({ token, agent: false }));
  const results = {};
  for (const p of PROCS) {
    const body = JSON.stringify({ args: p.args });
    const overWamp = (s) => s.call(p.uri, p.args);
    const overHttp = (c) => httpCall(c.agent, port, `/api/${p.uri}`, c.token, body);
    // Same answer both ways, then warm-up: JIT, and the HTTP API's token sessions joined.
    const viaWamp = (await overWamp(wamp[0])).value;
    const viaHttp = (await overHttp(http[0])).args[0];
    if (same(viaWamp) !== same(viaHttp))
      throw new Error(`${p.name}: HTTP and WAMP answer differently`);
    await Promise.all(wamp.map(overWamp));
    await Promise.all(http.map(overHttp));
    const profile = flags.profile;
    for (const [mode, clients, call] of [
      ['wamp', wamp, overWamp],
      ['http', http, overHttp],
      ...(p.name === 'get_status' ? [['http-no-keepalive', fresh, overHttp]] : []),
    ]) {
      if (profile === mode) await center.request('profileStart', {});
      results[`${p.name} ${mode}`] = await measure(center, backendPid, clients, call);
      if (profile === mode) {
        mkdirSync(here('./profiles'), { recursive: true });
        const file = here(`./profiles/http-api-${p.name}-${mode}.cpuprofile`);
        await center.request('profileStop', { file });
        console.log(`\ncenter CPU profile, ${p.name} over ${mode} (${file}):`);
        console.log(formatSummary(summarize(JSON.parse(readFileSync(file, 'utf8')), 14)));
      }
    }
  }
  keepAlive.destroy();

  console.log(
    `CDC HTTP API vs WAMP (one center, one realm, SQLite; ${CLIENTS} clients with a guest ` +
      `token each, ${SECONDS} s per row; ${cpus().length} CPUs, load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')})\n`,
  );
  const row = (name, r) =>
    `${name.padEnd(34)} ${r.calls_per_s.toFixed(0).padStart(6)} calls/s  p50 ` +
    `${r.p50_ms.toFixed(1).padStart(5)} ms  p99 ${r.p99_ms.toFixed(1).padStart(6)} ms  ` +
    `center ${r.center_cpu_us_per_call.toFixed(0).padStart(4)} µs/call  backend ` +
    `${r.backend_cpu_us_per_call.toFixed(0).padStart(4)} µs/call`;
  for (const [name, r] of Object.entries(results)) console.log(row(name, r));
  console.log('');
  for (const p of PROCS) {
    const ratio =
      results[`${p.name} http`].center_cpu_us_per_call /
      results[`${p.name} wamp`].center_cpu_us_per_call;
    console.log(
      `${p.name}: HTTP/WAMP center CPU per call ${ratio.toFixed(2)}× (target ≤ 2×)` +
        (ratio > 2 ? '  OVER TARGET' : ''),
    );
  }
  console.log(
    `\ntoken check: cached session ${check.cached_us.toFixed(2)} µs (parse + constant-time ` +
      `compare); hash recomputed ${check.hmac_us.toFixed(2)} µs (HMAC-SHA256), with the ` +
      `database read ${check.db_and_hmac_us.toFixed(1)} µs`,
  );
  if (typeof flags.json === 'string')
    writeFileSync(flags.json, JSON.stringify({ results, token_check: check }, null, 2));
  for (const s of sessions.splice(0)) await s.leave().catch(() => undefined);
  await center.request('stop', {});
} finally {
  for (const s of sessions) await s.leave().catch(() => undefined);
  center.proc.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
}
