#!/usr/bin/env node
// `get_nodes@3` over a big realm with nothing else going on (SPEC §8). Figures only.
//
//   node bench/get-nodes.mjs [--nodes=10000] [--calls=30] [--profile] [--json=FILE]
//
// A center in its own process (SQLite) with one management realm of N paired nodes (none
// connected: the payload is the same size) and one owner client calling `get_nodes@3` one
// call at a time. Isolates the call's own cost — backend, center router, client — from the
// fleet benchmark's load of connecting and beating nodes. `--profile` writes a CPU profile
// of the center's router process over the calls to bench/profiles/.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { joinSession } from '@cdc/client';
import { KeySigner, SigningKey } from '@cdc/cryptosign';
import { connect } from '@cdc/transport';
import { createStoreFactory } from '@cdc/store';
import { addRealm, pairNode } from '@cdc/center';
import { Histogram } from './lib/hist.mjs';
import { Child } from './lib/ipc.mjs';
import { formatSummary, summarize } from './lib/profile.mjs';
import { parseFlags, pathFrom } from './lib/cli.mjs';

const flags = parseFlags();
const NODES = Number(flags.nodes ?? 10000);
const CALLS = Number(flags.calls ?? 30);
const REALM = 'bench';
const here = pathFrom(import.meta.url);

const root = mkdtempSync(join(tmpdir(), 'cdc-bench-get-nodes-'));
const dir = join(root, 'data');
const center = new Child(here('./lib/center-process.mjs'), { name: 'center' });
try {
  const owner = SigningKey.generate();
  const factory = createStoreFactory({ dir });
  const domain = await factory.domain();
  await domain.migrate();
  await addRealm(domain, REALM, { pubkey: owner.publicKeyHex, comment: null }, 'owner');
  for (let i = 0; i < NODES; i++)
    await pairNode(domain, REALM, `node-${i}`, {
      pubkey: SigningKey.generate().publicKeyHex,
      comment: null,
    });
  await factory.close();

  const { url } = await center.request('start', { dir, heartbeatPeriodS: 10, realm: REALM });
  const session = await joinSession(await connect(url), {
    realm: REALM,
    authmethods: ['cryptosign'],
    signer: new KeySigner(owner),
  });
  // The backend's first pairing sync makes the node entries.
  for (;;) {
    const r = await session.call('com.crossbario.cdc.get_nodes@3');
    if (Object.keys(r.value).length === NODES) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  for (let i = 0; i < 3; i++) await session.call('com.crossbario.cdc.get_nodes@3'); // warm-up
  if (flags.profile) await center.request('profileStart', {});
  const h = new Histogram();
  for (let i = 0; i < CALLS; i++) {
    const t0 = performance.now();
    await session.call('com.crossbario.cdc.get_nodes@3');
    h.record((performance.now() - t0) * 1000);
  }
  const r = {
    nodes: NODES,
    calls: CALLS,
    p50_ms: h.quantile(0.5) / 1000,
    p90_ms: h.quantile(0.9) / 1000,
  };
  console.log('CDC get_nodes@3 benchmark (one center, one realm, SQLite; no other load)\n');
  console.log(
    `get_nodes@3 over ${NODES.toLocaleString('en-US')} nodes  p50 ${r.p50_ms.toFixed(1)} ms` +
      `  p90 ${r.p90_ms.toFixed(1)} ms  (${CALLS} calls; target p50 < 100 ms at 10,000)`,
  );
  if (flags.profile) {
    mkdirSync(here('./profiles'), { recursive: true });
    const file = here('./profiles/get-nodes-center.cpuprofile');
    await center.request('profileStop', { file });
    console.log(`\ncenter router CPU profile (${file}):`);
    console.log(formatSummary(summarize(JSON.parse(readFileSync(file, 'utf8')), 12)));
  }
  if (typeof flags.json === 'string') writeFileSync(flags.json, JSON.stringify(r, null, 2));
  await session.leave();
  await center.request('stop', {});
} finally {
  center.proc.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
}
