/**
 * Domain schema, realms and access: management realms with their owning user, and which
 * key may join which realm in which role (one row per realm and key).
 * @module
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';
import type { Flavor } from '../flavor.js';

export function realms(f: Flavor): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('realms')
        .addColumn('name', f.text, (c) => c.primaryKey())
        .addColumn('owner', f.text, (c) => c.notNull().references('users.name'))
        .addColumn('created', f.text, (c) => c.notNull())
        .addColumn('extra', f.json, (c) => c.notNull())
        .execute();
      // No ON DELETE CASCADE: `deleteRealm` removes grants and pairings itself, in its
      // transaction, so the foreign keys only ever catch a bug.
      await db.schema
        .createTable('access')
        .addColumn('realm', f.text, (c) => c.notNull().references('realms.name'))
        .addColumn('pubkey', f.text, (c) => c.notNull())
        .addColumn('role', f.text, (c) => c.notNull())
        .addColumn('authid', f.text, (c) => c.notNull())
        .addColumn('label', f.text)
        .addColumn('created', f.text, (c) => c.notNull())
        .addPrimaryKeyConstraint('access_pk', ['realm', 'pubkey'])
        .execute();
      // The authenticator looks keys up across realms.
      await db.schema.createIndex('access_pubkey').on('access').column('pubkey').execute();
    },
  };
}
