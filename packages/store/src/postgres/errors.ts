/**
 * PostgreSQL and connection errors as StoreErrors. Server errors carry a SQLSTATE in `code`
 * (23505 unique violation, 25006 read-only transaction, class 08 connection exceptions, …);
 * a server that is gone shows up as Node socket errors (ECONNREFUSED, ECONNRESET) or as
 * messages of `pg` and `pg-pool` without a code ("Connection terminated unexpectedly",
 * "timeout exceeded when trying to connect"), which are matched by text.
 * @module
 */
import { StoreError } from '../errors.js';
import type { ErrorMapper } from '../engine.js';

const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

const GONE =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Query read timeout|not queryable|after calling end on the pool|terminating connection/i;

function codeOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether `e` means the server cannot be reached or has gone away. */
export function isConnectionError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = codeOf(e);
  if (code !== undefined) {
    if (SOCKET_CODES.has(code)) return true;
    // 08: connection exception; 57P0x: server shutting down; 53: out of resources
    // (disk full, too many connections); 28: authentication; 3D000: no such database.
    if (/^(08|57P|53|28)/.test(code) || code === '3D000' || code === '57014') return true;
  }
  if (e instanceof AggregateError && e.errors.some(isConnectionError)) return true;
  return GONE.test(e.message);
}

export function classifyPg(e: unknown, what: string, where: string): unknown {
  if (!(e instanceof Error)) return e;
  const code = codeOf(e);
  const detail = (e as { detail?: unknown }).detail;
  const why = typeof detail === 'string' ? `${e.message}: ${detail}` : e.message;
  const fail = (c: StoreError['code'], text: string): StoreError =>
    new StoreError(c, `cannot ${what}: ${text}`, { cause: e });
  if (code === '23505') return fail('ALREADY_EXISTS', `it already exists (${why})`);
  if (code === '23503') {
    return fail('CONFLICT', `it refers to a missing row or is still referred to (${why})`);
  }
  if (code !== undefined && /^(22|23)/.test(code)) return fail('INVALID', why);
  if (code === '25006') return fail('READ_ONLY', `${where} is read-only (${why})`);
  if (code === '42P01' || code === '3F000') {
    return fail('UNAVAILABLE', `${where} has no CDC schema (not migrated, or dropped) (${why})`);
  }
  if (code === '40001' || code === '40P01') {
    return fail('CONFLICT', `a concurrent change got in the way, try again (${why})`);
  }
  if (isConnectionError(e)) return fail('UNAVAILABLE', `PostgreSQL is unavailable (${why})`);
  return e;
}

export function pgErrorMapper(where: string): ErrorMapper {
  return (e, what) => classifyPg(e, what, where);
}
