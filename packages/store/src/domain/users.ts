/**
 * Users and their keys. A user's keys all speak for the user: a key added later also gets
 * `cdc-owner` in the realms the user owns, in the same transaction, so that registering a
 * second key (SPEC §4.4) does not lock its owner out of their realms.
 * @module
 */
import type { Transaction } from 'kysely';
import type { Engine } from '../engine.js';
import { StoreError } from '../errors.js';
import type { DomainDatabase } from '../schema.js';
import type { UserKeyRecord, UserRecord } from '../types.js';
import * as v from '../validate.js';
import { keyRecord, userRecord } from './rows.js';

type E = Engine<DomainDatabase>;

export async function createUser(e: E, user: { name: string; email: string }): Promise<UserRecord> {
  const i = v.input(user, 'user');
  const name = v.userName(i['name']);
  const email = v.email(i['email']);
  const row = { name, email, email_key: v.emailKey(email), created: v.now() };
  return await e.tx(`create user "${name}"`, (trx) => insertUser(trx, row));
}

/** Create a user inside `trx`; its name and email must be free. */
export async function insertUser(
  trx: Transaction<DomainDatabase>,
  row: { name: string; email: string; email_key: string; created: string },
): Promise<UserRecord> {
  const { name, email } = row;
  const taken = await trx
    .selectFrom('users')
    .select(['name', 'email_key'])
    .where((eb) => eb.or([eb('name', '=', name), eb('email_key', '=', row.email_key)]))
    .execute();
  if (taken.some((t) => t.name === name)) {
    throw new StoreError('ALREADY_EXISTS', `user "${name}" already exists`);
  }
  if (taken.length > 0) {
    throw new StoreError('ALREADY_EXISTS', `email "${email}" belongs to another user`);
  }
  await trx.insertInto('users').values(row).execute();
  return userRecord(row);
}

export async function getUser(e: E, name: string): Promise<UserRecord | undefined> {
  const n = v.text(name, 'user name', false);
  if (!v.USER_NAME.test(n)) return undefined;
  const row = await e.run(`get user "${n}"`, (db) =>
    db.selectFrom('users').selectAll().where('name', '=', n).executeTakeFirst(),
  );
  return row && userRecord(row);
}

export async function getUserByEmail(e: E, email: string): Promise<UserRecord | undefined> {
  const key = v.emailKey(v.text(email, 'email', false).trim());
  const row = await e.run(`get user by email "${email}"`, (db) =>
    db.selectFrom('users').selectAll().where('email_key', '=', key).executeTakeFirst(),
  );
  return row && userRecord(row);
}

export async function addUserKey(
  e: E,
  user: string,
  pubkey: string,
  label?: string | null,
): Promise<UserKeyRecord> {
  const name = v.userName(user);
  const key = v.pubkey(pubkey);
  const row = {
    pubkey: key,
    user_name: name,
    label: v.optionalText(label, 'label'),
    created: v.now(),
  };
  return await e.tx(`add a key to user "${name}"`, (trx) => insertUserKey(trx, row));
}

/**
 * Add a key to an existing user inside `trx`, with `cdc-owner` in the user's realms (also
 * what a verified key registration does).
 */
export async function insertUserKey(
  trx: Transaction<DomainDatabase>,
  row: { pubkey: string; user_name: string; label: string | null; created: string },
): Promise<UserKeyRecord> {
  const { pubkey: key, user_name: name } = row;
  const owner = await trx
    .selectFrom('users')
    .select('name')
    .where('name', '=', name)
    .executeTakeFirst();
  if (!owner) throw new StoreError('NOT_FOUND', `user "${name}" does not exist`);
  const existing = await trx
    .selectFrom('user_keys')
    .select('user_name')
    .where('pubkey', '=', key)
    .executeTakeFirst();
  if (existing) {
    throw new StoreError(
      'ALREADY_EXISTS',
      existing.user_name === name
        ? `key ${key} is already a key of user "${name}"`
        : `key ${key} belongs to another user`,
    );
  }
  const node = await trx
    .selectFrom('pairings')
    .select(['realm', 'node_id'])
    .where('pubkey', '=', key)
    .executeTakeFirst();
  if (node) {
    throw new StoreError(
      'CONFLICT',
      `key ${key} is paired as node "${node.node_id}" of realm "${node.realm}" ` +
        `and cannot also be a user's key`,
    );
  }
  await trx.insertInto('user_keys').values(row).execute();
  const owned = await trx.selectFrom('realms').select('name').where('owner', '=', name).execute();
  for (const realm of owned) {
    const grant = { role: 'cdc-owner', authid: name, label: row.label };
    await trx
      .insertInto('access')
      .values({ realm: realm.name, pubkey: key, created: row.created, ...grant })
      .onConflict((oc) => oc.columns(['realm', 'pubkey']).doUpdateSet(grant))
      .execute();
  }
  return keyRecord(row);
}

export async function listUserKeys(e: E, user: string): Promise<UserKeyRecord[]> {
  const name = v.text(user, 'user name', false);
  const rows = await e.run(`list the keys of user "${name}"`, (db) =>
    db
      .selectFrom('user_keys')
      .selectAll()
      .where('user_name', '=', name)
      .orderBy('created')
      .orderBy('pubkey')
      .execute(),
  );
  return rows.map(keyRecord);
}
