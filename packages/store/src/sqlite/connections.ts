/**
 * One SQLite connection per file per process, shared by every store open on it. Two
 * connections to one file in one thread deadlock: better-sqlite3 is synchronous, so while
 * one connection's transaction awaits between statements, the other's `BEGIN IMMEDIATE`
 * sleeps in SQLite's busy handler on the same thread until `busy_timeout` and then fails.
 * Sharing the connection lets kysely's per-connection mutex serialize them instead.
 * Read-only connections are separate (they never take the write lock).
 * @module
 */
import Database from 'better-sqlite3';
import { Kysely } from 'kysely';
import { CdcSqliteDialect } from './dialect.js';

/** How long a writer waits for another process's write lock before UNAVAILABLE. */
export const BUSY_TIMEOUT_MS = 5000;

export interface Closable {
  close(reason?: string): Promise<void>;
}

interface Shared {
  db: Kysely<unknown>;
  refs: number;
}

const connections = new Map<string, Shared>();
/** Every store open on a file, in any factory of this process: what `dropRealm` closes. */
const holders = new Map<string, Set<Closable>>();

const keyOf = (path: string, readOnly: boolean): string => `${readOnly ? 'ro' : 'rw'}:${path}`;

/**
 * The shared connection to `path` (opened and configured on first use); throws the
 * driver's error when the file cannot be opened. Pair with `release`.
 */
export function acquire(
  path: string,
  readOnly: boolean,
  synchronous: 'FULL' | 'NORMAL',
): Kysely<unknown> {
  const key = keyOf(path, readOnly);
  const shared = connections.get(key);
  if (shared) {
    shared.refs++;
    return shared.db;
  }
  const raw = new Database(path, {
    readonly: readOnly,
    fileMustExist: readOnly,
    timeout: BUSY_TIMEOUT_MS,
  });
  try {
    raw.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    raw.pragma('foreign_keys = ON');
    // A read-only connection cannot switch the journal mode; the writer has set it.
    if (!readOnly) raw.pragma('journal_mode = WAL');
    raw.pragma(`synchronous = ${synchronous}`);
  } catch (e) {
    raw.close();
    throw e;
  }
  const db = new Kysely<unknown>({ dialect: new CdcSqliteDialect(raw) });
  connections.set(key, { db, refs: 1 });
  return db;
}

export async function release(path: string, readOnly: boolean): Promise<void> {
  const key = keyOf(path, readOnly);
  const shared = connections.get(key);
  if (!shared) return;
  if (--shared.refs > 0) return;
  connections.delete(key);
  await shared.db.destroy();
}

export function hold(path: string, store: Closable): void {
  let set = holders.get(path);
  if (!set) holders.set(path, (set = new Set()));
  set.add(store);
}

export function unhold(path: string, store: Closable): void {
  const set = holders.get(path);
  set?.delete(store);
  if (set?.size === 0) holders.delete(path);
}

/** The stores open on `path` in this process. */
export function holdersOf(path: string): Closable[] {
  return [...(holders.get(path) ?? [])];
}
