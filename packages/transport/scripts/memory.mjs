#!/usr/bin/env node
// Router-side memory per idle connection: opens N connections from a child process and
// reports the growth of this process's heap and RSS. Run with --expose-gc.
// Usage: node --expose-gc packages/transport/scripts/memory.mjs [ws|rs] [N]
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { listen, connect } from '../dist/src/index.js';

const [kind = 'ws', n = '2000', role] = process.argv.slice(2);
const N = Number(n);

if (role === 'child') {
  const url = process.env['BENCH_URL'];
  const keep = [];
  for (let i = 0; i < N; i += 100)
    keep.push(
      ...(await Promise.all(Array.from({ length: Math.min(100, N - i) }, () => connect(url)))),
    );
  for (const t of keep) t.attach({ onMessage() {}, onProtocolError() {}, onClose() {} });
  process.send('ready');
  await new Promise(() => {});
} else {
  const transports = [];
  const listener = await listen({
    endpoint: { type: 'tcp', host: '127.0.0.1', port: 0 },
    websocket: { '/ws': {} },
    rawsocket: {},
    onTransport(t) {
      transports.push(t);
      t.attach({ onMessage() {}, onProtocolError() {}, onClose() {} });
    },
  });
  const measure = () => {
    globalThis.gc?.();
    globalThis.gc?.();
    const m = process.memoryUsage();
    return { heap: m.heapUsed + m.external + m.arrayBuffers, rss: m.rss };
  };
  // Warm up code paths with a few connections first.
  const url = kind === 'ws' ? listener.url('/ws') : listener.url();
  const before = measure();
  const child = fork(fileURLToPath(import.meta.url), [kind, n, 'child'], {
    env: { ...process.env, BENCH_URL: url },
  });
  await new Promise((r) => child.once('message', r));
  await new Promise((r) => setTimeout(r, 500));
  const after = measure();
  console.log(
    `${kind}: ${transports.length} idle connections: ` +
      `${((after.heap - before.heap) / N / 1024).toFixed(2)} KiB JS heap+external each, ` +
      `${((after.rss - before.rss) / N / 1024).toFixed(2)} KiB RSS each`,
  );
  child.kill();
  await listener.close();
}
