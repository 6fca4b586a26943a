/**
 * The public API's JSON Schemas, derived from the contract: every procedure's arguments
 * (positional and by keyword) and result have a schema that is valid JSON Schema 2020-12
 * (Ajv compiles it strictly), its defaults fit it, and it says what the shapes check.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import {
  PROCEDURES,
  PUBLIC_EVENTS,
  argsSchema,
  kwargsSchema,
  resultSchema,
  paramSchema,
} from '../src/index.js';
import type { ProcedureDef } from '../src/index.js';

// Ajv's lints beyond JSON Schema: strictTuples wants every tuple of fixed length (ours end in
// optional arguments), strictRequired a `properties` next to each `required` (a keyword alias
// is required as `anyOf` of the names).
const ajv = new Ajv2020({
  strict: true,
  strictTuples: false,
  strictRequired: false,
  useDefaults: false,
});

const def = (uri: string): ProcedureDef => {
  const d = PROCEDURES.find((p) => `${p.name}@${p.version}` === uri);
  assert.ok(d, uri);
  return d;
};

test('every argument and result schema is valid JSON Schema 2020-12, defaults included', () => {
  for (const d of PROCEDURES) {
    const uri = `${d.name}@${d.version}`;
    for (const [what, s] of [
      ['args', argsSchema(d)],
      ['kwargs', kwargsSchema(d)],
      ['result', resultSchema(d)],
    ] as const)
      assert.doesNotThrow(() => ajv.compile(s), `${uri} ${what}`);
    for (const p of d.parameters.filter((x) => x.optional)) {
      assert.ok(p.default !== undefined, `${uri} ${p.name}: an optional parameter has a default`);
      assert.ok(ajv.validate(paramSchema(p), p.default), `${uri} ${p.name}: its default fits`);
      assert.equal(p.shape.problem(p.default, p.name), undefined, `${uri} ${p.name}`);
    }
    const required = d.parameters.findIndex((p) => p.optional);
    if (required >= 0)
      assert.ok(
        d.parameters.slice(required).every((p) => p.optional),
        `${uri}: optional parameters come last`,
      );
  }
  for (const e of PUBLIC_EVENTS)
    for (const a of e.args) assert.doesNotThrow(() => ajv.compile(a.shape.schema()), e.topic);
});

test('the schemas accept what the center takes and refuse what it refuses', () => {
  const log = def('com.crossbario.cdc.remote.get_worker_log@1');
  const args = ajv.compile(argsSchema(log));
  assert.ok(args(['n1', 'w1']));
  assert.ok(args(['n1', 'w1', 5]));
  assert.ok(!args(['n1']), 'worker_id is required');
  assert.ok(!args(['n1', 'w1', 5, 6]), 'no more than the parameters');
  assert.ok(!args(['N 1', 'w1']), 'an ID matches the ID pattern');
  assert.ok(!args(['n1', 'w1', -1]), 'limit is 0 or more');
  const kwargs = ajv.compile(kwargsSchema(log));
  assert.ok(kwargs({ node_id: 'n1', worker_id: 'w1', limit: 3 }));
  assert.ok(!kwargs({ node_id: 'n1' }));
  assert.ok(!kwargs({ node_id: 'n1', worker_id: 'w1', lines: 3 }), 'no unknown keywords');
  const nodes = ajv.compile(argsSchema(def('com.crossbario.cdc.get_nodes@2')));
  assert.ok(nodes([]) && nodes([null]) && nodes(['running']));
  assert.ok(!nodes(['sleeping']), 'a status is one of the four');
});

test("a keyword alias is taken by keyword: modify_router's router_config (the seed's)", () => {
  const kwargs = ajv.compile(kwargsSchema(def('io.crossbar.cdc.modify_router@1')));
  assert.ok(kwargs({ node_id: 'n1', router_id: 'r1', change_set: {} }));
  assert.ok(kwargs({ node_id: 'n1', router_id: 'r1', router_config: {} }));
  assert.ok(!kwargs({ node_id: 'n1', router_id: 'r1' }), 'one of the two is needed');
});

test('result schemas describe what the center answers', () => {
  const info = {
    node_id: 'n1',
    status: 'running',
    extra: { site: 'a' },
    pubkey: 'ab'.repeat(32),
    created: '2026-01-01T00:00:00.000Z',
    last_seen: null,
    heartbeat: 3,
    heartbeat_time: null,
    workers: { router: 1, container: 0, guest: 0 },
    version: null,
    type: 'cdc',
  };
  const d = def('com.crossbario.cdc.get_node_status@1');
  const check = ajv.compile(resultSchema(d));
  assert.ok(check(info), JSON.stringify(check.errors));
  assert.equal(d.result.problem(info, 'result'), undefined);
  const bad = { ...info, status: 'asleep' };
  assert.ok(!check(bad));
  assert.match(d.result.problem(bad, 'result') ?? '', /result\.status/);
  assert.equal(resultSchema(d)['title'], 'NodeInfo');
  const list = ajv.compile(resultSchema(def('com.crossbario.cdc.get_nodes@3')));
  assert.ok(list({ n1: info }) && !list({ n1: { node_id: 'n1' } }));
});

test('configs are objects by default, or what the caller refers them to', () => {
  const d = def('io.crossbar.cdc.get_router@1');
  const props = resultSchema(d)['properties'] as Record<string, Record<string, unknown>>;
  const config = props['config'];
  assert.ok(config);
  assert.equal(config['type'], 'object');
  assert.match(String(config['description']), /SCHEMAS\.routerWorker/);
  const refd = resultSchema(d, { config: (kind) => ({ $ref: `#/components/schemas/${kind}` }) });
  const refProps = refd['properties'] as Record<string, Record<string, unknown>>;
  assert.deepEqual(refProps['config'], { $ref: '#/components/schemas/routerWorker' });
  assert.deepEqual(refProps['running_config'], {
    anyOf: [{ $ref: '#/components/schemas/routerWorker' }, { type: 'null' }],
  });
});
