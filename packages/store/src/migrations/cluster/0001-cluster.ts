/**
 * The cluster schema (PostgreSQL only): instances and realm leases. Times are `timestamptz`
 * set by the server (`now()`), unlike the rest of the store's ISO text, because every
 * comparison here is made by the database with its own clock.
 * @module
 */
import type { Kysely, Migration } from 'kysely';
import type { Flavor } from '../flavor.js';

export function cluster(f: Flavor): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('instances')
        .addColumn('id', f.text, (c) => c.primaryKey())
        .addColumn('address', f.text, (c) => c.notNull())
        .addColumn('started', 'timestamptz', (c) => c.notNull())
        .addColumn('last_beat', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('leases')
        .addColumn('realm', f.text, (c) => c.primaryKey())
        .addColumn('owner', f.text, (c) => c.notNull())
        .addColumn('token', 'bigint', (c) => c.notNull())
        .addColumn('acquired', 'timestamptz', (c) => c.notNull())
        .addColumn('expires', 'timestamptz', (c) => c.notNull())
        .execute();
    },
  };
}
