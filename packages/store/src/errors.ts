/**
 * The one error type of the store. The center maps each code to a WAMP error, so the code
 * carries the meaning and the message is written for the person who reads it (the operator
 * or the API client); the driver's own error, when there was one, is kept as `cause`.
 * @module
 */

export type StoreErrorCode =
  /** The input cannot be stored: a bad name, key, timestamp or JSON value. */
  | 'INVALID'
  /** Something the operation needs (a user, a realm, a node) does not exist. */
  | 'NOT_FOUND'
  /** A name, key or pairing that must be unique is taken. */
  | 'ALREADY_EXISTS'
  /** The operation contradicts other stored state (e.g. pairing a user's key as a node). */
  | 'CONFLICT'
  /** The database cannot be reached or cannot take the write (gone, full, closed). */
  | 'UNAVAILABLE'
  /** The database refuses writes (read-only file, directory or server). */
  | 'READ_ONLY'
  /** The database was migrated by a newer CDC than this one. */
  | 'DATABASE_TOO_NEW'
  /** Cluster mode: the realm's lease passed to another instance; this one may not write. */
  | 'FENCED';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Whether `e` is a StoreError (with the given code, when one is given). */
export function isStoreError(e: unknown, code?: StoreErrorCode): e is StoreError {
  return e instanceof StoreError && (code === undefined || e.code === code);
}
