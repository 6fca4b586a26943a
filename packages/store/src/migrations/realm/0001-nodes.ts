/**
 * Realm schema, nodes: one row per node of the realm with what the center knows about it
 * (pairing key, extra, last contact, last heartbeat summary, desired config). Within a realm
 * a key belongs to at most one node.
 * @module
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';
import type { Flavor } from '../flavor.js';

export function nodes(f: Flavor): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('nodes')
        .addColumn('node_id', f.text, (c) => c.primaryKey())
        .addColumn('pubkey', f.text)
        .addColumn('extra', f.json, (c) => c.notNull())
        .addColumn('created', f.text, (c) => c.notNull())
        .addColumn('last_seen', f.text)
        .addColumn('heartbeat', f.bigint)
        .addColumn('heartbeat_time', f.text)
        .addColumn('workers', f.json, (c) => c.notNull())
        .addColumn('version', f.text)
        .addColumn('type', f.text)
        .addColumn('config', f.json)
        .execute();
      // Unique among non-null keys (both dialects allow many NULLs in a unique index).
      await db.schema.createIndex('nodes_pubkey').on('nodes').column('pubkey').unique().execute();
    },
  };
}
