#!/usr/bin/env node
/* global requestAnimationFrame, document -- runs in the page (page.evaluate) */
// Web UI figures (issue 11). Figures only: nothing here asserts.
//
//   node bench/web.mjs [--nodes=10000] [--procs=2] [--window=10] [--json=FILE]
//
// - first-load bytes: the built UI (apps/web/dist/ui) as the center sends it, gzipped;
// - time to interactive: headless Chromium (Debian's, playwright-core) opening the center's
//   `/` with a granted browser key, until the overview shows the realm's node list;
// - the overview with --nodes simulated nodes (bench/lib/fleet-sim.mjs: the real uplink
//   protocol) in a center of its own process: time from navigation to the first render of
//   the list, then frame times (requestAnimationFrame deltas in the page) over --window
//   seconds while every node's heartbeat flips it between `online` and `running` — with a
//   10 s period, --nodes/10 status changes per second reach the page through the center.
import { readdirSync, readFileSync, mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { SigningKey, KeySigner } from '@cdc/cryptosign';
import { joinSession } from '@cdc/client';
import { connect } from '@cdc/transport';
import { createStoreFactory } from '@cdc/store';
import { addRealm, pairNode } from '@cdc/center';
import { Child } from './lib/ipc.mjs';
import { parseFlags, pathFrom } from './lib/cli.mjs';

const flags = parseFlags();
const N = Number(flags.nodes ?? 10_000);
const PROCS = Number(flags.procs ?? 2);
const WINDOW = Number(flags.window ?? 10);
const PERIOD = 10;
// While 10,000 handshakes starve the simulators of CPU, a 10 s heartbeat arrives late and
// the center closes the node as silent (2.5 periods): the nodes connect beating every 60 s
// (the center's first-beat grace is 2.5 × its own period), then switch to PERIOD.
const CONNECT_PERIOD = 60;
const REALM = 'web';
const here = pathFrom(import.meta.url);
const UI = new URL('../apps/web/dist/ui/', import.meta.url).pathname;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const CDC = 'com.crossbario.cdc';

function firstLoadBytes() {
  const files = ['index.html'];
  for (const f of readdirSync(join(UI, 'assets'))) files.push(join('assets', f));
  let raw = 0;
  let gz = 0;
  for (const f of files) {
    const body = readFileSync(join(UI, f));
    if (!statSync(join(UI, f)).isFile()) continue;
    raw += body.length;
    gz += gzipSync(body, { level: 9 }).length;
  }
  return { files: files.length, raw, gzip: gz };
}

/** `f()` once it succeeds, retrying for a minute (a backend starting or busy). */
async function answered(f) {
  for (let i = 0; ; i++) {
    try {
      return await f();
    } catch (e) {
      if (i >= 120) throw e;
      await sleep(500);
    }
  }
}

const split = (items, n) =>
  Array.from({ length: n }, (_, i) => items.filter((_, j) => j % n === i));

const r = { nodes: N, first_load: firstLoadBytes() };
const root = mkdtempSync(join(tmpdir(), 'cdc-bench-web-'));
const children = [];
let browser;
try {
  const dataDir = join(root, 'data');
  const owner = SigningKey.generate();
  const nodeKeys = Array.from({ length: N }, () => SigningKey.generate());
  const factory = createStoreFactory({ dir: dataDir });
  const domain = await factory.domain();
  await domain.migrate();
  await addRealm(domain, REALM, { pubkey: owner.publicKeyHex, comment: null }, 'owner');
  for (let i = 0; i < N; i++)
    await pairNode(domain, REALM, `node-${i}`, { pubkey: nodeKeys[i].publicKeyHex, comment: null });
  await factory.close();

  const center = new Child(here('./lib/center-process.mjs'), { name: 'center' });
  children.push(center);
  const { url } = await center.request('start', {
    dir: dataDir,
    heartbeatPeriodS: CONNECT_PERIOD,
    realm: REALM,
  });
  const base = url.replace(/^ws/, 'http').replace(/\/ws$/, '/');
  // The realm's backend is a process of its own: wait until it answers, not a fixed time.
  const ownerSession = await joinSession(await connect(url), {
    realm: REALM,
    authmethods: ['cryptosign'],
    signer: new KeySigner(owner),
  });
  await answered(() => ownerSession.call(`${CDC}.management.list_access@1`));

  // The browser's key is made and granted before the fleet connects: on a loaded machine
  // 10,000 handshakes keep the backend too busy to answer a grant in time (the last run
  // failed there with "no callee").
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base);
  await page.getByTestId('not-authorized').waitFor({ timeout: 60_000 });
  const pubkey = await page.getByTestId('pubkey').textContent();
  await answered(() =>
    ownerSession.call(`${CDC}.management.grant_access@1`, [pubkey, 'cdc-guest'], {
      label: 'bench',
    }),
  );
  await page.goto('about:blank');

  const sims = Array.from({ length: PROCS }, (_, i) => {
    const c = new Child(here('./lib/fleet-sim.mjs'), { name: `nodes-${i + 1}` });
    children.push(c);
    return c;
  });
  const seeds = nodeKeys.map((k) => Buffer.from(k.seed).toString('hex'));
  const t0 = performance.now();
  await Promise.all(
    split(seeds, PROCS).map((s, i) =>
      sims[i].request('nodes', {
        url,
        seeds: s,
        concurrency: 100,
        period: CONNECT_PERIOD,
        mrealm: REALM,
      }),
    ),
  );
  r.nodes_connect_s = (performance.now() - t0) / 1000;
  // Every node flips its status at each heartbeat from now on (N / period changes per second).
  await Promise.all(
    sims.map((s) => s.request('heartbeats', { period: PERIOD, mrealm: REALM, flap: true })),
  );
  await answered(() => ownerSession.call(`${CDC}.get_nodes@1`));

  // Time to interactive and first render of the list: a fresh navigation, key in IndexedDB.
  // The center's part of it: `get_nodes@3` (what the SDK's getNodes calls) over the fleet.
  const calls = [];
  for (let i = 0; i < 3; i++) {
    const c0 = performance.now();
    await ownerSession.call(`${CDC}.get_nodes@3`);
    calls.push(performance.now() - c0);
  }
  r.get_nodes_ms = calls.sort((a, b) => a - b)[1];
  const nav = performance.now();
  await page.goto(base);
  await page.getByTestId('who').waitFor({ timeout: 60_000 });
  r.signed_in_ms = performance.now() - nav;
  // The whole list, not the first rows status events may add before `get_nodes` answers.
  await page.waitForFunction(
    (n) =>
      document.querySelector('[data-testid="count-total"] .n')?.textContent === String(n) &&
      document.querySelector('[data-node]') !== null,
    N,
    { timeout: 60_000, polling: 'raf' },
  );
  r.first_render_ms = performance.now() - nav;
  r.rows_in_dom = await page.locator('[data-node]').count();
  r.listed = await page.getByTestId('count-total').locator('.n').textContent();

  // Frames in the page while the nodes flip (they have been flipping for a while already).
  await sleep(PERIOD * 1000);
  // What reaches the page: the realm's status events, counted by a subscriber of its own.
  let events = 0;
  const sub = await ownerSession.subscribe(`${CDC}.remote.on_node_status@1`, () => void events++);
  const before = await Promise.all(sims.map((s) => s.request('counters')));
  const frames = await page.evaluate(
    (ms) =>
      new Promise((resolve) => {
        const deltas = [];
        let last = performance.now();
        const end = last + ms;
        const tick = (t) => {
          deltas.push(t - last);
          last = t;
          if (t < end) requestAnimationFrame(tick);
          else resolve(deltas);
        };
        requestAnimationFrame(tick);
      }),
    WINDOW * 1000,
  );
  const after = await Promise.all(sims.map((s) => s.request('counters')));
  const beats =
    after.reduce((a, x) => a + x.heartbeats, 0) - before.reduce((a, x) => a + x.heartbeats, 0);
  r.heartbeats_per_s = beats / WINDOW;
  r.status_changes_per_s = events / WINDOW;
  await sub.unsubscribe();
  frames.sort((a, b) => a - b);
  const q = (p) => frames[Math.min(frames.length - 1, Math.floor(p * frames.length))];
  r.frames = {
    count: frames.length,
    p50_ms: q(0.5),
    p95_ms: q(0.95),
    p99_ms: q(0.99),
    max_ms: frames.at(-1),
  };
  r.page_errors = errors.length;

  await Promise.all(sims.map((s) => s.request('stopHeartbeats')));
  await ownerSession.leave();
  await Promise.all(sims.map((s) => s.request('close').catch(() => undefined)));
  await center.request('stop');
} finally {
  await browser?.close();
  for (const c of children) c.proc.kill();
  rmSync(root, { recursive: true, force: true });
}

