#!/usr/bin/env node
// Self-service registration under a burst (SPEC §4.4, issue 10). Figures only.
//
//   node bench/registration.mjs [--registrations=200] [--rounds=3] [--json=FILE]
//
// A center in its own process (SQLite, mail to the outbox) and N registrants, each with a
// key of its own, joined to the global realm before the clock starts; then all N call
// `register_user@1` at once. Each call checks the caller's key, stores the registration
// under the rate limits (raised here for the one source address all come from), hashes a
// PIN, renders its captcha PNG and writes the mail to the outbox — all in the global
// realm's backend process, so the CPU of that process and of the center's router process
// are reported apart, with what the rest of the machine used meanwhile (other engineers'
// work shares it). Each round has fresh registrants; the median round is the figure.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { joinSession } from '@cdc/client';
import { KeySigner, SigningKey } from '@cdc/cryptosign';
import { connect } from '@cdc/transport';
import { Histogram } from './lib/hist.mjs';
import { Child } from './lib/ipc.mjs';
import { parseFlags, pathFrom } from './lib/cli.mjs';

const flags = parseFlags();
const N = Number(flags.registrations ?? 200);
const ROUNDS = Number(flags.rounds ?? 3);
const WARMUP = 20;
const GLOBAL = 'com.crossbario.cdc';
const here = pathFrom(import.meta.url);

/** CPU seconds the whole machine has been busy, from /proc/stat. */
function machineBusySeconds() {
  const [, ...t] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = t.map(Number);
  return (user + nice + system + irq + softirq + steal) / 100;
}

/** CPU seconds (user + system) a process — or with `thread`, one of its threads — has used. */
function cpuSeconds(pid, thread) {
  const path = thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`;
  const fields = readFileSync(path, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function registrants(url, n) {
  const keys = Array.from({ length: n }, () => SigningKey.generate());
  const sessions = await Promise.all(
    keys.map(async (k) =>
      joinSession(await connect(url), {
        realm: GLOBAL,
        authmethods: ['cryptosign'],
        signer: new KeySigner(k),
      }),
    ),
  );
  return sessions.map((session, i) => ({ session, pubkey: keys[i].publicKeyHex }));
}

/** All of them call register_user at once; per-call latencies go into `h`. */
function burst(list, prefix, h) {
  return Promise.all(
    list.map(async ({ session, pubkey }, i) => {
      const t = performance.now();
      const name = `${prefix}${i}`;
      await session.call(`${GLOBAL}.register_user@1`, [name, `${name}@example.org`, pubkey]);
      h?.record((performance.now() - t) * 1000);
    }),
  );
}

const root = mkdtempSync(join(tmpdir(), 'cdc-bench-registration-'));
const dir = join(root, 'data');
const center = new Child(here('./lib/center-process.mjs'), { name: 'center' });
try {
  const many = { pending: 1_000_000, per_hour: 1_000_000 };
  const { url, backendPid } = await center.request('start', {
    dir,
    heartbeatPeriodS: 10,
    realm: GLOBAL,
    global: { registrationLimits: { source: many } },
  });
  const warm = await registrants(url, WARMUP);
  await burst(warm, 'warm', undefined);
  const rounds = [];
  const all = [...warm];
  for (let round = 0; round < ROUNDS; round++) {
    const list = await registrants(url, N);
    all.push(...list);
    const pids = [center.pid, backendPid];
    const cpu0 = pids.map((pid) => cpuSeconds(pid));
    // The backend's main thread (its event loop) is the part that cannot spread over cores.
    const loop0 = cpuSeconds(backendPid, backendPid);
    const self0 = process.cpuUsage();
    const machine0 = machineBusySeconds();
    const h = new Histogram();
    const t0 = performance.now();
    await burst(list, `r${round}u`, h);
    const wall = (performance.now() - t0) / 1000;
    const [router, backend] = pids.map((pid, i) => cpuSeconds(pid) - cpu0[i]);
    const loop = cpuSeconds(backendPid, backendPid) - loop0;
    const self = process.cpuUsage(self0);
    const ours = router + backend + (self.user + self.system) / 1e6;
    rounds.push({
      registrations: N,
      seconds: wall,
      per_second: N / wall,
      p50_ms: h.quantile(0.5) / 1000,
      p90_ms: h.quantile(0.9) / 1000,
      cpu_s: {
        center_router: router,
        global_backend: backend,
        global_backend_loop: loop,
        clients: ours - router - backend,
      },
      other_cores: Math.max(0, (machineBusySeconds() - machine0 - ours) / wall),
    });
  }
  const mails = readdirSync(join(dir, 'outbox')).filter((f) => f.endsWith('.eml')).length;
  if (mails !== N * ROUNDS + WARMUP)
    throw new Error(`${mails} mails in the outbox, not ${N * ROUNDS + WARMUP}`);
  console.log('CDC registration benchmark (one center, SQLite, mail to the outbox)\n');
  for (const x of rounds)
    console.log(
      `${N} concurrent register_user@1: ${x.per_second.toFixed(0).padStart(4)} registrations/s ` +
        `(${x.seconds.toFixed(2)} s; p50 ${x.p50_ms.toFixed(0)} ms, p90 ${x.p90_ms.toFixed(0)} ms)  ` +
        `CPU s: center router ${x.cpu_s.center_router.toFixed(2)}, global backend ` +
        `${x.cpu_s.global_backend.toFixed(2)} (event loop ${x.cpu_s.global_backend_loop.toFixed(2)}), ` +
        `clients ${x.cpu_s.clients.toFixed(2)}; ` +
        `others on the machine ${x.other_cores.toFixed(1)} cores`,
    );
  const r = [...rounds].sort((a, b) => a.per_second - b.per_second)[Math.floor(ROUNDS / 2)];
  console.log(
    `\nmedian round: ${r.per_second.toFixed(0)} registrations/s (target >= 100/s); ` +
      `global backend ${((r.cpu_s.global_backend / N) * 1000).toFixed(1)} ms CPU per ` +
      `registration, ${((r.cpu_s.global_backend_loop / N) * 1000).toFixed(1)} ms of it on its ` +
      `event loop (the rest on libuv's pool: PIN hash, rasterizing, file writes)`,
  );
  if (typeof flags.json === 'string') writeFileSync(flags.json, JSON.stringify(rounds, null, 2));
  await Promise.all(all.map(({ session }) => session.leave()));
  await center.request('stop', {});
} finally {
  center.proc.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
}
