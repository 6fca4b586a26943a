/**
 * Domain schema, registrations (SPEC §4.4): self-service sign-ups and realm creations
 * waiting for their PIN. Only a hash of the PIN is kept. Rows stay for a day after they are
 * made, verified or dead, because the rate limits count them (pending ones, mails per hour).
 * @module
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';
import type { Flavor } from '../flavor.js';

export function registrations(f: Flavor): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('registrations')
        // Random, not a sequence: an ID says nothing about other people's registrations.
        .addColumn('id', f.bigint, (c) => c.primaryKey())
        .addColumn('kind', f.text, (c) => c.notNull())
        .addColumn('user_name', f.text, (c) => c.notNull())
        .addColumn('email', f.text, (c) => c.notNull())
        .addColumn('email_key', f.text, (c) => c.notNull())
        .addColumn('pubkey', f.text, (c) => c.notNull())
        .addColumn('realm', f.text)
        .addColumn('source', f.text, (c) => c.notNull())
        .addColumn('pin_hash', f.text, (c) => c.notNull())
        .addColumn('attempts', f.bigint, (c) => c.notNull())
        .addColumn('state', f.text, (c) => c.notNull())
        .addColumn('created', f.text, (c) => c.notNull())
        .addColumn('expires', f.text, (c) => c.notNull())
        .execute();
      // The rate limits look rows up by each of these.
      for (const col of ['pubkey', 'email_key', 'source', 'created'] as const) {
        await db.schema
          .createIndex(`registrations_${col}`)
          .on('registrations')
          .column(col)
          .execute();
      }
    },
  };
}
