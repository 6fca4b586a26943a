/** Where the uplink goes: config.json blocks, the environment, explicit "unmanaged". */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeConfig } from '@cdc/config';
import { resolveUplink, transportUrl } from '../src/index.js';

const cfg = (controller: NonNullable<NodeConfig['controller']>): NodeConfig => ({
  version: 2,
  controller,
});
const DEFAULT_HB = { startupDelay: 5, period: 10, includeSystemStats: true };

test('uplink config - none anywhere: unmanaged', () => {
  const r = resolveUplink({ version: 2 }, {});
  assert.equal(r.kind, 'unmanaged');
});

test('uplink config - controller.cdc.url, with its heartbeat settings', () => {
  const r = resolveUplink(
    cfg({
      cdc: { url: 'ws://c:9000/ws', heartbeat: { heartbeat_period: 2 } },
      fabric: { transport: null },
    }),
    { CDC_URL: 'ws://env/ws' },
  );
  assert.deepEqual(r, {
    kind: 'managed',
    target: {
      urls: ['ws://c:9000/ws'],
      source: 'controller.cdc.url',
      heartbeat: { ...DEFAULT_HB, period: 2 },
    },
  });
});

test('uplink config - controller.fabric.transport as Crossbar.io writes it', () => {
  const r = resolveUplink(
    cfg({
      fabric: {
        transport: {
          type: 'websocket',
          url: 'wss://master.example.com/ws',
          endpoint: {
            type: 'tcp',
            host: 'master.example.com',
            port: 443,
            tls: { hostname: 'master.example.com' },
          },
        },
        heartbeat: { startup_delay: 1, include_system_stats: false },
      },
    }),
    {},
  );
  assert.ok(r.kind === 'managed');
  assert.deepEqual(r.target.urls, ['wss://master.example.com/ws']);
  assert.equal(r.target.source, 'controller.fabric.transport');
  assert.deepEqual(r.target.tls, { servername: 'master.example.com' });
  assert.deepEqual(r.target.heartbeat, { startupDelay: 1, period: 10, includeSystemStats: false });
});

test('uplink config - a transport of null runs the node unmanaged, even with CDC_URL set', () => {
  const r = resolveUplink(cfg({ fabric: { transport: null } }), { CDC_URL: 'ws://env/ws' });
  assert.equal(r.kind, 'unmanaged');
});

test('uplink config - CDC_URL, then CROSSBAR_FABRIC_URL; heartbeat from the config', () => {
  const hb = cfg({ fabric: { heartbeat: { heartbeat_period: 3 } } });
  const a = resolveUplink(hb, { CDC_URL: 'ws://a/ws', CROSSBAR_FABRIC_URL: 'ws://b/ws' });
  const b = resolveUplink(hb, { CDC_URL: '', CROSSBAR_FABRIC_URL: 'ws://b/ws' });
  assert.ok(a.kind === 'managed' && b.kind === 'managed');
  assert.deepEqual(a.target.urls, ['ws://a/ws']);
  assert.equal(a.target.source, 'CDC_URL');
  assert.equal(a.target.heartbeat.period, 3);
  assert.deepEqual(b.target.urls, ['ws://b/ws']);
  assert.equal(b.target.source, 'CROSSBAR_FABRIC_URL');
});

test('uplink config - several instances of a clustered center: a list or comma-separated', () => {
  const list = resolveUplink(cfg({ cdc: { url: ['ws://a/ws', ' ws://b/ws '] } }), {});
  const env = resolveUplink({ version: 2 }, { CDC_URL: 'ws://a/ws, ws://b/ws,' });
  const one = resolveUplink(cfg({ cdc: { url: 'ws://a/ws,ws://b/ws' } }), {});
  for (const r of [list, env, one]) {
    assert.ok(r.kind === 'managed');
    assert.deepEqual(r.target.urls, ['ws://a/ws', 'ws://b/ws']);
  }
  // Only commas: no URL at all, so the next source decides.
  assert.equal(resolveUplink({ version: 2 }, { CDC_URL: ' , ' }).kind, 'unmanaged');
});

test('uplink config - an explicit URL (embedding program) beats everything', () => {
  const r = resolveUplink(cfg({ fabric: { transport: null } }), {}, 'rs://127.0.0.1:1');
  assert.ok(r.kind === 'managed');
  assert.deepEqual(r.target.urls, ['rs://127.0.0.1:1']);
});

test('uplink config - transport URLs from endpoints when there is no url', () => {
  assert.equal(
    transportUrl({ type: 'websocket', endpoint: { type: 'tcp', host: 'h', port: 9000 } }),
    'ws://h:9000/ws',
  );
  assert.equal(
    transportUrl({
      type: 'rawsocket',
      endpoint: { type: 'tcp', host: '::1', port: 9000, tls: {} },
    }),
    'rss://[::1]:9000',
  );
  assert.equal(
    transportUrl({ type: 'rawsocket', endpoint: { type: 'unix', path: '/run/c.sock' } }),
    'unix:/run/c.sock',
  );
  assert.equal(transportUrl({ type: 'websocket', endpoint: { type: 'tcp' } }), undefined);
});
