/**
 * Shared suite, the realm store's workers (the configuration API's desired state): each
 * method's good path and errors, listing order, cascading from nodes, `setNodeWorkers` as
 * one transaction, JSON round trips of configs, and timestamps.
 * @module
 */
import assert from 'node:assert/strict';
import type { RealmStore, WorkerRecord } from '../../src/index.js';
import type { Case } from './harness.js';
import { must, rejectsWith } from './harness.js';
import { realmStore, sameJson, TRICKY } from './realm.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A router worker entry as in a Crossbar.io node config. */
function router(id: string, realm = 'realm1'): Record<string, unknown> {
  return {
    type: 'router',
    id,
    options: { pythonpath: ['..'], env: { inherit: true } },
    realms: [
      {
        name: realm,
        roles: [{ name: 'anonymous', permissions: [{ uri: '', match: 'prefix', allow: {} }] }],
      },
    ],
    transports: [
      {
        type: 'web',
        endpoint: { type: 'tcp', port: 8080 },
        paths: { '/': { type: 'static', directory: '../web' }, ws: { type: 'websocket' } },
      },
    ],
  };
}

const ids = (ws: WorkerRecord[]): string[] => ws.map((w) => `${w.node_id}/${w.worker_id}`);

async function withNodes(r: RealmStore, ...nodeIds: string[]): Promise<RealmStore> {
  for (const node_id of nodeIds) await r.upsertNode({ node_id });
  return r;
}

