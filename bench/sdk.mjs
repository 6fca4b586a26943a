#!/usr/bin/env node
// The SDK's cost over a plain client session (issue 11). Figures only: nothing here asserts.
//
//   node bench/sdk.mjs [--calls=3000] [--inflight=50] [--connects=30]
//
// A center in its own process (SQLite, one realm). From this process, against it:
//   - connect and join with cryptosign: `connectCenter` against `joinSession`;
//   - `get_status@1` one call at a time, and --inflight calls at once: `cdc.getStatus()`
//     against `session.call(…)` on a session of the same kind.
// The SDK's method builds its wire arguments from the contract and wraps errors; the rest
// is the same client underneath.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { joinSession } from '@cdc/client';
import { KeySigner, SigningKey } from '@cdc/cryptosign';
import { connect } from '@cdc/transport';
import { createStoreFactory } from '@cdc/store';
import { addRealm } from '@cdc/center';
import { connectCenter } from '@cdc/sdk/node';
import { Histogram } from './lib/hist.mjs';
import { Child } from './lib/ipc.mjs';
import { parseFlags, pathFrom } from './lib/cli.mjs';

const flags = parseFlags();
const CALLS = Number(flags.calls ?? 3000);
const INFLIGHT = Number(flags.inflight ?? 50);
const CONNECTS = Number(flags.connects ?? 30);
const here = pathFrom(import.meta.url);

async function timed(n, f) {
  const h = new Histogram();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await f();
    h.record((performance.now() - t0) * 1000);
  }
  return h;
}

async function throughput(n, inflight, f) {
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: inflight }, async () => {
      while (next++ < n) await f();
    }),
  );
  return n / ((performance.now() - t0) / 1000);
}

const us = (h, q) => `${(h.quantile(q) / 1000).toFixed(2)} ms`;

const dir = mkdtempSync(join(tmpdir(), 'cdc-bench-sdk-'));
const data = join(dir, 'data');
const owner = SigningKey.generate();
const factory = createStoreFactory({ dir: data });
const domain = await factory.domain();
await domain.migrate();
await addRealm(domain, 'bench', { pubkey: owner.publicKeyHex, comment: null }, 'alice');
await factory.close();
const center = new Child(here('./lib/center-process.mjs'), { name: 'center' });
try {
  const { url } = await center.request('start', {
    dir: data,
    heartbeatPeriodS: 10,
    realm: 'bench',
  });
  const signer = new KeySigner(owner);
  const plain = async () =>
    joinSession(await connect(url), { realm: 'bench', authmethods: ['cryptosign'], signer });
  const sdk = () => connectCenter({ url, realm: 'bench', signer });

  // Warm both paths up (JIT, the backend's first answers).
  for (let i = 0; i < 5; i++) {
    await (await plain()).leave();
    await (await sdk()).close();
  }
  const joinPlain = await timed(CONNECTS, async () => (await plain()).leave());
  const joinSdk = await timed(CONNECTS, async () => (await sdk()).close());

  const s = await plain();
  const cdc = await sdk();
  const rawCall = async () => (await s.call('com.crossbario.cdc.get_status@1')).value;
  const sdkCall = () => cdc.getStatus();
  await timed(500, rawCall);
  await timed(500, sdkCall);
  const oneRaw = await timed(CALLS, rawCall);
  const oneSdk = await timed(CALLS, sdkCall);
  const manyRaw = await throughput(CALLS * 3, INFLIGHT, rawCall);
  const manySdk = await throughput(CALLS * 3, INFLIGHT, sdkCall);
  await s.leave();
  await cdc.close();

  console.log(`connect + cryptosign join + leave (${CONNECTS}×), median / p90:`);
  console.log(`  joinSession    ${us(joinPlain, 0.5)} / ${us(joinPlain, 0.9)}`);
  console.log(`  connectCenter  ${us(joinSdk, 0.5)} / ${us(joinSdk, 0.9)}`);
  console.log(`get_status@1, one at a time (${CALLS}×), median / p90:`);
  console.log(`  session.call   ${us(oneRaw, 0.5)} / ${us(oneRaw, 0.9)}`);
  console.log(`  cdc.getStatus  ${us(oneSdk, 0.5)} / ${us(oneSdk, 0.9)}`);
  console.log(`get_status@1, ${INFLIGHT} in flight (${CALLS * 3} calls):`);
  console.log(`  session.call   ${Math.round(manyRaw)} calls/s`);
  console.log(`  cdc.getStatus  ${Math.round(manySdk)} calls/s`);
} finally {
  await center.request('stop').catch(() => undefined);
  await center.kill();
  rmSync(dir, { recursive: true, force: true });
}
