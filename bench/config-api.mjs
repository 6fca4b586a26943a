#!/usr/bin/env node
// CDC configuration API benchmark (issue 9). Figures only: nothing here asserts.
//
//   node bench/config-api.mjs [--calls=300] [--realms=4] [--paths=3] [--json=FILE]
//
// A center (its own process, SQLite) and a real node (`cdc node start`, its own process)
// paired to it, running a router the center started from its stored config: --realms realms
// of two roles each, a WebSocket transport, and a web transport with --paths web services.
// One call at a time, through the center:
//   - `io.crossbar.cdc.get_router@1`: the stored config against what the node runs;
//   - `io.crossbar.cdc.reload_router@1` with nothing to change: the same read, and a plan.
// Both read the running router from the node: with `get_router_config` in one round trip,
// else piece by piece (one call per realm, transport and web service).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { joinSession } from '@cdc/client';
import { KeySigner, SigningKey } from '@cdc/cryptosign';
import { connect } from '@cdc/transport';
import { createStoreFactory } from '@cdc/store';
import { addRealm, pairNode } from '@cdc/center';
import { openNodeDirectory } from '@cdc/node';
import { Histogram } from './lib/hist.mjs';
import { Child } from './lib/ipc.mjs';
import { parseFlags, pathFrom } from './lib/cli.mjs';

const flags = parseFlags();
const CALLS = Number(flags.calls ?? 300);
const REALMS = Number(flags.realms ?? 4);
const PATHS = Number(flags.paths ?? 3);
const here = pathFrom(import.meta.url);
const CDC = here('../apps/cli/bin/cdc.js');
const C = 'io.crossbar.cdc.';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function timed(n, f) {
  const h = new Histogram();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await f();
    h.record((performance.now() - t0) * 1000);
  }
  return { p50: h.quantile(0.5), p90: h.quantile(0.9), p99: h.quantile(0.99) };
}

/** A router worker config of the size the flags ask for. */
function routerConfig() {
  const role = (name) => ({
    name,
    permissions: [{ uri: '', match: 'prefix', allow: { call: true, subscribe: true } }],
  });
  const realms = Array.from({ length: REALMS }, (_, i) => ({
    name: `realm${i + 1}`,
    roles: [role('anonymous'), role('backend')],
  }));
  const paths = { ws: { type: 'websocket' } };
  for (let i = 0; i < PATHS; i++) paths[`info${i + 1}`] = { type: 'json', value: { n: i } };
  const endpoint = { type: 'tcp', port: 0, interface: '127.0.0.1' };
  return {
    realms,
    transports: [
      { type: 'websocket', id: 'ws1', endpoint },
      { type: 'web', id: 'web1', endpoint, paths },
    ],
  };
}

async function main() {
  const root = mkdtempSync(join(tmpdir(), 'cdc-bench-config-'));
  const data = join(root, 'data');
  const cbdir = join(root, 'node', '.crossbar');
  const owner = SigningKey.generate();
  const { node } = await openNodeDirectory(cbdir);
  const factory = createStoreFactory({ dir: data });
  const domain = await factory.domain();
  await domain.migrate();
  await addRealm(domain, 'bench', { pubkey: owner.publicKeyHex, comment: null }, 'owner');
  await pairNode(domain, 'bench', 'node1', { pubkey: node.key.publicKeyHex, comment: null });
  await factory.close();

  const center = new Child(here('./lib/center-process.mjs'), { name: 'center' });
  let nodeProc;
  try {
    const { url } = await center.request('start', {
      dir: data,
      heartbeatPeriodS: 10,
      realm: 'bench',
    });
    const env = { ...process.env };
    delete env.CDC_URL;
    delete env.CROSSBAR_FABRIC_URL;
    nodeProc = spawn(
      process.execPath,
      [CDC, 'node', 'start', '--cbdir', cbdir, '--url', url, '--log-level', 'warn'],
      { env, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    const s = await joinSession(await connect(url), {
      realm: 'bench',
      authmethods: ['cryptosign'],
      signer: new KeySigner(owner),
    });
    const call = async (uri, args) => (await s.call(uri, args)).value;
    // The node's procedures are registered once it probed the realm.
    for (let i = 0; ; i++) {
      try {
        await call('com.crossbario.cdc.remote.get_controller_status@1', ['node1']);
        break;
      } catch (e) {
        if (i > 300) throw e;
        await sleep(100);
      }
    }
    await call(`${C}create_router@1`, ['node1', 'r1', routerConfig()]);
    await call(`${C}start_router@1`, ['node1', 'r1']);
    const state = await call(`${C}get_router@1`, ['node1', 'r1']);
    if (state.status !== 'started' || state.drift)
      throw new Error(`the router does not run as stored: ${JSON.stringify(state.changes)}`);

    const get = () => call(`${C}get_router@1`, ['node1', 'r1']);
    const reloadRouter = () => call(`${C}reload_router@1`, ['node1', 'r1']);
    // Both warmed up before either is timed: every process on the way has compiled its path.
    for (let i = 0; i < 100; i++) await get();
    for (let i = 0; i < 100; i++) await reloadRouter();
    const getRouter = await timed(CALLS, get);
    const reload = await timed(CALLS, reloadRouter);
    await s.leave();
    const r = { calls: CALLS, realms: REALMS, paths: PATHS, get_router: getRouter, reload };
    const us = (x) => `${Math.round(x)} µs`;
    const row = (name, x) =>
      console.log(`${name.padEnd(32)} p50 ${us(x.p50)}  p90 ${us(x.p90)}  p99 ${us(x.p99)}`);
    console.log(
      `CDC configuration API benchmark (one center, one node; a router of ${REALMS} realms, ` +
        `2 transports, ${PATHS + 1} web paths; one call at a time)\n`,
    );
    row('get_router', getRouter);
    row('reload_router (nothing to do)', reload);
    if (typeof flags.json === 'string') writeFileSync(flags.json, JSON.stringify(r, null, 2));
  } finally {
    if (nodeProc !== undefined) {
      nodeProc.kill('SIGTERM');
      await new Promise((res) => nodeProc.once('exit', res));
    }
    await center.request('stop').catch(() => undefined);
    center.proc.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
