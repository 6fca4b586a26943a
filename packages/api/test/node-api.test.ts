/**
 * The node API in the contract: the runtime table (names, levels, parameters, Crossbar.io
 * names) against the procedures a real Crossbar.io 22.6.1 edge registered (the uplink
 * recording), the URIs a call by contract name goes to, and the answer checks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WampError } from '@cdc/protocol';
import { sharedDir } from '@cdc/testkit';
import {
  CONTROLLER_EVENTS,
  CONTROLLER_PROCEDURES,
  CdcErrors,
  PROCEDURES,
  WORKER_EVENTS,
  WORKER_PROCEDURES,
  controllerUri,
  nodeCall,
  nodeProcedureDef,
  parseLocalUri,
  upstreamUri,
  workerProcedures,
  workerUri,
} from '../src/index.js';
import type { NodeEventDef, NodeProcedureDef } from '../src/index.js';

const controller = Object.values<NodeProcedureDef>(CONTROLLER_PROCEDURES);
const worker = Object.values<NodeProcedureDef>(WORKER_PROCEDURES);

/** The procedures the recorded edge registered: `[controller names, router worker names]`. */
function recordedEdge(): [Set<string>, Set<string>] {
  const file = join(sharedDir(), 'reference', 'crossbar-wire', 'edge1-uplink.jsonl');
  const node = new Set<string>();
  const router = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const l = JSON.parse(line) as { dir: string; type: string; msg: unknown[] };
    if (l.dir !== 'c>s' || l.type !== 'REGISTER') continue;
    const suffix = String(l.msg[3]).replace(/^crossbarfabriccenter\.node\.edge1\./, '');
    const w = /^worker\.rw1\.(.+)$/.exec(suffix);
    if (w === null) node.add(suffix);
    else router.add(w[1]!);
  }
  return [node, router];
}

test('node api - names, levels and parameters are well formed', () => {
  for (const d of [...controller, ...worker]) {
    assert.match(d.name, /^[a-z][a-z0-9_]*$/, d.name);
    assert.ok(d.summary.length > 0, `${d.name} has a summary`);
    for (const p of d.params) assert.match(p, /^[a-z][a-z0-9_]*$/, `${d.name}(${p})`);
    assert.equal(new Set(d.params).size, d.params.length, `${d.name}: parameters are distinct`);
  }
  for (const d of controller) {
    assert.equal(d.level, 'controller');
    assert.deepEqual(d.workers, []);
  }
  for (const d of worker) {
    assert.equal(d.level, 'worker');
    assert.ok(d.workers.length > 0, `${d.name} is offered by some worker type`);
  }
  const router = workerProcedures('router').map((d) => d.name);
  const container = workerProcedures('container').map((d) => d.name);
  assert.ok(router.includes('get_router_config') && !container.includes('get_router_config'));
  assert.ok(container.includes('start_component') && !router.includes('start_component'));
  assert.ok(router.includes('get_profile') && container.includes('get_profile'));
});

test('node api - Crossbar.io names: what the recorded edge registered, and ours only where marked', () => {
  const [node, router] = recordedEdge();
  assert.ok(node.size >= 50 && router.size >= 50, 'the recording has the edge registrations');
  for (const d of controller)
    if (d.crossbar !== null)
      assert.ok(node.has(d.crossbar), `the edge's controller has ${d.crossbar}`);
  for (const d of workerProcedures('router'))
    if (d.crossbar !== null)
      assert.ok(router.has(d.crossbar), `the edge's router has ${d.crossbar}`);
    else assert.ok(!router.has(d.name), `${d.name} is ours only`);
  assert.equal(WORKER_PROCEDURES.get_router_config.crossbar, null);
});

test('node api - every remote procedure of the public API forwards to a node procedure of the contract', () => {
  for (const d of PROCEDURES) {
    if (d.remote === undefined) continue;
    const def =
      d.remote.level === 'node'
        ? nodeProcedureDef(d.remote.proc)
        : nodeProcedureDef(`worker.${d.remote.proc}`);
    assert.ok(def !== undefined, `${d.name} forwards to ${d.remote.proc}`);
  }
});

