/**
 * Realm schema, workers: the desired state of each node's workers (SPEC §4.3), what the
 * configuration API writes and the center brings the nodes to. One row per worker of a
 * node, its Crossbar.io worker config kept verbatim as JSON; deleting the node deletes them.
 * @module
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';
import type { Flavor } from '../flavor.js';

export function workers(f: Flavor): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('workers')
        .addColumn('node_id', f.text, (c) =>
          c.notNull().references('nodes.node_id').onDelete('cascade'),
        )
        .addColumn('worker_id', f.text, (c) => c.notNull())
        .addColumn('type', f.text, (c) => c.notNull())
        .addColumn('config', f.json, (c) => c.notNull())
        .addColumn('desired', f.text, (c) => c.notNull())
        .addColumn('created', f.text, (c) => c.notNull())
        .addColumn('modified', f.text, (c) => c.notNull())
        // Also serves "the workers of a node" and the listing order.
        .addPrimaryKeyConstraint('workers_pkey', ['node_id', 'worker_id'])
        .execute();
    },
  };
}
