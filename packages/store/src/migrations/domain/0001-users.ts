/**
 * Domain schema, users: people (unique name and unique email) and their public keys (a key
 * belongs to exactly one user).
 * @module
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';
import type { Flavor } from '../flavor.js';

export function users(f: Flavor): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('name', f.text, (c) => c.primaryKey())
        .addColumn('email', f.text, (c) => c.notNull())
        .addColumn('email_key', f.text, (c) => c.notNull())
        .addColumn('created', f.text, (c) => c.notNull())
        .addUniqueConstraint('users_email_key_unique', ['email_key'])
        .execute();
      await db.schema
        .createTable('user_keys')
        .addColumn('pubkey', f.text, (c) => c.primaryKey())
        .addColumn('user_name', f.text, (c) => c.notNull().references('users.name'))
        .addColumn('label', f.text)
        .addColumn('created', f.text, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('user_keys_user').on('user_keys').column('user_name').execute();
    },
  };
}