export function workerCases(it: Case): void {
  it('workers', 'create, get, list, update and delete a worker', async (c) => {
    const r = await withNodes(await realmStore(c), 'node1');
    const w = await r.createWorker({
      node_id: 'node1',
      worker_id: 'r1',
      type: 'router',
      config: router('r1'),
    });
    assert.deepEqual(w, {
      node_id: 'node1',
      worker_id: 'r1',
      type: 'router',
      config: router('r1'),
      desired: 'stopped',
      created: w.created,
      modified: w.created,
    });
    assert.match(w.created, ISO);
    assert.deepEqual(await r.getWorker('node1', 'r1'), w);
    assert.deepEqual(await r.listWorkers('node1'), [w]);
    assert.deepEqual(await r.listWorkers(), [w]);
    const g = await r.createWorker({
      node_id: 'node1',
      worker_id: 'g1',
      type: 'guest',
      config: { type: 'guest', executable: '/bin/true' },
      desired: 'started',
    });
    assert.equal(g.desired, 'started');
    // A config without `type` and `id` is taken as is.
    const c1 = await r.createWorker({
      node_id: 'node1',
      worker_id: 'c1',
      type: 'container',
      config: {},
    });
    assert.deepEqual(c1.config, {});

    const started = await r.updateWorker('node1', 'r1', { desired: 'started' });
    assert.deepEqual(started, { ...w, desired: 'started', modified: started.modified });
    assert.ok(started.modified > w.modified, 'modified moves forward');
    const changed = await r.updateWorker('node1', 'r1', { config: router('r1', 'realm2') });
    assert.deepEqual(changed, {
      ...started,
      config: router('r1', 'realm2'),
      modified: changed.modified,
    });
    assert.ok(changed.modified > started.modified);
    const both = await r.updateWorker('node1', 'r1', { config: {}, desired: 'stopped' });
    assert.deepEqual([both.config, both.desired], [{}, 'stopped']);
    assert.equal(both.created, w.created, 'created stays');
    // Nothing to change: nothing written.
    assert.deepEqual(await r.updateWorker('node1', 'r1', {}), both);
    assert.deepEqual(await r.getWorker('node1', 'r1'), both);

    assert.equal(await r.deleteWorker('node1', 'r1'), true);
    assert.equal(await r.deleteWorker('node1', 'r1'), false);
    assert.equal(await r.deleteWorker('ghost', 'r1'), false);
    assert.equal(await r.getWorker('node1', 'r1'), undefined);
    assert.deepEqual(ids(await r.listWorkers()), ['node1/c1', 'node1/g1']);
    // The ID is free again.
    await r.createWorker({ node_id: 'node1', worker_id: 'r1', type: 'guest', config: {} });
  });

  it('workers', 'listed by node ID, then worker ID, in byte order', async (c) => {
    const r = await withNodes(await realmStore(c), 'node2', 'node10', 'node1', 'empty');
    const made: [string, string][] = [
      ['node2', 'r2'],
      ['node1', 'r10'],
      ['node10', 'a'],
      ['node1', 'r2'],
      ['node1', 'c_1'],
      ['node1', 'c-1'],
      ['node2', '0'],
      ['node1', 'r1'],
    ];
    for (const [node_id, worker_id] of made) {
      await r.createWorker({ node_id, worker_id, type: 'router', config: {} });
    }
    assert.deepEqual(ids(await r.listWorkers()), [
      'node1/c-1',
      'node1/c_1',
      'node1/r1',
      'node1/r10',
      'node1/r2',
      'node10/a',
      'node2/0',
      'node2/r2',
    ]);
    assert.deepEqual(ids(await r.listWorkers('node2')), ['node2/0', 'node2/r2']);
    assert.deepEqual(await r.listWorkers('empty'), []);
    assert.deepEqual(await r.listWorkers('ghost'), []);
    assert.equal(await r.getWorker('node2', 'r10'), undefined);
    assert.equal(await r.getWorker('Not A Node', 'r1'), undefined);
  });

  it('workers', 'an unknown node or worker is NOT_FOUND, a taken ID ALREADY_EXISTS', async (c) => {
    const r = await withNodes(await realmStore(c), 'node1', 'node2');
    const w = { node_id: 'node1', worker_id: 'r1', type: 'router', config: router('r1') } as const;
    await rejectsWith(r.createWorker({ ...w, node_id: 'ghost' }), 'NOT_FOUND', /node "ghost"/);
    await r.createWorker(w);
    await rejectsWith(
      r.createWorker({ ...w, type: 'container', config: {} }),
      'ALREADY_EXISTS',
      /worker "r1" of node "node1" already exists/,
    );
    // Worker IDs are per node.
    await r.createWorker({ ...w, node_id: 'node2' });
    await rejectsWith(
      r.updateWorker('node1', 'r2', { desired: 'started' }),
      'NOT_FOUND',
      /worker "r2" of node "node1"/,
    );
    await rejectsWith(r.updateWorker('ghost', 'r1', { desired: 'started' }), 'NOT_FOUND');
    await rejectsWith(r.updateWorker('node1', 'r2', {}), 'NOT_FOUND');
    await rejectsWith(r.setNodeWorkers('ghost', { config: null, workers: [] }), 'NOT_FOUND');
    assert.equal(await r.getNode('ghost'), undefined);
    assert.deepEqual(ids(await r.listWorkers()), ['node1/r1', 'node2/r1']);
  });

  it('workers', 'bad IDs, types, configs and states are INVALID', async (c) => {
    const r = await withNodes(await realmStore(c), 'node1');
    const w = { node_id: 'node1', worker_id: 'r1', type: 'router', config: router('r1') } as const;
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ node_id: 'Node 1' }, /node ID/],
      [{ node_id: undefined }, /node ID/],
      [{ worker_id: 'R1' }, /worker ID "R1"/],
      [{ worker_id: '' }, /worker ID/],
      [{ worker_id: '-r1' }, /worker ID/],
      [{ worker_id: 'r'.repeat(65) }, /worker ID/],
      [{ worker_id: 1 }, /worker ID/],
      [{ type: 'proxy' }, /worker type must be one of router, container, guest/],
      [{ type: undefined }, /worker type/],
      [{ config: [] }, /worker config must be a JSON object/],
      [{ config: null }, /worker config/],
      [{ config: 'router' }, /worker config/],
      [{ config: { x: NaN } }, /worker config/],
      [{ config: cyclic }, /worker config/],
      [{ config: { ...router('r1'), type: 'container' } }, /type "container".*"router"/],
      [{ config: router('r2') }, /id "r2".*"r1"/],
      [{ desired: 'running' }, /desired state/],
      [{ desired: null }, /desired state/],
    ];
    for (const [change, message] of bad) {
      await rejectsWith(r.createWorker({ ...w, ...change }), 'INVALID', message);
    }
    await rejectsWith(r.createWorker(null as never), 'INVALID');
    assert.deepEqual(await r.listWorkers(), []);

    const before = await r.createWorker(w);
    const badChanges: [Record<string, unknown>, RegExp][] = [
      [{ config: { ...router('r1'), type: 'guest' } }, /type "guest".*cannot change/],
      [{ config: { type: 'container' } }, /type "container"/],
      [{ config: { id: 'r2' } }, /id "r2"/],
      [{ config: [] }, /worker config must be a JSON object/],
      [{ config: null }, /worker config/],
      [{ config: { x: Infinity } }, /worker config/],
      [{ desired: 'paused' }, /desired state/],
      [{ desired: 'started', config: { type: 'guest' } }, /type "guest"/],
    ];
    for (const [change, message] of badChanges) {
      await rejectsWith(r.updateWorker('node1', 'r1', change), 'INVALID', message);
    }
    await rejectsWith(r.updateWorker('node1', 'r1', 'x' as never), 'INVALID', /change/);
    await rejectsWith(r.updateWorker('node1', 'R 1', {}), 'INVALID', /worker ID/);
    assert.deepEqual(await r.getWorker('node1', 'r1'), before, 'failed updates change nothing');
  });

  it('workers', 'deleting a node deletes its workers, and only its', async (c) => {
    const r = await withNodes(await realmStore(c), 'node1', 'node2');
    for (const node_id of ['node1', 'node2']) {
      for (const worker_id of ['r1', 'r2']) {
        await r.createWorker({ node_id, worker_id, type: 'router', config: {} });
      }
    }
    assert.equal(await r.deleteNode('node1'), true);
    assert.deepEqual(await r.listWorkers('node1'), []);
    assert.equal(await r.getWorker('node1', 'r1'), undefined);
    assert.deepEqual(ids(await r.listWorkers()), ['node2/r1', 'node2/r2']);
    // A node of the same ID later starts with no workers.
    await r.upsertNode({ node_id: 'node1' });
    assert.deepEqual(await r.listWorkers('node1'), []);
  });

  it('workers', 'setNodeWorkers sets the node config and replaces its workers', async (c) => {
    const r = await withNodes(await realmStore(c), 'node1', 'node2');
    await r.createWorker({ node_id: 'node1', worker_id: 'old', type: 'guest', config: {} });
    await r.createWorker({ node_id: 'node2', worker_id: 'r1', type: 'router', config: {} });
    const config = { version: 2, controller: {}, workers: [router('r1'), router('r2')] };
    const before = must(await r.getNode('node1'));
    const n = await r.setNodeWorkers('node1', {
      config,
      workers: [
        { worker_id: 'r2', type: 'router', config: router('r2'), desired: 'started' },
        { worker_id: 'r1', type: 'router', config: router('r1') },
        { worker_id: 'c1', type: 'container', config: { type: 'container' } },
      ],
    });
    assert.deepEqual(n, { ...before, config });
    assert.deepEqual(await r.getNode('node1'), n);
    const ws = await r.listWorkers('node1');
    assert.deepEqual(
      ws.map((w) => [w.worker_id, w.type, w.desired]),
      [
        ['c1', 'container', 'stopped'],
        ['r1', 'router', 'stopped'],
        ['r2', 'router', 'started'],
      ],
    );
    assert.deepEqual(must(ws[2]).config, router('r2'));
    for (const w of ws) assert.equal(w.modified, w.created);
    assert.equal(await r.getWorker('node1', 'old'), undefined, 'replaced, not merged');
    assert.deepEqual(ids(await r.listWorkers('node2')), ['node2/r1'], 'other nodes untouched');

    // Again: the last call's workers are what the node has.
    const cleared = await r.setNodeWorkers('node1', { config: null, workers: [] });
    assert.equal(cleared.config, null);
    assert.deepEqual(await r.listWorkers('node1'), []);
    // The rest of the node entry is kept.
    assert.deepEqual(cleared, { ...before, config: null });
  });

  it('workers', 'one bad worker fails setNodeWorkers and writes nothing', async (c) => {
    const r = await withNodes(await realmStore(c), 'node1');
    const config = { version: 2, workers: [router('r1')] };
    await r.setNodeWorkers('node1', {
      config,
      workers: [{ worker_id: 'r1', type: 'router', config: router('r1'), desired: 'started' }],
    });
    const node = await r.getNode('node1');
    const workers = await r.listWorkers();
    const good = { worker_id: 'r9', type: 'router', config: router('r9') };
    const attempts: [unknown, RegExp][] = [
      [[good, { ...good, worker_id: 'R9' }], /worker 1 ID "R9"/],
      [[good, { ...good, worker_id: 'r8', type: 'proxy' }], /worker 1 type/],
      [[good, { ...good, worker_id: 'r8', config: [] }], /worker 1 config/],
      [[good, { ...good, worker_id: 'r8' }], /worker 1 config has id "r9"/],
      [[good, { ...good, worker_id: 'r8', config: { type: 'guest' } }], /type "guest"/],
      [[good, { ...good, desired: 'on' }], /worker 1 desired state/],
      [[good, good], /worker ID "r9" is given twice/],
      [[good, null], /worker 1/],
      [good, /workers must be an array/],
      [undefined, /workers must be an array/],
    ];
    for (const [list, message] of attempts) {
      await rejectsWith(
        r.setNodeWorkers('node1', { config: {}, workers: list as never }),
        'INVALID',
        message,
      );
    }
    await rejectsWith(
      r.setNodeWorkers('node1', { config: [] as never, workers: [] }),
      'INVALID',
      /node config/,
    );
    await rejectsWith(
      r.setNodeWorkers('node1', { workers: [] } as never),
      'INVALID',
      /node config/,
    );
    await rejectsWith(r.setNodeWorkers('Node 1', { config: null, workers: [] }), 'INVALID');
    await rejectsWith(r.setNodeWorkers('node1', null as never), 'INVALID');
    assert.deepEqual(await r.getNode('node1'), node);
    sameJson(must(await r.getNode('node1')).config, config);
    assert.deepEqual(await r.listWorkers(), workers);
  });

  it('json', 'worker configs round-trip exactly, key order included', async (c) => {
    const r = await withNodes(await realmStore(c), 'node1', 'node2');
    const config = { ...router('r1'), type: 'router', tricky: TRICKY, id: 'r1', z: 0, a: [] };
    const w = await r.createWorker({ node_id: 'node1', worker_id: 'r1', type: 'router', config });
    sameJson(w.config, config);
    sameJson(must(await r.getWorker('node1', 'r1')).config, config);
    sameJson(must((await r.listWorkers())[0]).config, config);
    const changed = { zz: TRICKY, id: 'r1', aa: [TRICKY, null, 1.5] };
    sameJson((await r.updateWorker('node1', 'r1', { config: changed })).config, changed);
    sameJson(must(await r.getWorker('node1', 'r1')).config, changed);
    const nodeConfig = { workers: [config], controller: TRICKY, version: 2 };
    const n = await r.setNodeWorkers('node2', {
      config: nodeConfig,
      workers: [{ worker_id: 'r1', type: 'router', config }],
    });
    sameJson(n.config, nodeConfig);
    sameJson(must(await r.getNode('node2')).config, nodeConfig);
    sameJson(must(await r.getWorker('node2', 'r1')).config, config);
  });

  it('time', 'modified moves forward on every update, created never', async (c) => {
    const r = await withNodes(await realmStore(c), 'node1');
    const w = await r.createWorker({
      node_id: 'node1',
      worker_id: 'r1',
      type: 'router',
      config: {},
    });
    let last = w.modified;
    // Faster than the clock ticks: still strictly increasing.
    for (let i = 0; i < 20; i++) {
      const u = await r.updateWorker('node1', 'r1', { desired: i % 2 ? 'stopped' : 'started' });
      assert.match(u.modified, ISO);
      assert.ok(u.modified > last, `${u.modified} after ${last}`);
      assert.equal(u.created, w.created);
      last = u.modified;
    }
    assert.equal(must(await r.getWorker('node1', 'r1')).modified, last);
  });
}
