/** The center on PostgreSQL (`CDC_DATABASE_URL`): one schema per realm, the same behaviour. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { join, ownedRealm, startCenter, startNode, until } from './helpers.js';
import type { TestCenter, TestNode } from './helpers.js';
import { errorMessage } from '@cdc/protocol';

const ADMIN = process.env['CDC_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = `cdc_center_test_${process.pid}_${Date.now()}`;
let skip: string | false = false;
let c: TestCenter | undefined;
let node: TestNode | undefined;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

before(async () => {
  try {
    await admin(`CREATE DATABASE ${DB}`);
  } catch (e) {
    skip = `PostgreSQL is not reachable at ${ADMIN}: ${errorMessage(e)}`;
    return;
  }
  c = await startCenter({ databaseUrl: ADMIN.replace(/\/[^/]*$/, `/${DB}`) });
});
after(async () => {
  await node?.stop();
  await c?.stop();
  if (skip === false) await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
});

test('postgres - realms, pairing and a node coming online, with the data in PostgreSQL', async (t) => {
  if (c === undefined) return t.skip(String(skip));
  const owner = await ownedRealm(c, 'pg-realm');
  const s = await join(c, owner, 'pg-realm');
  node = await startNode(c);
  await s.call('com.crossbario.cdc.management.pair_node@1', [node.pubkey, 'pg-node']);
  await until(
    async () =>
      (
        (await s.call('com.crossbario.cdc.get_node_status@1', ['pg-node'])).value as {
          status: string;
        }
      ).status === 'online',
    15_000,
    'online',
  );
  const client = new pg.Client({ connectionString: ADMIN.replace(/\/[^/]*$/, `/${DB}`) });
  await client.connect();
  const schemas = (
    await client.query<{ nspname: string }>(
      "select nspname from pg_namespace where nspname like 'cdc_%' order by 1",
    )
  ).rows.map((r) => r.nspname);
  await client.end();
  assert.ok(schemas.includes('cdc_domain'));
  assert.ok(
    schemas.some((n) => n.startsWith('cdc_realm_pg')),
    schemas.join(', '),
  );
  await s.leave();
});
