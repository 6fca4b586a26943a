/**
 * `get_nodes` payloads made from kept JSON text: the same values as serializing the infos,
 * filtered as asked, and never stale: every field a node's info has shows its latest value.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonPayload } from '@cdc/protocol';
import type { NodeInfo } from '@cdc/api';
import { NodeInfoJson } from '../src/backend/node-json.js';

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

const all = () => true;

test('node json - list and map hold what serializing the infos gives, filtered', () => {
  const j = new NodeInfoJson();
  const infos = [info('n"1'), info('n2', { status: 'offline' }), info('n3', { type: 'crossbar' })];
  assert.deepEqual(parseJsonPayload(j.list(infos, all)).args, [infos]);
  assert.deepEqual(parseJsonPayload(j.map(infos, all)).args, [
    Object.fromEntries(infos.map((n) => [n.node_id, n])),
  ]);
  assert.deepEqual(parseJsonPayload(j.map(infos, (n) => n.status === 'offline')).args, [
    { n2: infos[1] },
  ]);
  assert.deepEqual(parseJsonPayload(j.list([], all)).args, [[]]);
  assert.deepEqual(parseJsonPayload(j.map([], all)).args, [{}]);
});

test('node json - a change to any field of a node shows in the next payload', () => {
  const j = new NodeInfoJson();
  const base = info('n1');
  j.map([base], all);
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
  for (const change of changes) {
    const next = info('n1', change);
    assert.deepEqual(
      parseJsonPayload(j.map([next], all)).args,
      [{ n1: next }],
      JSON.stringify(change),
    );
    assert.deepEqual(parseJsonPayload(j.list([next], all)).args, [[next]]);
    assert.deepEqual(parseJsonPayload(j.map([base], all)).args, [{ n1: base }], 'and back');
  }
});
