/** The center's HTTP side: /health and Prometheus /metrics, on the WAMP port. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join, ownedRealm, startCenter } from './helpers.js';
import type { TestCenter } from './helpers.js';

let c: TestCenter;
let base: string;

before(async () => {
  c = await startCenter();
  base = c.url.replace(/^ws/, 'http').replace(/\/ws$/, '');
});
after(() => c.stop());

test('http - /health says what is up', async () => {
  await ownedRealm(c, 'health-realm');
  const r = await fetch(`${base}/health`);
  assert.equal(r.status, 200);
  const body = (await r.json()) as {
    status: string;
    database: string;
    realms: Record<string, { backend: string }>;
  };
  assert.equal(body.status, 'ok');
  assert.equal(body.database, 'ok');
  assert.equal(body.realms['health-realm']?.backend, 'ready');
});

test('http - /metrics has sessions, calls, errors and nodes per realm', async () => {
  const key = await ownedRealm(c, 'metric-realm');
  const s = await join(c, key, 'metric-realm');
  await s.call('com.crossbario.cdc.get_nodes@1');
  await s.call('com.crossbario.cdc.get_node_status@1', ['nope']).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 100));
  const text = await (await fetch(`${base}/metrics`)).text();
  assert.match(text, /^cdc_sessions\{realm="metric-realm"\} [1-9]/m);
  assert.match(text, /^cdc_calls_total\{realm="metric-realm"\} [1-9]/m);
  assert.match(text, /^cdc_errors_total\{realm="metric-realm"\} [1-9]/m);
  assert.match(text, /^cdc_nodes\{realm="metric-realm",status="created"\} 0/m);
  assert.match(text, /^cdc_backend_up\{realm="metric-realm"\} 1/m);
  assert.match(text, /^cdc_process_resident_memory_bytes /m);
  await s.leave();
  assert.equal((await fetch(`${base}/nope`)).status, 404);
});
