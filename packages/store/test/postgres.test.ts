/**
 * The shared store suite on PostgreSQL (a throwaway database for this file), and what only
 * PostgreSQL has: schemas per realm with their registry, and its error mapping. Skipped,
 * saying why, only when no server is reachable (CI starts one).
 * @module
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createStoreFactory, realmSchemaName, StoreError } from '../src/index.js';
import { classifyPg } from '../src/postgres/errors.js';
import { createTestDatabase, unreachable } from '@cdc/testkit';
import type { TestDatabase } from '@cdc/testkit';
import { pgCenter } from './pg.js';
import { storeSuite } from './store.suite.js';
import { rejectsWith, seed } from './suite/harness.js';

const skip = await unreachable();
if (skip !== undefined) console.warn(skip);
const db: TestDatabase | undefined = skip === undefined ? await createTestDatabase() : undefined;
after(() => db?.drop());

const opts = skip === undefined ? {} : { skip };
const database = (): TestDatabase => {
  if (db === undefined) throw new Error('no test database');
  return db;
};

storeSuite({ dialect: 'postgres', make: () => pgCenter(database()), ...opts });

test(
  'postgres layout - the domain in cdc_domain, each realm in its registered schema',
  opts,
  async (t) => {
    const c = await pgCenter(database());
    t.after(() => c.close());
    await seed(c);
    const names = ['realm-a', 'Realm-A', `com.example.${'x'.repeat(240)}`];
    for (const name of names) await (await c.factory.realm(name)).migrate();
    const { rows } = await database().query(
      'select realm, schema_name from cdc_domain.realm_schemas order by realm',
    );
    const registry = new Map(rows.map((r) => [String(r['realm']), String(r['schema_name'])]));
    assert.equal(registry.size, 3);
    for (const name of names) assert.equal(registry.get(name), realmSchemaName(name));
    const tables = await database().query(
      `select table_schema, table_name from information_schema.tables
      where table_schema like 'cdc\\_%' and table_name not like 'cdc\\_migrations%'
      order by 1, 2`,
    );
    const bySchema = new Map<string, string[]>();
    for (const r of tables.rows) {
      const list = bySchema.get(r.table_schema as string) ?? [];
      list.push(r.table_name as string);
      bySchema.set(r.table_schema as string, list);
    }
    assert.deepEqual(bySchema.get('cdc_domain'), [
      'access',
      'pairings',
      'realm_schemas',
      'realms',
      'registrations',
      'tokens',
      'user_keys',
      'users',
    ]);
    for (const name of names) {
      assert.deepEqual(bySchema.get(realmSchemaName(name)), [
        'audit',
        'heartbeats',
        'nodes',
        'workers',
      ]);
    }
  },
);

test('postgres schema names - valid, at most 63 bytes, distinct for similar names', () => {
  const names = ['realm-a', 'Realm-A', 'realm_a', 'realm.a', 'r@x.Y', 'Z'.repeat(255)];
  const schemas = names.map((n) => realmSchemaName(n));
  assert.equal(new Set(schemas).size, names.length);
  for (const s of schemas) {
    assert.match(s, /^cdc_realm_[a-z0-9_]*_[0-9a-f]{10}$/);
    assert.ok(Buffer.byteLength(s) <= 63, s);
  }
  assert.match(
    realmSchemaName('com.crossbario.cdc.mrealm-test1'),
    /^cdc_realm_com_crossbario_cdc_mrealm_test1_/,
  );
  assert.equal(realmSchemaName('x'.repeat(255), 24).length, 63);
});

test(
  'postgres schema names - a schema name taken by another realm gets a longer hash',
  opts,
  async (t) => {
    const c = await pgCenter(database());
    t.after(() => c.close());
    const d = await c.factory.domain();
    await d.migrate();
    await c.exec(
      `insert into realm_schemas (realm, schema_name, created)
     values ('impostor', '${realmSchemaName('realm-a')}', '2026-01-01T00:00:00.000Z')`,
    );
    const r = await c.factory.realm('realm-a');
    await r.migrate();
    await r.upsertNode({ node_id: 'node1' });
    const { rows } = await database().query(
      "select schema_name from cdc_domain.realm_schemas where realm = 'realm-a'",
    );
    assert.equal(rows[0]?.['schema_name'], realmSchemaName('realm-a', 16));
    await c.factory.dropRealm('realm-a');
    const left = await database().query('select realm from cdc_domain.realm_schemas');
    assert.deepEqual(
      left.rows.map((x) => x['realm']),
      ['impostor'],
    );
  },
);

test('postgres unavailable - a server that is not there fails fast with UNAVAILABLE', async (t) => {
  const f = createStoreFactory({ url: 'postgres://postgres@127.0.0.1:9/none' });
  t.after(() => f.close());
  const d = await f.domain();
  const t0 = Date.now();
  await rejectsWith(d.migrate(), 'UNAVAILABLE', /PostgreSQL is unavailable/);
  await rejectsWith(f.realm('realm-a'), 'UNAVAILABLE');
  assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
});

test('postgres urls - only postgres URLs are accepted and passwords stay out of messages', () => {
  assert.throws(
    () => createStoreFactory({ url: 'mysql://u:secret@h/db' }),
    (e: unknown) =>
      e instanceof StoreError && e.code === 'INVALID' && !e.message.includes('secret'),
  );
  assert.equal(createStoreFactory({ url: '' }).kind, 'sqlite');
});

test('postgres errors - SQLSTATEs and socket errors map to store error codes', () => {
  const err = (code: string | undefined, message = code ?? 'x') =>
    Object.assign(new Error(message), code === undefined ? {} : { code });
  const cases: [Error, string][] = [
    [err('23505'), 'ALREADY_EXISTS'],
    [err('23503'), 'CONFLICT'],
    [err('23502'), 'INVALID'],
    [err('22P02'), 'INVALID'],
    [err('25006'), 'READ_ONLY'],
    [err('42P01'), 'UNAVAILABLE'],
    [err('3F000'), 'UNAVAILABLE'],
    [err('40001'), 'CONFLICT'],
    [err('57P01', 'terminating connection due to administrator command'), 'UNAVAILABLE'],
    [err('08006'), 'UNAVAILABLE'],
    [err('53100', 'could not extend file: No space left on device'), 'UNAVAILABLE'],
    [err('ECONNREFUSED'), 'UNAVAILABLE'],
    [err('ECONNRESET'), 'UNAVAILABLE'],
    [err(undefined, 'Connection terminated unexpectedly'), 'UNAVAILABLE'],
    [err(undefined, 'timeout exceeded when trying to connect'), 'UNAVAILABLE'],
    [err(undefined, 'Query read timeout'), 'UNAVAILABLE'],
    [new AggregateError([err('ECONNREFUSED')], 'connect failed'), 'UNAVAILABLE'],
  ];
  for (const [e, code] of cases) {
    const mapped = classifyPg(e, 'do it', 'PostgreSQL schema x');
    assert.ok(mapped instanceof StoreError, e.message);
    assert.equal(mapped.code, code, e.message);
    assert.match(mapped.message, /^cannot do it: /);
  }
  const bug = err('42601', 'syntax error at or near "selec"');
  assert.equal(classifyPg(bug, 'do it', 'x'), bug);
});
