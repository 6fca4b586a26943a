/**
 * Domain rows to records: the column names of the database to the field names of the
 * contract (`user_name` → `user`, since `user` is reserved in PostgreSQL), JSON decoded.
 * @module
 */
import type { Selectable } from 'kysely';
import { decodeJson } from '../schema.js';
import type {
  AccessTable,
  PairingsTable,
  RealmsTable,
  UserKeysTable,
  UsersTable,
} from '../schema.js';
import type {
  AccessRecord,
  PairingRecord,
  RealmRecord,
  RealmRole,
  UserKeyRecord,
  UserRecord,
} from '../types.js';

export function userRecord(r: Selectable<UsersTable>): UserRecord {
  return { name: r.name, email: r.email, created: r.created };
}

export function keyRecord(r: Selectable<UserKeysTable>): UserKeyRecord {
  return { pubkey: r.pubkey, user: r.user_name, label: r.label, created: r.created };
}

export function realmRecord(r: Selectable<RealmsTable>): RealmRecord {
  return {
    name: r.name,
    owner: r.owner,
    created: r.created,
    extra: decodeJson(r.extra) as Record<string, unknown>,
  };
}

export function accessRecord(r: Selectable<AccessTable>): AccessRecord {
  return {
    realm: r.realm,
    pubkey: r.pubkey,
    // Only validated roles are ever written.
    role: r.role as RealmRole,
    authid: r.authid,
    label: r.label,
    created: r.created,
  };
}

export function pairingRecord(r: Selectable<PairingsTable>): PairingRecord {
  return {
    pubkey: r.pubkey,
    realm: r.realm,
    node_id: r.node_id,
    extra: decodeJson(r.extra) as Record<string, unknown>,
    created: r.created,
  };
}