const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
const ms = (x) => `${x.toFixed(1)} ms`;
console.log(`web UI (issue 11), ${N} nodes`);
console.log(
  `  first load: ${r.first_load.files} files, ${kb(r.first_load.raw)} raw, ${kb(r.first_load.gzip)} gzipped`,
);
console.log(`  ${N} simulated nodes connected in ${r.nodes_connect_s.toFixed(1)} s`);
console.log(
  `  time to interactive (navigation → overview with its list): ${ms(r.first_render_ms)} (signed in at ${ms(r.signed_in_ms)}); ${r.rows_in_dom} rows in the DOM of ${r.listed} listed`,
);
console.log(`  get_nodes@3 over the fleet from a Node caller, median of 3: ${ms(r.get_nodes_ms)}`);
console.log(
  `  while ${Math.round(r.status_changes_per_s)} status changes/s arrive (${Math.round(r.heartbeats_per_s)} heartbeats/s sent): ${r.frames.count} frames in ${WINDOW} s, p50 ${ms(r.frames.p50_ms)}, p95 ${ms(r.frames.p95_ms)}, p99 ${ms(r.frames.p99_ms)}, max ${ms(r.frames.max_ms)}`,
);
console.log(`  page errors: ${r.page_errors}`);
if (flags.json !== undefined) writeFileSync(String(flags.json), JSON.stringify(r, null, 2));
