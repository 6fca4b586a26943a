/**
 * The uplink over RawSocket when things go wrong: a node that is not paired yet keeps
 * trying (and says once how to pair it), the center going away and coming back, and a
 * clean GOODBYE when the node shuts down.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dict } from '@cdc/protocol';
import { call, startNode, until } from './helpers.js';
import type { TestNode } from './helpers.js';
import { startFakeCenter } from './fake-center.js';
import type { FakeCenter } from './fake-center.js';

const NODE_ID = 'edge7';
const N = `crossbarfabriccenter.node.${NODE_ID}.`;
let center: FakeCenter;
let node: TestNode;
let pubkey = '';

before(async () => {
  center = await startFakeCenter({ realm: 'mrealm-reconnect' });
  await center.serveStatus();
  node = await startNode(undefined, {
    env: { CDC_URL: center.rsUrl },
    uplink: {
      retry: { initialDelay: 20, maxDelay: 100 },
      probeIntervalMs: 100,
      heartbeat: { startupDelay: 0.05, period: 0.2 },
    },
    beforeStart: (_dir, key) => (pubkey = key),
  });
});
after(async () => {
  await node.stop();
  await center.close();
});

const pairingHints = (): number =>
  node.log.records.filter((r) => r.level === 'warn' && /pair-node/.test(r.msg ?? '')).length;

test('uplink - an unpaired node keeps trying, says once how to pair it, and comes online once paired', async () => {
  await until(() => center.hellos.length >= 4, 5000, 'several attempts');
  assert.equal(node.controller.management, undefined);
  assert.equal(pairingHints(), 1);
  const hint = node.log.records.find((r) => /pair-node/.test(r.msg ?? ''));
  assert.match(hint?.msg ?? '', new RegExp(`--pubkey ${pubkey}`));
  assert.equal((hint?.obj as Dict)['pubkey'], pubkey);
  const status = await call<Dict>(node.session, 'crossbar.get_status');
  assert.equal(status['management_realm'], null);

  center.pair(pubkey, NODE_ID);
  await until(() => node.controller.uplink?.managed, 5000, 'the node to be managed');
  assert.equal(pairingHints(), 1);
  const s = await center.call<Dict>(`${N}get_status`);
  assert.equal(s['management_node_id'], NODE_ID);
  assert.equal(s['management_realm'], 'mrealm-reconnect');
  // RawSocket takes the first serializer offered: CBOR.
  const transport = center.hellos.at(-1)?.details['transport'] as Dict;
  assert.equal(transport['type'], 'rawsocket');
});

test('uplink - the center goes away and comes back: the node reconnects and re-registers', async () => {
  const before = node.controller.management?.sessionId;
  const procs = await center.nodeProcedures(NODE_ID);
  assert.ok(procs.length > 10);
  const disconnected: Dict[] = [];
  await node.session.subscribe('crossbar.on_management_disconnected', (args) => {
    disconnected.push(args[0] as Dict);
  });
  await center.goAway();
  await until(() => node.controller.management === undefined, 5000, 'the uplink to drop');
  const status = await call<Dict>(node.session, 'crossbar.get_status');
  assert.equal(status['management_session_id'], null);
  await until(() => disconnected.length > 0, 5000, 'on_management_disconnected');
  // Keep it away for a few attempts, then return on the same port.
  const attempts = center.connections.length;
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(center.connections.length, attempts, 'nothing to connect to');
  const beats = center.heartbeats.length;
  await center.comeBack();
  await until(
    () => node.controller.uplink?.managed && node.controller.management?.sessionId !== before,
    5000,
    'the node back',
  );
  assert.deepEqual(await center.nodeProcedures(NODE_ID), procs);
  const s = await center.call<Dict>(`${N}get_status`);
  assert.equal(s['management_session_id'], node.controller.management?.sessionId);
  // Heartbeats start again from 1 on the new session.
  await until(() => center.heartbeats.length > beats, 5000, 'a heartbeat after the reconnect');
  assert.equal((center.heartbeats[beats]?.args[1] as Dict)['seq'], 1);
});

test('uplink - a node shutting down leaves the center with GOODBYE', async () => {
  const conn = center.connections.at(-1);
  assert.ok(conn !== undefined && !conn.closed);
  await node.controller.shutdown();
  await until(() => conn.closed, 5000, 'the connection to close');
  const goodbye = conn.messages.find((m) => m[0] === 6);
  assert.deepEqual(goodbye, [6, {}, 'wamp.close.normal']);
});
