#!/usr/bin/env node
// CDC remote call benchmark (issue 5, SPEC §8). Figures only: nothing here asserts.
//
//   node bench/remote.mjs [--calls=2000] [--json=FILE]
//
// A center (its own process, SQLite) and a real node (`cdc node start`, its own process)
// paired to it. The same question asked two ways, one call at a time:
//   - directly on the node's management API (its Unix socket): `crossbar.get_status`;
//   - through the center: `com.crossbario.cdc.remote.get_controller_status@1(node_id)`,
//     which the realm backend forwards over the node's uplink.
// The difference of the medians is what the center adds (target: under 1 ms).
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
import { controllerUri } from '@cdc/api';
import { openNodeDirectory } from '@cdc/node';
import { Histogram } from './lib/hist.mjs';
import { Child } from './lib/ipc.mjs';
import { parseFlags, pathFrom } from './lib/cli.mjs';

const flags = parseFlags();
const CALLS = Number(flags.calls ?? 2000);
const here = pathFrom(import.meta.url);
const CDC = here('../apps/cli/bin/cdc.js');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function timed(n, f) {
  const h = new Histogram();
  for (let i = 0; i < 200; i++) await f(); // warm-up
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await f();
    h.record((performance.now() - t0) * 1000);
  }
  return { p50: h.quantile(0.5), p90: h.quantile(0.9), p99: h.quantile(0.99) };
}

async function main() {
  const root = mkdtempSync(join(tmpdir(), 'cdc-bench-remote-'));
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
    for (let i = 0; ; i++) {
      const n = (await s.call('com.crossbario.cdc.get_node_status@1', ['node1'])).value;
      if (n.status === 'online' || n.status === 'running') break;
      if (i > 300) throw new Error('the node did not come online');
      await sleep(100);
    }
    // The node's procedures are registered once it probed the realm; give it a moment.
    for (let i = 0; ; i++) {
      try {
        await s.call('com.crossbario.cdc.remote.get_controller_status@1', ['node1']);
        break;
      } catch (e) {
        if (i > 100) throw e;
        await sleep(100);
      }
    }
    const local = await joinSession(await connect(`unix:${join(cbdir, 'controller.sock')}`), {
      realm: 'crossbar',
    });
    const direct = await timed(CALLS, () => local.call(controllerUri('get_status')));
    const viaCenter = await timed(CALLS, () =>
      s.call('com.crossbario.cdc.remote.get_controller_status@1', ['node1']),
    );
    await local.leave();
    await s.leave();
    const r = {
      calls: CALLS,
      direct,
      via_center: viaCenter,
      added_p50_us: viaCenter.p50 - direct.p50,
    };
    const us = (x) => `${Math.round(x)} µs`;
    console.log('CDC remote call benchmark (one center, one node; one call at a time)\n');
    console.log(
      `direct  crossbar.get_status on the node's socket        p50 ${us(direct.p50)}  p90 ${us(direct.p90)}  p99 ${us(direct.p99)}`,
    );
    console.log(
      `center  remote.get_controller_status through the center  p50 ${us(viaCenter.p50)}  p90 ${us(viaCenter.p90)}  p99 ${us(viaCenter.p99)}`,
    );
    console.log(`added by the center at the median: ${us(r.added_p50_us)} (target < 1 ms)`);
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
