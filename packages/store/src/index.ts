/**
 * `@cdc/store`: the center's storage. `createStoreFactory` picks SQLite files or PostgreSQL;
 * the factory opens the domain store and per-realm stores of the contract in `types.ts`.
 * Every failure is a `StoreError` with a code the center maps to a WAMP error.
 * @module
 */
export type * from './types.js';
export type * from './cluster/types.js';
export { StoreError, isStoreError } from './errors.js';
export type { StoreErrorCode } from './errors.js';
export { createStoreFactory, DEFAULT_DATA_DIR } from './factory.js';
export type { StoreFactoryOptions } from './factory.js';
export { DEFAULT_HEARTBEAT_KEEP } from './realm/heartbeats.js';
export { DEFAULT_AUDIT_LIMIT } from './realm/audit.js';
export { realmFile, realmOfFile } from './sqlite/paths.js';
export { realmSchemaName } from './postgres/schemas.js';
export { USER_NAME, REALM_NAME, NODE_ID, realmNameProblem } from './validate.js';
export { backupStore } from './backup/backup.js';
export type { BackupSummary } from './backup/backup.js';
export { restoreStore } from './backup/restore.js';
export type { RestoreSummary } from './backup/restore.js';
