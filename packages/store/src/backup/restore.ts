/**
 * `restoreStore`: a backup file into an empty data directory or PostgreSQL database, of
 * either kind whatever the backup came from. The whole file is checked before anything is
 * made; a target that holds CDC data is refused; the schema is made by the migrations, the
 * rows go in one transaction per database (one for all of PostgreSQL), and when anything
 * fails, what the restore made is removed again.
 * @module
 */
import { existsSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { StoreError } from '../errors.js';
import { DEFAULT_DATA_DIR, createStoreFactory } from '../factory.js';
import type { StoreFactoryOptions } from '../factory.js';
import { DOMAIN_MIGRATIONS, REALM_MIGRATIONS } from '../migrations/index.js';
import { classifyPg } from '../postgres/errors.js';
import { DOMAIN_SCHEMA } from '../postgres/schemas.js';
import { classifySqlite } from '../sqlite/errors.js';
import { realmFile } from '../sqlite/paths.js';
import { readBackup } from './format.js';
import type { BackupHeader, BackupRecord } from './format.js';
import { driverValues } from './tables.js';
import type { TableSpec } from './tables.js';

export interface RestoreSummary {
  target: string;
  source: 'sqlite' | 'postgres';
  realms: string[];
  rows: number;
}

/** Where rows go: one per kind of database. */
interface Sink {
  insert(r: BackupRecord, spec: TableSpec): Promise<void> | void;
  commit(): Promise<void>;
  /** Undo everything the restore made (after a failure). */
  discard(): Promise<void>;
}

const id = (name: string): string => `"${name.replace(/"/g, '""')}"`;

function checkMigrations(file: string, h: BackupHeader): void {
  for (const [kind, known] of [
    ['domain', DOMAIN_MIGRATIONS],
    ['realm', REALM_MIGRATIONS],
  ] as const) {
    const unknown = h.migrations[kind].filter((m) => !(m in known));
    if (unknown.length > 0)
      throw new StoreError(
        'DATABASE_TOO_NEW',
        `${file} was made by a newer CDC (${kind} schema ${unknown.join(', ')}); upgrade CDC to restore it`,
      );
  }
}

async function sqliteSink(dir: string, realms: string[]): Promise<Sink> {
  const files = [
    join(dir, 'domain.sqlite'),
    ...realms.map((r) => join(dir, 'realms', realmFile(r))),
  ];
  const dbs = new Map<string | undefined, Database.Database>();
  const discard = async (): Promise<void> => {
    for (const db of dbs.values()) if (db.open) db.close();
    for (const f of files)
      for (const suffix of ['', '-wal', '-shm', '-journal']) await rm(f + suffix, { force: true });
  };
  try {
    const factory = createStoreFactory({ dir });
    try {
      await (await factory.domain()).migrate();
      for (const r of realms) await (await factory.realm(r)).migrate();
    } finally {
      await factory.close();
    }
    const open = (path: string): Database.Database => {
      const db = new Database(path, { fileMustExist: true });
      db.pragma('foreign_keys = ON');
      db.exec('begin immediate');
      return db;
    };
    dbs.set(undefined, open(files[0] as string));
    realms.forEach((r, i) => dbs.set(r, open(files[i + 1] as string)));
  } catch (e) {
    await discard();
    throw e;
  }
  const statements = new Map<string, Database.Statement>();
  return {
    insert(r, spec) {
      const key = `${r.realm ?? ''}\0${spec.name}`;
      let st = statements.get(key);
      if (st === undefined) {
        const cols = Object.keys(spec.columns);
        st = (dbs.get(r.realm) as Database.Database).prepare(
          `insert into ${id(spec.name)} (${cols.map(id).join(', ')}) values (${cols.map(() => '?').join(', ')})`,
        );
        statements.set(key, st);
      }
      try {
        st.run(...driverValues(spec, r.row));
      } catch (e) {
        throw classifySqlite(e, `restore a row of ${spec.name}`, r.realm ?? 'the domain');
      }
    },
    commit() {
      for (const db of dbs.values()) db.exec('commit');
      for (const db of dbs.values()) db.close();
      return Promise.resolve();
    },
    discard,
  };
}

async function postgresSink(url: string, realms: string[]): Promise<Sink> {
  const where = 'the PostgreSQL database';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  const q = async (what: string, text: string, values: unknown[] = []) => {
    try {
      return (await client.query<Record<string, unknown>>(text, values)).rows;
    } catch (e) {
      throw classifyPg(e, what, where);
    }
  };
  try {
    await client.connect();
  } catch (e) {
    throw classifyPg(e, 'connect for a restore', where);
  }
  const made = async (): Promise<string[]> =>
    (
      await q(
        'list the CDC schemas',
        `select nspname from pg_namespace where nspname = $1 or nspname like 'cdc\\_realm\\_%'`,
        [DOMAIN_SCHEMA],
      )
    ).map((r) => String(r['nspname']));
  const discard = async (): Promise<void> => {
    await client.query('rollback').catch(() => undefined);
    const schemas = await made().catch(() => []);
    if (schemas.length > 0)
      await q('remove what the restore made', `drop schema ${schemas.map(id).join(', ')} cascade`);
    await client.end().catch(() => undefined);
  };
  const schemas = new Map<string | undefined, string>([[undefined, DOMAIN_SCHEMA]]);
  try {
    const existing = await made();
    if (existing.length > 0)
      throw new StoreError(
        'CONFLICT',
        `${where} already holds CDC data (schemas ${existing.join(', ')}); restore only into an empty database`,
      );
    const factory = createStoreFactory({ url });
    try {
      await (await factory.domain()).migrate();
      for (const r of realms) await (await factory.realm(r)).migrate();
    } finally {
      await factory.close();
    }
    for (const row of await q(
      'read the realm schemas',
      `select realm, schema_name from ${DOMAIN_SCHEMA}.realm_schemas`,
    ))
      schemas.set(String(row['realm']), String(row['schema_name']));
    await q('start the restore', 'begin');
  } catch (e) {
    if (e instanceof StoreError && e.code === 'CONFLICT') await client.end();
    else await discard();
    throw e;
  }
  const identities = new Set<string>();
  return {
    async insert(r, spec) {
      const schema = schemas.get(r.realm) as string;
      const cols = Object.keys(spec.columns);
      await q(
        `restore a row of ${spec.name}`,
        `insert into ${id(schema)}.${id(spec.name)} (${cols.map(id).join(', ')})
           values (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
        driverValues(spec, r.row),
      );
      if (spec.identity === true) identities.add(`${id(schema)}.${id(spec.name)}`);
    },
    async commit() {
      // Restored ids were given explicitly: the identity must continue after the largest.
      for (const t of identities)
        await q(
          'move an identity past the restored ids',
          `select setval(pg_get_serial_sequence($1, 'id'), (select max(id) from ${t}))`,
          [t],
        );
      await q('commit the restore', 'commit');
      await client.end();
    },
    discard,
  };
}

function sqliteTargetProblem(dir: string): string | undefined {
  if (existsSync(join(dir, 'domain.sqlite')))
    return `${dir} already holds CDC data (domain.sqlite)`;
  const realmsDir = join(dir, 'realms');
  if (existsSync(realmsDir) && readdirSync(realmsDir).some((f) => f.endsWith('.sqlite')))
    return `${dir}/realms already holds realm databases`;
  return undefined;
}

export async function restoreStore(
  options: StoreFactoryOptions,
  backupFile: string,
): Promise<RestoreSummary> {
  const file = resolve(backupFile);
  if (!existsSync(file)) throw new StoreError('NOT_FOUND', `no backup file ${file}`);
  // First pass: the whole file must be good before anything is made.
  const h = await readBackup(
    file,
    (head) => checkMigrations(file, head),
    () => undefined,
  );
  const url = options.url?.trim() ?? '';
  let sink: Sink;
  let target: string;
  if (url === '') {
    target = resolve(options.dir ?? DEFAULT_DATA_DIR);
    const problem = sqliteTargetProblem(target);
    if (problem !== undefined)
      throw new StoreError('CONFLICT', `${problem}; restore only into an empty data directory`);
    sink = await sqliteSink(target, h.realms);
  } else {
    target = 'PostgreSQL';
    sink = await postgresSink(url, h.realms);
  }
  let rows = 0;
  try {
    await readBackup(
      file,
      () => undefined,
      async (r, spec) => {
        await sink.insert(r, spec);
        rows++;
      },
    );
    await sink.commit();
  } catch (e) {
    await sink.discard();
    throw e;
  }
  return { target, source: h.source, realms: h.realms, rows };
}
