/**
 * Choosing the backend: a `postgres://` URL (the center passes `CDC_DATABASE_URL`) selects
 * PostgreSQL, otherwise SQLite files in the data directory. Nothing connects or opens until
 * a store is asked for, so a bad server or directory shows up as a StoreError there.
 * @module
 */
import { StoreError } from './errors.js';
import { PostgresStoreFactory } from './postgres/factory.js';
import { SqliteStoreFactory } from './sqlite/factory.js';
import type { StoreFactory } from './types.js';

/** SPEC §1: the center's default data directory. */
export const DEFAULT_DATA_DIR = '.cdc';

export interface StoreFactoryOptions {
  /** `postgres://…` or `postgresql://…`: use PostgreSQL. Empty or absent: SQLite. */
  url?: string | undefined;
  /** SQLite: the data directory (default `.cdc`). */
  dir?: string | undefined;
  /** Refuse every write with READ_ONLY (tools inspecting a live center's data). */
  readOnly?: boolean | undefined;
  /** PostgreSQL: how long to wait for a connection before UNAVAILABLE (default 3 s). */
  connectTimeoutMs?: number | undefined;
  /** PostgreSQL: how long to wait for a query's answer before UNAVAILABLE (default 15 s). */
  queryTimeoutMs?: number | undefined;
  /** PostgreSQL: connections per factory (default 10). */
  poolSize?: number | undefined;
}

/** The URL with its password replaced, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

export function createStoreFactory(options: StoreFactoryOptions = {}): StoreFactory {
  const url = options.url?.trim() ?? '';
  const readOnly = options.readOnly ?? false;
  if (url === '') {
    return new SqliteStoreFactory({ dir: options.dir ?? DEFAULT_DATA_DIR, readOnly });
  }
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    throw new StoreError(
      'INVALID',
      `database URL "${redactUrl(url)}" must start with postgres:// or postgresql://`,
    );
  }
  return new PostgresStoreFactory({
    url,
    readOnly,
    connectTimeoutMs: options.connectTimeoutMs ?? 3000,
    queryTimeoutMs: options.queryTimeoutMs ?? 15_000,
    poolSize: options.poolSize ?? 10,
  });
}
