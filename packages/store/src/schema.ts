/**
 * Row types of the tables, as kysely sees them. The migrations (`migrations/`) create these
 * tables; this file only types the queries. Column conventions, identical in both dialects:
 * timestamps are ISO 8601 UTC text (see `validate.isoTime`); JSON columns are written as
 * JSON text and read back as text (SQLite) or already parsed (PostgreSQL `json`), which
 * `decodeJson` smooths over; 64-bit integers come back from `pg` as strings.
 * @module
 */
import type { ColumnType } from 'kysely';

/** A JSON column: written as JSON text, read as text or as the parsed value. */
export type JsonColumn = ColumnType<unknown, string, string>;
export type NullableJsonColumn = ColumnType<unknown, string | null, string | null>;
/** A 64-bit integer column: `pg` returns int8 as a string to keep precision. */
export type BigIntColumn = ColumnType<number | string | bigint, number, number>;
export type NullableBigIntColumn = ColumnType<
  number | string | bigint | null,
  number | null,
  number | null
>;
/** An identity column: assigned by the database, never written. */
export type IdColumn = ColumnType<number | string | bigint, never, never>;

export interface UsersTable {
  name: string;
  email: string;
  /** The lower-cased email, unique: one address is one person. */
  email_key: string;
  created: string;
}

export interface UserKeysTable {
  pubkey: string;
  user_name: string;
  label: string | null;
  created: string;
}

export interface RealmsTable {
  name: string;
  owner: string;
  created: string;
  extra: JsonColumn;
}

export interface AccessTable {
  realm: string;
  pubkey: string;
  role: string;
  authid: string;
  label: string | null;
  created: string;
}

export interface PairingsTable {
  pubkey: string;
  realm: string;
  node_id: string;
  extra: JsonColumn;
  created: string;
}

/** A self-service registration waiting for its PIN, verified, or dead (SPEC §4.4). */
export interface RegistrationsTable {
  id: BigIntColumn;
  kind: string;
  user_name: string;
  email: string;
  email_key: string;
  pubkey: string;
  realm: string | null;
  source: string;
  pin_hash: string;
  attempts: BigIntColumn;
  state: string;
  created: string;
  expires: string;
}

/** An API token of a management realm: a salted hash of its secret, never the secret. */
export interface TokensTable {
  token_id: string;
  realm: string;
  label: string;
  role: string;
  salt: string;
  hash: string;
  created: string;
  created_by: string;
  expires_at: string | null;
  last_used: string | null;
}

/** PostgreSQL only: which schema holds which realm's tables. */
export interface RealmSchemasTable {
  realm: string;
  schema_name: string;
  created: string;
}

export interface DomainDatabase {
  users: UsersTable;
  user_keys: UserKeysTable;
  realms: RealmsTable;
  access: AccessTable;
  pairings: PairingsTable;
  realm_schemas: RealmSchemasTable;
  registrations: RegistrationsTable;
  tokens: TokensTable;
}

export interface NodesTable {
  node_id: string;
  pubkey: string | null;
  extra: JsonColumn;
  created: string;
  last_seen: string | null;
  heartbeat: NullableBigIntColumn;
  heartbeat_time: string | null;
  workers: JsonColumn;
  version: string | null;
  type: string | null;
  config: NullableJsonColumn;
}

export interface HeartbeatsTable {
  id: IdColumn;
  node_id: string;
  seq: BigIntColumn;
  time: string;
  received: string;
  workers: JsonColumn;
  system: JsonColumn;
}

export interface AuditTable {
  id: IdColumn;
  time: string;
  authid: string;
  role: string;
  procedure: string;
  args: JsonColumn;
  kwargs: JsonColumn;
  outcome: string;
  error: string | null;
  message: string | null;
}

/** A node's worker as it should be (the configuration API's desired state). */
export interface WorkersTable {
  node_id: string;
  worker_id: string;
  type: string;
  /** The worker entry of a Crossbar.io node config. */
  config: JsonColumn;
  desired: string;
  created: string;
  modified: string;
}

export interface RealmDatabase {
  nodes: NodesTable;
  heartbeats: HeartbeatsTable;
  audit: AuditTable;
  workers: WorkersTable;
}

/** Parse a JSON column value (text from SQLite, already parsed from PostgreSQL `json`). */
export function decodeJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/** A 64-bit integer column value as a number (the store keeps them below 2^53). */
export function decodeInt(value: number | string | bigint): number {
  return typeof value === 'number' ? value : Number(value);
}
