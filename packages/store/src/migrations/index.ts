/**
 * Versioned migrations, run by kysely's `Migrator` from an in-code provider (no files read
 * at run time, so the compiled package migrates wherever it runs). Names are
 * `<4-digit version>_<concern>`; the version of a database is its highest recorded name.
 * Before anything runs, the recorded names are compared with the known ones: a database
 * migrated by a newer CDC is refused with `DATABASE_TOO_NEW` (kysely alone would call it
 * "corrupted"), and an up-to-date one costs a single query, with no introspection or lock.
 * @module
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { Migrator } from 'kysely';
import type { Migration } from 'kysely';
import { StoreError } from '../errors.js';
import type { Flavor } from './flavor.js';
import { users } from './domain/0001-users.js';
import { realms } from './domain/0002-realms.js';
import { pairings } from './domain/0003-pairings.js';
import { realmSchemas } from './domain/0004-realm-schemas.js';
import { registrations } from './domain/0005-registrations.js';
import { cluster } from './cluster/0001-cluster.js';
import { clusterSecrets } from './cluster/0002-secret.js';
import { tokens } from './domain/0006-tokens.js';
import { nodes } from './realm/0001-nodes.js';
import { heartbeats } from './realm/0002-heartbeats.js';
import { audit } from './realm/0003-audit.js';
import { workers } from './realm/0004-workers.js';

export type MigrationSet = Readonly<Record<string, (flavor: Flavor) => Migration>>;

export const MIGRATION_TABLE = 'cdc_migrations';
export const MIGRATION_LOCK_TABLE = 'cdc_migrations_lock';

export const DOMAIN_MIGRATIONS: MigrationSet = {
  '0001_users': users,
  '0002_realms': realms,
  '0003_pairings': pairings,
  '0004_realm_schemas': realmSchemas,
  '0005_registrations': registrations,
  '0006_tokens': tokens,
};

export const REALM_MIGRATIONS: MigrationSet = {
  '0001_nodes': nodes,
  '0002_heartbeats': heartbeats,
  '0003_audit': audit,
  '0004_workers': workers,
};

/** PostgreSQL only: the schema the instances of a clustered center share. */
export const CLUSTER_MIGRATIONS: MigrationSet = {
  '0001_cluster': cluster,
  '0002_secrets': clusterSecrets,
};

interface MigrationsDatabase {
  cdc_migrations: { name: string; timestamp: string };
}

export interface MigrationTarget {
  /** Scoped to the target's schema on PostgreSQL (`withSchema`). */
  db: Kysely<unknown>;
  flavor: Flavor;
  /** PostgreSQL: the schema holding the tables and the migration table. */
  schema?: string;
  migrations: MigrationSet;
  /** For messages: "database /x/domain.sqlite", "PostgreSQL schema cdc_domain". */
  where: string;
  readOnly: boolean;
}

/** The version a migration name stands for. */
export function versionOf(name: string): number {
  return Number.parseInt(name.slice(0, 4), 10);
}

/** The migrations recorded as run in the target (none when it was never migrated). */
export async function recordedMigrations(t: MigrationTarget): Promise<string[]> {
  const db = t.db as Kysely<MigrationsDatabase>;
  const exists =
    t.flavor.kind === 'postgres'
      ? sql<{ n: number }>`select count(*)::int as n from pg_catalog.pg_tables
          where schemaname = ${t.schema ?? 'public'} and tablename = ${MIGRATION_TABLE}`
      : sql<{ n: number }>`select count(*) as n from sqlite_master
          where type = 'table' and name = ${MIGRATION_TABLE}`;
  const { rows } = await exists.execute(db);
  if ((rows[0]?.n ?? 0) === 0) return [];
  const recorded = await db.selectFrom('cdc_migrations').select('name').execute();
  return recorded.map((r) => r.name).sort();
}

function tooNew(t: MigrationTarget, recorded: string[], known: string[]): StoreError {
  const found = recorded.at(-1) ?? '';
  const latest = known.at(-1) ?? '';
  return new StoreError(
    'DATABASE_TOO_NEW',
    `${t.where} was migrated by a newer CDC: it is at schema version ${versionOf(found)} ` +
      `("${found}") but this CDC knows versions up to ${versionOf(latest)} ("${latest}"); ` +
      `upgrade CDC to open it`,
  );
}

/** Bring the target to the latest known version; idempotent and safe to run concurrently. */
export async function migrate(t: MigrationTarget): Promise<void> {
  const known = Object.keys(t.migrations).sort();
  const recorded = await recordedMigrations(t);
  if (recorded.some((name) => !known.includes(name))) throw tooNew(t, recorded, known);
  const pending = known.filter((name) => !recorded.includes(name));
  if (pending.length === 0) return;
  if (t.readOnly) {
    throw new StoreError(
      'READ_ONLY',
      `${t.where} needs migrating to schema version ${versionOf(known.at(-1) ?? '')} ` +
        `but is opened read-only`,
    );
  }
  const built: Record<string, Migration> = {};
  for (const [name, make] of Object.entries(t.migrations)) built[name] = make(t.flavor);
  const migrator = new Migrator({
    db: t.db,
    provider: { getMigrations: () => Promise.resolve(built) },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    ...(t.schema !== undefined ? { migrationTableSchema: t.schema } : {}),
  });
  const { error } = await migrator.migrateToLatest();
  if (error === undefined) return;
  // Another process may have migrated past us between our check and the migrator's.
  if (error instanceof Error && /previously executed migration .* is missing/.test(error.message)) {
    throw tooNew(t, await recordedMigrations(t), known);
  }
  throw error instanceof Error ? error : new Error(`migration failed: ${JSON.stringify(error)}`);
}
