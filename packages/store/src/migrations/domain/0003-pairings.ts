/**
 * Domain schema, node pairings: a node key pairs with at most one realm (primary key on the
 * key) and a realm's node ID has at most one key (unique realm + node ID).
 * @module
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';
import type { Flavor } from '../flavor.js';

export function pairings(f: Flavor): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('pairings')
        .addColumn('pubkey', f.text, (c) => c.primaryKey())
        .addColumn('realm', f.text, (c) => c.notNull().references('realms.name'))
        .addColumn('node_id', f.text, (c) => c.notNull())
        .addColumn('extra', f.json, (c) => c.notNull())
        .addColumn('created', f.text, (c) => c.notNull())
        .addUniqueConstraint('pairings_realm_node_unique', ['realm', 'node_id'])
        .execute();
    },
  };
}
