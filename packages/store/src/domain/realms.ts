/**
 * Management realms and key access to them. Creating a realm grants its owner's keys
 * `cdc-owner`; deleting one removes its grants and pairings; both in one transaction, so
 * no realm ever exists without its owner's access nor access outlives its realm.
 * @module
 */
import type { Transaction } from 'kysely';
import type { Engine } from '../engine.js';
import { StoreError } from '../errors.js';
import type { DomainDatabase } from '../schema.js';
import type { AccessRecord, RealmRecord, RealmRole } from '../types.js';
import * as v from '../validate.js';
import { accessRecord, realmRecord } from './rows.js';

type E = Engine<DomainDatabase>;

async function requireRealm(trx: Transaction<DomainDatabase>, realm: string): Promise<void> {
  const row = await trx
    .selectFrom('realms')
    .select('name')
    .where('name', '=', realm)
    .executeTakeFirst();
  if (!row) throw new StoreError('NOT_FOUND', `realm "${realm}" does not exist`);
}

export async function createRealm(
  e: E,
  realm: { name: string; owner: string; extra?: Record<string, unknown> },
): Promise<RealmRecord> {
  const i = v.input(realm, 'realm');
  const name = v.realmName(i['name']);
  const owner = v.userName(i['owner'], 'owner');
  const extra = i['extra'] === undefined ? {} : i['extra'];
  const row = { name, owner, created: v.now(), extra: v.json(extra, 'extra', 'object') };
  return await e.tx(`create realm "${name}"`, (trx) => insertRealm(trx, row));
}

/** Create a realm inside `trx` and give its owner's keys `cdc-owner`. */
export async function insertRealm(
  trx: Transaction<DomainDatabase>,
  row: { name: string; owner: string; created: string; extra: string },
): Promise<RealmRecord> {
  const { name, owner } = row;
  const user = await trx
    .selectFrom('users')
    .select('name')
    .where('name', '=', owner)
    .executeTakeFirst();
  if (!user) throw new StoreError('NOT_FOUND', `owner "${owner}" is not a user`);
  const taken = await trx
    .selectFrom('realms')
    .select('name')
    .where('name', '=', name)
    .executeTakeFirst();
  if (taken) throw new StoreError('ALREADY_EXISTS', `realm "${name}" already exists`);
  await trx.insertInto('realms').values(row).execute();
  const keys = await trx
    .selectFrom('user_keys')
    .select(['pubkey', 'label'])
    .where('user_name', '=', owner)
    .execute();
  if (keys.length > 0) {
    await trx
      .insertInto('access')
      .values(
        keys.map((k) => ({
          realm: name,
          pubkey: k.pubkey,
          role: 'cdc-owner',
          authid: owner,
          label: k.label,
          created: row.created,
        })),
      )
      .execute();
  }
  return realmRecord(row);
}

export async function getRealm(e: E, name: string): Promise<RealmRecord | undefined> {
  const n = v.text(name, 'realm name', false);
  if (v.realmNameProblem(n) !== undefined) return undefined;
  const row = await e.run(`get realm "${n}"`, (db) =>
    db.selectFrom('realms').selectAll().where('name', '=', n).executeTakeFirst(),
  );
  return row && realmRecord(row);
}

export async function listRealms(e: E): Promise<RealmRecord[]> {
  const rows = await e.run('list realms', (db) =>
    db.selectFrom('realms').selectAll().orderBy('name').execute(),
  );
  return rows.map(realmRecord);
}

export async function deleteRealm(e: E, name: string): Promise<boolean> {
  const n = v.text(name, 'realm name', false);
  return await e.tx(`delete realm "${n}"`, async (trx) => {
    await trx.deleteFrom('access').where('realm', '=', n).execute();
    await trx.deleteFrom('pairings').where('realm', '=', n).execute();
    await trx.deleteFrom('tokens').where('realm', '=', n).execute();
    const r = await trx.deleteFrom('realms').where('name', '=', n).executeTakeFirst();
    return r.numDeletedRows > 0n;
  });
}

export async function grantAccess(
  e: E,
  grant: { realm: string; pubkey: string; role: RealmRole; authid: string; label?: string | null },
): Promise<AccessRecord> {
  const i = v.input(grant, 'grant');
  const realm = v.realmName(i['realm'], 'realm');
  const pubkey = v.pubkey(i['pubkey']);
  const change = {
    role: v.role(i['role']),
    authid: v.text(i['authid'], 'authid'),
    label: v.optionalText(i['label'], 'label'),
  };
  return await e.tx(`grant ${change.role} in realm "${realm}"`, async (trx) => {
    await requireRealm(trx, realm);
    const node = await trx
      .selectFrom('pairings')
      .select(['realm', 'node_id'])
      .where('pubkey', '=', pubkey)
      .executeTakeFirst();
    if (node) {
      throw new StoreError(
        'CONFLICT',
        `key ${pubkey} is paired as node "${node.node_id}" of realm "${node.realm}" ` +
          `and cannot be granted access`,
      );
    }
    await trx
      .insertInto('access')
      .values({ realm, pubkey, created: v.now(), ...change })
      .onConflict((oc) => oc.columns(['realm', 'pubkey']).doUpdateSet(change))
      .execute();
    const row = await trx
      .selectFrom('access')
      .selectAll()
      .where('realm', '=', realm)
      .where('pubkey', '=', pubkey)
      .executeTakeFirstOrThrow();
    return accessRecord(row);
  });
}

export async function revokeAccess(e: E, realm: string, pubkey: string): Promise<boolean> {
  const r = v.text(realm, 'realm', false);
  const key = v.maybePubkey(pubkey);
  if (key === undefined) return false;
  const res = await e.run(`revoke access to realm "${r}"`, (db) =>
    db.deleteFrom('access').where('realm', '=', r).where('pubkey', '=', key).executeTakeFirst(),
  );
  return res.numDeletedRows > 0n;
}

export async function listAccess(e: E, realm: string): Promise<AccessRecord[]> {
  const r = v.text(realm, 'realm', false);
  const rows = await e.run(`list access to realm "${r}"`, (db) =>
    db
      .selectFrom('access')
      .selectAll()
      .where('realm', '=', r)
      .orderBy('created')
      .orderBy('pubkey')
      .execute(),
  );
  return rows.map(accessRecord);
}
