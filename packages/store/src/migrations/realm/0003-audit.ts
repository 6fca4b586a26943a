/**
 * Realm schema, audit log (SPEC §4.7): one row per changing call, append-only, newest by id.
 * @module
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';
import type { Flavor } from '../flavor.js';

export function audit(f: Flavor): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('audit')
        .addColumn('id', f.identity.type, f.identity.build)
        .addColumn('time', f.text, (c) => c.notNull())
        .addColumn('authid', f.text, (c) => c.notNull())
        .addColumn('role', f.text, (c) => c.notNull())
        .addColumn('procedure', f.text, (c) => c.notNull())
        .addColumn('args', f.json, (c) => c.notNull())
        .addColumn('kwargs', f.json, (c) => c.notNull())
        .addColumn('outcome', f.text, (c) => c.notNull())
        .addColumn('error', f.text)
        .addColumn('message', f.text)
        .execute();
      // The audit log's filters: a time range, who, what.
      await db.schema.createIndex('audit_time').on('audit').column('time').execute();
      await db.schema.createIndex('audit_authid').on('audit').columns(['authid', 'id']).execute();
      await db.schema
        .createIndex('audit_procedure')
        .on('audit')
        .columns(['procedure', 'id'])
        .execute();
    },
  };
}
