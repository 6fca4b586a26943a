/**
 * Domain schema, realm schemas (PostgreSQL only): the schema that holds each realm's
 * tables. Schema names are a sanitized prefix plus a hash of the realm name (63-byte limit),
 * so the mapping is recorded here to be found again, and a hash collision shows up as a
 * unique violation instead of two realms sharing tables. SQLite keeps each realm in a file
 * named after the realm and has nothing to record; the migration is a no-op there so both
 * dialects share one version history.
 * @module
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';
import type { Flavor } from '../flavor.js';

export function realmSchemas(f: Flavor): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (f.kind !== 'postgres') return;
      await db.schema
        .createTable('realm_schemas')
        .addColumn('realm', f.text, (c) => c.primaryKey())
        .addColumn('schema_name', f.text, (c) => c.notNull().unique())
        .addColumn('created', f.text, (c) => c.notNull())
        .execute();
    },
  };
}
