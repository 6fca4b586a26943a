/**
 * A node given several center URLs (the instances of a clustered center, SPEC §9) joins the
 * first that answers, stays there, and moves to another when its instance goes away — no
 * load balancer in front.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManagementUplink } from '../src/index.js';
import { startNode, until } from './helpers.js';
import type { TestNode } from './helpers.js';
import { startFakeCenter } from './fake-center.js';
import type { FakeCenter } from './fake-center.js';

let a: FakeCenter;
let b: FakeCenter;
let node: TestNode;

before(async () => {
  a = await startFakeCenter({ realm: 'mrealm-a' });
  b = await startFakeCenter({ realm: 'mrealm-b' });
  await Promise.all([a.serveStatus(), b.serveStatus()]);
  node = await startNode(undefined, {
    env: { CDC_URL: `${a.rsUrl}, ${b.wsUrl}` },
    uplink: {
      retry: { initialDelay: 20, maxDelay: 100 },
      probeIntervalMs: 100,
      heartbeat: { startupDelay: 0.05, period: 0.2 },
    },
    beforeStart: (_dir, key) => {
      a.pair(key, 'edge-a');
      b.pair(key, 'edge-b');
    },
  });
});
after(async () => {
  await node.stop();
  await Promise.all([a.close(), b.close()]);
});

const realm = (): string | undefined => node.controller.management?.realm;

test('uplink failover - joins the first URL that answers and stays there', async () => {
  await until(() => node.controller.uplink?.managed, 5000, 'the node to be managed');
  assert.equal(realm(), 'mrealm-a');
  assert.equal(node.controller.uplink?.url, a.rsUrl);
  assert.equal(b.hellos.length, 0, 'the second instance was never needed');
});

test('uplink failover - its instance goes away: the node moves to the next, then back', async () => {
  await a.goAway();
  await until(() => realm() === 'mrealm-b' && node.controller.uplink?.managed, 5000, 'B');
  assert.equal(node.controller.uplink?.url, b.wsUrl);
  // B now answers; A coming back does not pull the node away from it.
  await a.comeBack();
  const hellosAtA = a.hellos.length;
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(realm(), 'mrealm-b');
  assert.equal(a.hellos.length, hellosAtA);
  // Until B goes too.
  await b.goAway();
  await until(() => realm() === 'mrealm-a' && node.controller.uplink?.managed, 5000, 'A again');
  await b.comeBack();
});

test('uplink failover - URLs that mix TLS and plain are refused, naming where they came from', () => {
  const heartbeat = { startupDelay: 1, period: 1, includeSystemStats: false };
  const target = { urls: ['ws://a/ws', 'wss://b/ws'], source: 'CDC_URL', heartbeat };
  assert.throws(
    () => new ManagementUplink(node.controller as never, { target }),
    /URLs from CDC_URL mix TLS and plain connections: ws:\/\/a\/ws, wss:\/\/b\/ws/,
  );
});
