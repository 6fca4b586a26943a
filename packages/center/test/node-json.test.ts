/**
 * `get_nodes` payloads made from the JSON text kept on each node's record: the same values
 * as serializing the infos, filtered as asked, and never stale: every field a node's info
 * has shows its latest value, whichever way it changed (its row written, its status, what
 * it said in a heartbeat).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonPayload } from '@cdc/protocol';
import type { NodeInfo } from '@cdc/api';
import type { NodeRecord } from '@cdc/store';
import { listPayload, mapPayload } from '../src/backend/node-json.js';
import { NodeTable, readHeartbeat } from '../src/backend/node-table.js';

function info(id: string, over: Partial<NodeInfo> = {}): NodeInfo {
  return {
    node_id: id,
    status: 'online',
    extra: { site: 'a' },
    pubkey: 'ab'.repeat(32),
    created: '2026-11-27T00:00:00.000Z',
    last_seen: null,
    heartbeat: null,
    heartbeat_time: null,
    workers: { router: 0, container: 0, guest: 0 },
    version: '0.1.0',
    type: 'cdc',
    ...over,
  };
}

/** The row the database would hold for a node showing `i`. */
function rowOf(i: NodeInfo): NodeRecord {
  const { status: _, ...rest } = i;
  return { ...rest, workers: { ...i.workers }, config: null };
}

/** A table holding nodes that show these infos. */
function tableOf(infos: NodeInfo[]): NodeTable {
  const t = new NodeTable();
  for (const i of infos) {
    t.setRow(rowOf(i));
    t.get(i.node_id)?.setStatus(i.status);
  }
  return t;
}

test('node json - list and map hold what serializing the infos gives, filtered', () => {
  const infos = [info('n"1'), info('n2', { status: 'offline' }), info('n3', { type: 'crossbar' })];
  const t = tableOf([infos[2] as NodeInfo, infos[0] as NodeInfo, infos[1] as NodeInfo]);
  assert.deepEqual(parseJsonPayload(listPayload(t.nodes())).args, [infos]);
  assert.deepEqual(parseJsonPayload(mapPayload(t.nodes())).args, [
    Object.fromEntries(infos.map((n) => [n.node_id, n])),
  ]);
  const offline = t.nodes().filter((n) => n.status === 'offline');
  assert.deepEqual(parseJsonPayload(mapPayload(offline)).args, [{ n2: infos[1] }]);
  assert.deepEqual(parseJsonPayload(listPayload([])).args, [[]]);
  assert.deepEqual(parseJsonPayload(mapPayload([])).args, [{}]);
});

test('node json - a change to any field of a node shows in the next payload', () => {
  const base = info('n1');
  const t = tableOf([base]);
  const n = t.get('n1');
  assert.ok(n !== undefined);
  mapPayload(t.nodes());
  const changes: Partial<NodeInfo>[] = [
    { status: 'running' },
    { extra: { site: 'b' } },
    { pubkey: 'cd'.repeat(32) },
    { created: '2026-11-28T00:00:00.000Z' },
    { last_seen: '2026-11-27T01:00:00.000Z' },
    { heartbeat: 3 },
    { heartbeat_time: '2026-11-27T01:00:01.000Z' },
    { workers: { router: 1, container: 0, guest: 0 } },
    { workers: { router: 0, container: 2, guest: 0 } },
    { workers: { router: 0, container: 0, guest: 3 } },
    { version: '0.2.0' },
    { type: 'crossbar' },
  ];
  // Each change made the one way it happens: a status by the tracker, the rest by a write.
  const show = (i: NodeInfo): void => {
    if (i.status !== n.status) n.setStatus(i.status);
    else t.setRow(rowOf(i));
  };
  for (const change of changes) {
    const next = info('n1', change);
    show(next);
    assert.deepEqual(
      parseJsonPayload(mapPayload(t.nodes())).args,
      [{ n1: next }],
      JSON.stringify(change),
    );
    assert.deepEqual(parseJsonPayload(listPayload(t.nodes())).args, [[next]]);
    show(base);
    assert.deepEqual(parseJsonPayload(mapPayload(t.nodes())).args, [{ n1: base }], 'and back');
  }
});

test('node json - what a node says shows at once, ahead of its row, and after it leaves', () => {
  const t = tableOf([info('n1', { status: 'created', version: null, type: null })]);
  const n = t.get('n1');
  assert.ok(n !== undefined);
  const at = new Date(Date.UTC(2026, 10, 27, 12, 0, 0));
  const payload = (): NodeInfo =>
    (parseJsonPayload(mapPayload(t.nodes())).args[0] as Record<string, NodeInfo>)['n1'] as NodeInfo;
  payload();
  n.connect(7, at.getTime());
  assert.equal(payload().last_seen, at.toISOString());
  const later = new Date(at.getTime() + 1500);
  n.heard(
    readHeartbeat(
      'n1',
      {
        timestamp: at.getTime() * 1e6,
        period: 10,
        mrealm_id: 'r',
        seq: 4,
        workers: { router: 1, guest: 2 },
        type: 'cdc',
        version: '1.2.3',
      },
      later,
    ),
  );
  const live = payload();
  assert.equal(live.heartbeat, 4);
  assert.equal(live.heartbeat_time, at.toISOString());
  assert.equal(live.last_seen, later.toISOString());
  assert.deepEqual(live.workers, { router: 1, container: 0, guest: 2 });
  assert.deepEqual([live.type, live.version], ['cdc', '1.2.3']);
  assert.equal(n.disconnect(7), true);
  assert.deepEqual(payload(), live, 'the last heartbeat still shows once it left');
});
