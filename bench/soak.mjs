#!/usr/bin/env node
// Soak (issue 14): a center and three nodes as real processes (`cdc center start` on SQLite,
// `cdc node start`), run for a long time under churn, memory and handles sampled each minute.
// Figures only: nothing here asserts.
//
//   node bench/soak.mjs [--minutes=30] [--sessions=200] [--warmup=3] [--json=FILE]
//
// Load: --sessions WAMP sessions at all times, each living 5–30 s and then replaced: half are
// API clients of the center (the realm owner's key, calling `get_nodes`, `list_workers` and
// `get_node_status` and following `on_node_status`), half anonymous clients of node1's router
// (a router worker the center started from its desired state), each registering a procedure,
// subscribing, calling and publishing once a second. Every 60 s one of node2/node3 is stopped
// (SIGTERM) and started again 10 s later. Each minute: RSS and open file descriptors of the
// center (its router process plus its backend processes) and of node1 (controller plus router
// worker), from /proc. Growth is the last sample against the first after --warmup minutes.
import { readdirSync, readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { joinSession } from '@cdc/client';
import { loadUserSigner } from '@cdc/cryptosign';
import { connect } from '@cdc/transport';
import { Cluster, DESIRED_ROUTER } from '../apps/cli/dist/test/faults/cluster.js';
import { descendants } from '../apps/cli/dist/test/faults/procs.js';
import { Probe } from '../apps/cli/dist/test/faults/scenarios.js';
import { parseFlags } from './lib/cli.mjs';

const flags = parseFlags();
const MINUTES = Number(flags.minutes ?? 30);
const SESSIONS = Number(flags.sessions ?? 200);
const WARMUP = Number(flags.warmup ?? 3);

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

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise((r) => s.close(r));
  return port;
}

/** RSS (KiB) and open descriptors of a process and everything below it. */
function usage(pid) {
  let rss = 0;
  let fds = 0;
  for (const p of [pid, ...descendants(pid).map((d) => d.pid)]) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      rss += Number(m?.[1] ?? 0);
      fds += readdirSync(`/proc/${p}/fd`).length;
    } catch {
      // gone
    }
  }
  return { rssMiB: Math.round((rss / 1024) * 10) / 10, fds };
}

const root = mkdtempSync(join(tmpdir(), 'cdc-soak-'));
const cluster = new Cluster({ root, nodes: 3 });
const counts = { joins: 0, leaves: 0, calls: 0, events: 0, failures: 0, nodeDrops: 0 };
let running = true;

async function centerSession(signer) {
  const s = await joinSession(await connect(cluster.url), {
    realm: 'default',
    authmethods: ['cryptosign'],
    signer,
  });
  await s.subscribe('com.crossbario.cdc.remote.on_node_status@1', () => counts.events++);
  return {
    s,
    tick: async (i) => {
      const node = `node${(i % 3) + 1}`;
      if (i % 3 === 0) await s.call('com.crossbario.cdc.get_nodes@1');
      else if (i % 3 === 1) await s.call('io.crossbar.cdc.list_workers@1', [node]);
      else await s.call('com.crossbario.cdc.get_node_status@1', [node]);
    },
  };
}

async function routerSession(url, n) {
  const s = await joinSession(await connect(url), { realm: 'realm1' });
  await s.register(`soak.echo.${n}`, (args) => args);
  await s.subscribe('soak.tick', () => counts.events++);
  return {
    s,
    tick: async (i) => {
      await s.call(`soak.echo.${n}`, [i, 'x'.repeat(64)]);
      await s.publish('soak.tick', [n, i], {}, { acknowledge: true });
    },
  };
}

/** One slot: a session after another, each living 5–30 s, ticking once a second. */
async function slot(n, open) {
  while (running) {
    let sess;
    try {
      sess = await open(n);
      counts.joins++;
      const life = Date.now() + 5000 + Math.random() * 25_000;
      for (let i = 0; running && Date.now() < life; i++) {
        try {
          await sess.tick(i);
          counts.calls++;
        } catch {
          counts.failures++;
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
      await sess.s.leave();
      counts.leaves++;
    } catch {
      counts.failures++;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

try {
  await cluster.start();
  const probe = await Probe.open(cluster);
  const port = await freePort();
  const node1 = cluster.nodes[0];
  for (const n of cluster.nodes) {
    for (;;) {
      const st = await probe.call('com.crossbario.cdc.get_node_status@1', [n.id]).catch(() => ({}));
      if (st.status === 'online' || st.status === 'running') break;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await probe.call('io.crossbar.cdc.create_router@1', [
    node1.id,
    DESIRED_ROUTER,
    {
      realms: [{ name: 'realm1', roles: [OPEN] }],
      transports: [
        { type: 'websocket', id: 'ws1', endpoint: { type: 'tcp', port, interface: '127.0.0.1' } },
      ],
    },
  ]);
  await probe.call('io.crossbar.cdc.start_router@1', [node1.id, DESIRED_ROUTER]);
  const routerUrl = `ws://127.0.0.1:${port}/ws`;
  const signer = await loadUserSigner(cluster.ownerKey);
  const slots = [];
  for (let i = 0; i < SESSIONS; i++)
    slots.push(
      slot(i, i % 2 === 0 ? () => centerSession(signer) : (n) => routerSession(routerUrl, n)),
    );
  // Nodes dropping and returning.
  const dropper = (async () => {
    for (let k = 0; running; k++) {
      await new Promise((r) => setTimeout(r, 50_000));
      if (!running) break;
      const n = cluster.nodes[1 + (k % 2)];
      await n.proc.stop();
      counts.nodeDrops++;
      await new Promise((r) => setTimeout(r, 10_000));
      cluster.restartNode(n);
    }
  })();
  const samples = [];
  const start = Date.now();
  for (let minute = 0; minute <= MINUTES; minute++) {
    const wait = start + minute * 60_000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const c = usage(cluster.center.pid);
    const n = usage(node1.proc.pid);
    const sample = {
      minute,
      center_rss_mib: c.rssMiB,
      center_fds: c.fds,
      node_rss_mib: n.rssMiB,
      node_fds: n.fds,
      ...counts,
    };
    samples.push(sample);
    console.log(JSON.stringify(sample));
  }
  running = false;
  await Promise.all(slots);
  await dropper;
  await probe.close();
  const base = samples.find((s) => s.minute === Math.min(WARMUP, MINUTES)) ?? samples[0];
  const last = samples.at(-1);
  const growth = (k) => Math.round(((last[k] - base[k]) / base[k]) * 1000) / 10;
  const summary = {
    minutes: MINUTES,
    sessions: SESSIONS,
    warmup_minutes: WARMUP,
    center_rss_growth_pct: growth('center_rss_mib'),
    center_fds_growth_pct: growth('center_fds'),
    node_rss_growth_pct: growth('node_rss_mib'),
    node_fds_growth_pct: growth('node_fds'),
    ...counts,
  };
  console.log(`\nsoak summary: ${JSON.stringify(summary)}`);
  if (flags.json) writeFileSync(flags.json, JSON.stringify({ summary, samples }, null, 2));
} finally {
  running = false;
  await cluster.stop().catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
}
