/**
 * PostgreSQL for the tests: the server at `CDC_TEST_POSTGRES_URL` (default
 * `postgres://postgres@127.0.0.1:5432/postgres`, trust auth, as CI starts it) and a
 * throwaway database per test file (`cdc_test_<random>`, dropped at the end).
 * @module
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

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
    return `PostgreSQL is not reachable at ${ADMIN_URL} (${e instanceof Error ? e.message : String(e)}); skipped`;
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