test('node api - events: names, levels, and the Crossbar.io names understood too', () => {
  const all = [
    ...Object.values<NodeEventDef>(CONTROLLER_EVENTS),
    ...Object.values<NodeEventDef>(WORKER_EVENTS),
  ];
  for (const e of all) assert.match(e.name, /^on_[a-z_]+$/, e.name);
  assert.deepEqual(
    ['router', 'container', 'guest'].map((t) => `on_${t}_started` in CONTROLLER_EVENTS),
    [true, true, true],
  );
  assert.deepEqual(WORKER_EVENTS.on_log.workers, ['router', 'container', 'guest']);
  assert.deepEqual(WORKER_EVENTS.on_realm_started.aliases, ['on_router_realm_started']);
  assert.equal(CONTROLLER_EVENTS.on_management_connected.crossbar, false);
});

test('node api - a call by contract name goes to the node URI, the worker ID first for a worker', () => {
  const c = nodeCall('get_worker', ['w1']);
  assert.equal(c.uri, 'crossbar.get_worker');
  assert.deepEqual(c.args, ['w1']);
  const w = nodeCall('worker.start_router_realm', ['rw1', 'realm1', { name: 'realm1' }]);
  assert.equal(w.uri, 'crossbar.worker.rw1.start_router_realm');
  assert.deepEqual(w.args, ['realm1', { name: 'realm1' }]);
  assert.equal(
    upstreamUri('n1', w.uri),
    'crossbarfabriccenter.node.n1.worker.rw1.start_router_realm',
  );
  assert.equal(controllerUri('on_shutdown'), 'crossbar.on_shutdown');
  assert.equal(workerUri('w1', 'on_log'), 'crossbar.worker.w1.on_log');
  assert.deepEqual(parseLocalUri('crossbar.worker.w1.get_cpus'), {
    workerId: 'w1',
    name: 'get_cpus',
  });
  assert.deepEqual(parseLocalUri('crossbar.get_status'), {
    workerId: undefined,
    name: 'get_status',
  });
  assert.equal(parseLocalUri('wamp.session.get'), undefined);
});

test('node api - answers are checked: ours and Crossbar.io shapes pass, a wrong one is bad_node_answer', () => {
  // Crossbar.io's transports are objects, ours too; components may be IDs or objects.
  const transports = [{ id: 'ws1', type: 'websocket', config: { type: 'websocket' }, state: 3 }];
  assert.deepEqual(
    nodeCall('worker.get_router_transports', ['rw1']).answer(transports, 'n'),
    transports,
  );
  assert.deepEqual(nodeCall('worker.get_router_components', ['rw1']).answer(['c1'], 'n'), ['c1']);
  assert.equal(nodeCall('trigger_gc', []).answer(12.5, 'n'), 12.5, "Crossbar.io's duration");
  assert.equal(nodeCall('worker.stop_router_component', ['rw1', 'c1']).answer(null, 'n'), null);
  const worker = { id: 'rw1', type: 'router', status: 'started', pid: 7, started: 'x', uptime: 1 };
  assert.deepEqual(nodeCall('get_worker', ['rw1']).answer(worker, 'n'), worker);

  const bad = (f: () => unknown, what: RegExp): void =>
    assert.throws(f, (e: unknown) => {
      assert.ok(e instanceof WampError);
      assert.equal(e.uri, CdcErrors.BAD_NODE_ANSWER);
      assert.match(String(e.args[0]), what);
      return true;
    });
  bad(
    () => nodeCall('worker.get_router_realms', ['rw1']).answer({ realm1: {} }, 'node "edge1"'),
    /^node "edge1" answered crossbar\.worker\.rw1\.get_router_realms .*: result: a list expected, got an object$/,
  );
  bad(
    () =>
      nodeCall('worker.get_router_realm', ['rw1', 'realm1']).answer(
        { id: 'realm1', config: {}, roles: [{ id: 'r', config: 'x' }] },
        'n',
      ),
    /result\.roles\[0\]\.config: an object expected, got string "x"/,
  );
  bad(
    () => nodeCall('get_worker', ['w']).answer({ id: 'w', type: 'router' }, 'n'),
    /result\.status: string expected, got nothing/,
  );
  bad(
    () => nodeCall('get_workers', []).answer(['a', 2], 'n'),
    /result\[1\]: string expected, got number 2/,
  );
});
