/**
 * A consistent view of a live center's data to back up, taken without stopping it.
 * SQLite: each file is copied with SQLite's online backup API (better-sqlite3's `backup()`,
 * which copies pages while the center keeps writing and restarts when they change under
 * it), domain first, then each realm's; the copies are read. Each file is consistent by
 * itself; a realm made between the copies is simply not in the backup. PostgreSQL: every
 * schema of the center read in one `REPEATABLE READ READ ONLY` transaction, so the whole
 * backup is one instant of the database.
 * @module
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { StoreError } from '../errors.js';
import { classifyPg } from '../postgres/errors.js';
import { DOMAIN_SCHEMA } from '../postgres/schemas.js';
import { classifySqlite } from '../sqlite/errors.js';
import { realmFile } from '../sqlite/paths.js';
import type { Row, TableSpec } from './tables.js';

export interface Snapshot {
  readonly source: 'sqlite' | 'postgres';
  /** The realms that have a database, in name order. */
  readonly realms: string[];
  migrations(realm?: string): Promise<string[]>;
  /** The rows of a table of the domain (no realm) or of a realm, in primary key order. */
  rows(spec: TableSpec, realm?: string): Promise<Iterable<Row>>;
  close(): Promise<void>;
}

const id = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const order = (spec: TableSpec): string => spec.orderBy.map(id).join(', ');

export async function sqliteSnapshot(dirOption: string): Promise<Snapshot> {
  const dir = resolve(dirOption);
  const domainPath = join(dir, 'domain.sqlite');
  if (!existsSync(domainPath))
    throw new StoreError('NOT_FOUND', `there is no CDC data in ${dir} (no domain.sqlite)`);
  const tmp = await mkdtemp(join(tmpdir(), 'cdc-backup-'));
  const copies = new Map<string | undefined, Database.Database>();
  const copy = async (path: string, realm: string | undefined): Promise<void> => {
    const dest = join(tmp, `${copies.size}.sqlite`);
    try {
      const live = new Database(path, { readonly: true, fileMustExist: true });
      try {
        await live.backup(dest);
      } finally {
        live.close();
      }
      copies.set(realm, new Database(dest, { readonly: true }));
    } catch (e) {
      throw classifySqlite(e, `back up ${path}`, path);
    }
  };
  const close = async (): Promise<void> => {
    for (const db of copies.values()) db.close();
    await rm(tmp, { recursive: true, force: true });
  };
  try {
    await copy(domainPath, undefined);
    const names = (
      copies.get(undefined)?.prepare('select name from realms order by name').all() as {
        name: string;
      }[]
    ).map((r) => r.name);
    const realms: string[] = [];
    for (const name of names) {
      const path = join(dir, 'realms', realmFile(name));
      if (!existsSync(path)) continue;
      await copy(path, name);
      realms.push(name);
    }
    const db = (realm: string | undefined): Database.Database => {
      const d = copies.get(realm);
      if (d === undefined) throw new Error(`unreachable: realm ${String(realm)} was not copied`);
      return d;
    };
    return {
      source: 'sqlite',
      realms,
      migrations: (realm) =>
        Promise.resolve(
          (
            db(realm).prepare('select name from cdc_migrations order by name').all() as {
              name: string;
            }[]
          ).map((r) => r.name),
        ),
      rows: (spec, realm) =>
        Promise.resolve(
          db(realm)
            .prepare(`select * from ${id(spec.name)} order by ${order(spec)}`)
            .iterate() as Iterable<Row>,
        ),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

export async function postgresSnapshot(url: string, connectTimeoutMs: number): Promise<Snapshot> {
  const where = 'the PostgreSQL database';
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: connectTimeoutMs,
  });
  client.on('error', () => undefined); // a dying connection fails the running query instead
  const q = async <R extends Row>(what: string, text: string, values: unknown[] = []) => {
    try {
      return (await client.query<R>(text, values)).rows;
    } catch (e) {
      throw classifyPg(e, what, where);
    }
  };
  try {
    await client.connect();
  } catch (e) {
    throw classifyPg(e, 'connect for a backup', where);
  }
  try {
    await q('start the backup', 'begin isolation level repeatable read read only');
    const found = await q('find the CDC schemas', 'select 1 from pg_namespace where nspname = $1', [
      DOMAIN_SCHEMA,
    ]);
    if (found.length === 0)
      throw new StoreError('NOT_FOUND', `there is no CDC data in ${where} (no ${DOMAIN_SCHEMA})`);
    const schemas = new Map<string, string>();
    for (const r of await q<{ realm: string; schema_name: string }>(
      'list the realm schemas',
      `select r.name as realm, s.schema_name from ${DOMAIN_SCHEMA}.realms r
         join ${DOMAIN_SCHEMA}.realm_schemas s on s.realm = r.name order by r.name`,
    ))
      schemas.set(r.realm, r.schema_name);
    const schemaOf = (realm: string | undefined): string =>
      realm === undefined ? DOMAIN_SCHEMA : (schemas.get(realm) ?? '');
    return {
      source: 'postgres',
      realms: [...schemas.keys()],
      migrations: async (realm) =>
        (
          await q<{ name: string }>(
            'read the schema version',
            `select name from ${id(schemaOf(realm))}.cdc_migrations order by name`,
          )
        ).map((r) => r.name),
      rows: (spec, realm) =>
        q(
          `read ${spec.name}`,
          `select * from ${id(schemaOf(realm))}.${id(spec.name)} order by ${order(spec)}`,
        ),
      close: async () => {
        await client.query('rollback').catch(() => undefined);
        await client.end().catch(() => undefined);
      },
    };
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e;
  }
}
