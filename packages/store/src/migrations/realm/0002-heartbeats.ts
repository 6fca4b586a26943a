/**
 * Realm schema, heartbeats: the most recent heartbeats per node (pruned on insert). Keyed by
 * an identity, not by the node's sequence number, which restarts when the node does.
 * @module
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';
import type { Flavor } from '../flavor.js';

export function heartbeats(f: Flavor): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('heartbeats')
        .addColumn('id', f.identity.type, f.identity.build)
        .addColumn('node_id', f.text, (c) =>
          c.notNull().references('nodes.node_id').onDelete('cascade'),
        )
        .addColumn('seq', f.bigint, (c) => c.notNull())
        .addColumn('time', f.text, (c) => c.notNull())
        .addColumn('received', f.text, (c) => c.notNull())
        .addColumn('workers', f.json, (c) => c.notNull())
        .addColumn('system', f.json, (c) => c.notNull())
        .execute();
      // Serves "newest N of a node" and the prune that keeps only those.
      await db.schema
        .createIndex('heartbeats_node')
        .on('heartbeats')
        .columns(['node_id', 'id'])
        .execute();
    },
  };
}
