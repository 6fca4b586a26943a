/**
 * PostgreSQL for the tests: the server at `CDC_TEST_POSTGRES_URL` (default
 * `postgres://postgres@127.0.0.1:5432/postgres`, trust auth, as CI starts it), a throwaway
 * database per test file (`cdc_test_<random>`, dropped at the end), and centers on it
 * (each one starts from an empty database: every `cdc_*` schema dropped).
 * @module
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createStoreFactory } from '../src/index.js';
import type { StoreFactory, StoreFactoryOptions } from '../src/index.js';
import type { Center } from './suite/harness.js';
import { errorMessage } from '@cdc/protocol';

export const ADMIN_URL =
  process.env['CDC_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  /** Run SQL in the test database. */
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  drop(): Promise<void>;
}

/** Why PostgreSQL cannot be used, or undefined when it can. */
export async function unreachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (e) {
    return `PostgreSQL is not reachable at ${ADMIN_URL} (${errorMessage(e)}); skipped`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `cdc_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  pool.on('error', () => undefined);
  return {
    url: url.toString(),
    query: (text, values) => pool.query<Record<string, unknown>>(text, values),
    drop: async () => {
      await pool.end();
      const a = new pg.Client({ connectionString: ADMIN_URL });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

async function schemaOf(db: TestDatabase, realm?: string): Promise<string> {
  if (realm === undefined) return 'cdc_domain';
  const { rows } = await db.query(
    'select schema_name from cdc_domain.realm_schemas where realm = $1',
    [realm],
  );
  const schema = rows[0]?.['schema_name'];
  if (typeof schema !== 'string') throw new Error(`realm ${realm} has no schema yet`);
  return schema;
}

/** A center on an emptied test database. */
export async function pgCenter(
  db: TestDatabase,
  options: StoreFactoryOptions = {},
): Promise<Center> {
  const { rows } = await db.query("select nspname from pg_namespace where nspname like 'cdc\\_%'");
  const schemas = rows.map((r) => `"${String(r['nspname'])}"`);
  if (schemas.length > 0) await db.query(`drop schema ${schemas.join(', ')} cascade`);
  const made: StoreFactory[] = [];
  const open = (o: StoreFactoryOptions = {}): StoreFactory => {
    const f = createStoreFactory({ url: db.url, ...options, ...o });
    made.push(f);
    return f;
  };
  const exec = async (statement: string, realm?: string): Promise<void> => {
    const schema = await schemaOf(db, realm);
    await db.query(`set search_path to "${schema}"; ${statement}; reset search_path`);
  };
  return {
    factory: open(),
    reopen: (o) => open({ readOnly: o?.readOnly ?? false }),
    exec,
    failWrites: async (table, op, realm) => {
      await db.query(`create or replace function public.cdc_test_fail() returns trigger
        language plpgsql as $$ begin raise exception 'injected failure'; end $$`);
      await exec(
        `create trigger cdc_test_fail before ${op} on ${table} ` +
          `for each row execute function public.cdc_test_fail()`,
        realm,
      );
    },
    close: async () => {
      for (const f of made) await f.close();
    },
  };
}
