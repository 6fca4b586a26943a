/**
 * Domain schema, API tokens (SPEC §7): one row per live token of a management realm; only
 * a salted hash of the secret is kept. A label names one token per realm (it is the authid
 * of the token's sessions, so the audit log can tell tokens apart). Revoking deletes the row.
 * @module
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';
import type { Flavor } from '../flavor.js';

export function tokens(f: Flavor): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('tokens')
        .addColumn('token_id', f.text, (c) => c.primaryKey())
        .addColumn('realm', f.text, (c) => c.notNull().references('realms.name'))
        .addColumn('label', f.text, (c) => c.notNull())
        .addColumn('role', f.text, (c) => c.notNull())
        .addColumn('salt', f.text, (c) => c.notNull())
        .addColumn('hash', f.text, (c) => c.notNull())
        .addColumn('created', f.text, (c) => c.notNull())
        .addColumn('created_by', f.text, (c) => c.notNull())
        .addColumn('expires_at', f.text)
        .addColumn('last_used', f.text)
        .addUniqueConstraint('tokens_realm_label_unique', ['realm', 'label'])
        .execute();
    },
  };
}
