/**
 * Store centers on a throwaway PostgreSQL database (`@cdc/testkit`): each one starts from an
 * empty database, every `cdc_*` schema dropped.
 * @module
 */
import { createStoreFactory } from '../src/index.js';
import type { StoreFactory, StoreFactoryOptions } from '../src/index.js';
import type { Center } from './suite/harness.js';
import type { TestDatabase } from '@cdc/testkit';

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
