/**
 * SQLite and file-system errors as StoreErrors. better-sqlite3 reports SQLite's extended
 * result codes (`SQLITE_CONSTRAINT_UNIQUE`, `SQLITE_READONLY_DBMOVED`, `SQLITE_IOERR_WRITE`,
 * …) in `code`; Node's fs reports errno names there. An I/O error says nothing about why,
 * and Node's recursive mkdir reports ENOENT on a read-only file system, so the directory
 * is probed: a read-only file system or directory makes it READ_ONLY.
 * @module
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreError } from '../errors.js';
import type { ErrorMapper } from '../engine.js';

function codeOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether the nearest existing directory at or above `dir` can be written. */
function writable(dir: string): boolean {
  let d = dir;
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  try {
    accessSync(d, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Classify an error of file `path` (a database file or the directory being created). */
export function classifySqlite(e: unknown, what: string, path: string): unknown {
  if (!(e instanceof Error)) return e;
  const code = codeOf(e);
  const fail = (c: StoreError['code'], why: string): StoreError =>
    new StoreError(c, `cannot ${what}: ${why}`, { cause: e });
  if (code === undefined) {
    // better-sqlite3 throws a TypeError on a closed handle.
    if (/database connection is not open/.test(e.message)) {
      return fail('UNAVAILABLE', `${path} is closed`);
    }
    return e;
  }
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return fail('ALREADY_EXISTS', `it already exists (${e.message})`);
  }
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    return fail('CONFLICT', `it refers to a missing row or is still referred to (${e.message})`);
  }
  if (code.startsWith('SQLITE_CONSTRAINT')) return fail('INVALID', e.message);
  if (code.startsWith('SQLITE_READONLY') || ['EACCES', 'EPERM', 'EROFS'].includes(code)) {
    return fail('READ_ONLY', `${path} is read-only (${e.message})`);
  }
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') {
    return fail('UNAVAILABLE', `the disk holding ${path} is full (${e.message})`);
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return fail('UNAVAILABLE', `${path} stayed locked by another connection (${e.message})`);
  }
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN')) {
    if (!writable(dirname(path))) {
      return fail('READ_ONLY', `the directory of ${path} is not writable (${e.message})`);
    }
    return fail('UNAVAILABLE', `${path} cannot be read or written (${e.message})`);
  }
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') {
    return fail('UNAVAILABLE', `${path} is damaged or not a database (${e.message})`);
  }
  if (code === 'SQLITE_ERROR' && /no such table/.test(e.message)) {
    return fail('UNAVAILABLE', `${path} has no CDC schema yet (call migrate() first)`);
  }
  if (/^E[A-Z]+$/.test(code)) {
    // Node's recursive mkdir reports ENOENT, not EROFS, on a read-only file system.
    if (!writable(dirname(path))) {
      return fail(
        'READ_ONLY',
        `${dirname(path)} is on a read-only file system or not writable (${e.message})`,
      );
    }
    return fail('UNAVAILABLE', `${path}: ${e.message}`);
  }
  return e;
}

export function sqliteErrorMapper(path: string): ErrorMapper {
  return (e, what) => classifySqlite(e, what, path);
}
