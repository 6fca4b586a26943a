/**
 * PostgreSQL schema names. The domain lives in `cdc_domain`; a realm in
 * `cdc_realm_<readable part>_<hash>`: the readable part (the realm name lower-cased, runs of
 * other characters as `_`) is for people looking at the database, the hash (of the exact
 * name, so `Realm` and `realm` differ) is what makes it unique, and the whole stays within
 * PostgreSQL's 63-byte identifier limit. The name is recorded in `cdc_domain.realm_schemas`
 * when first used, and always looked up there afterwards.
 * @module
 */
import { createHash } from 'node:crypto';

export const DOMAIN_SCHEMA = 'cdc_domain';
/** Instances and realm leases of a clustered center. */
export const CLUSTER_SCHEMA = 'cdc_cluster';
const PREFIX = 'cdc_realm_';
const MAX_IDENTIFIER = 63;

/** Hash lengths tried in turn should a shorter one collide with another realm's schema. */
export const HASH_LENGTHS = [10, 16, 24] as const;

export function realmSchemaName(realm: string, hashLength: number = HASH_LENGTHS[0]): string {
  const hash = createHash('sha256').update(realm, 'utf8').digest('hex').slice(0, hashLength);
  const room = MAX_IDENTIFIER - PREFIX.length - 1 - hashLength;
  const readable = realm
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, room)
    .replace(/^_+|_+$/g, '');
  return `${PREFIX}${readable}_${hash}`;
}
