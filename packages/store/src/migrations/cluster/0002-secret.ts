/**
 * The cluster's shared secrets: made once by whichever instance asks first, then read by
 * all (the internal link between instances authenticates with `link`).
 * @module
 */
import type { Kysely, Migration } from 'kysely';
import type { Flavor } from '../flavor.js';

export function clusterSecrets(f: Flavor): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('secrets')
        .addColumn('name', f.text, (c) => c.primaryKey())
        .addColumn('value', f.text, (c) => c.notNull())
        .addColumn('created', 'timestamptz', (c) => c.notNull())
        .execute();
    },
  };
}
