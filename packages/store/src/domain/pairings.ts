/**
 * Node pairings and key lookup. A key is exactly one of: a paired node's key, a user's key,
 * an API client's key (access grants only), or unknown. Pairing refuses keys that are
 * already something else, so the authenticator's answer (`lookupKey`) is never ambiguous.
 * @module
 */
import type { Kysely } from 'kysely';
import type { Engine } from '../engine.js';
import { StoreError } from '../errors.js';
import type { DomainDatabase } from '../schema.js';
import type { AccessRecord, KeyLookup, PairingRecord } from '../types.js';
import * as v from '../validate.js';
import { accessRecord, keyRecord, pairingRecord } from './rows.js';

type E = Engine<DomainDatabase>;

export async function pairNode(
  e: E,
  pairing: { pubkey: string; realm: string; node_id: string; extra?: Record<string, unknown> },
): Promise<PairingRecord> {
  const i = v.input(pairing, 'pairing');
  const row = {
    pubkey: v.pubkey(i['pubkey']),
    realm: v.realmName(i['realm'], 'realm'),
    node_id: v.nodeId(i['node_id']),
    extra: v.json(i['extra'] === undefined ? {} : i['extra'], 'extra', 'object'),
    created: v.now(),
  };
  const { pubkey, realm, node_id } = row;
  return await e.tx(`pair node "${node_id}" with realm "${realm}"`, async (trx) => {
    const r = await trx
      .selectFrom('realms')
      .select('name')
      .where('name', '=', realm)
      .executeTakeFirst();
    if (!r) throw new StoreError('NOT_FOUND', `realm "${realm}" does not exist`);
    const paired = await trx
      .selectFrom('pairings')
      .select(['realm', 'node_id'])
      .where('pubkey', '=', pubkey)
      .executeTakeFirst();
    if (paired) {
      throw new StoreError(
        'ALREADY_EXISTS',
        `key ${pubkey} is already paired as node "${paired.node_id}" of realm "${paired.realm}"`,
      );
    }
    const taken = await trx
      .selectFrom('pairings')
      .select('pubkey')
      .where('realm', '=', realm)
      .where('node_id', '=', node_id)
      .executeTakeFirst();
    if (taken) {
      throw new StoreError(
        'ALREADY_EXISTS',
        `node ID "${node_id}" of realm "${realm}" is already paired with another key`,
      );
    }
    const user = await trx
      .selectFrom('user_keys')
      .select('user_name')
      .where('pubkey', '=', pubkey)
      .executeTakeFirst();
    if (user) {
      throw new StoreError('CONFLICT', `key ${pubkey} is a user's key and cannot pair a node`);
    }
    const client = await trx
      .selectFrom('access')
      .select('realm')
      .where('pubkey', '=', pubkey)
      .executeTakeFirst();
    if (client) {
      throw new StoreError(
        'CONFLICT',
        `key ${pubkey} has access to realm "${client.realm}" as an API client ` +
          `and cannot pair a node`,
      );
    }
    await trx.insertInto('pairings').values(row).execute();
    return pairingRecord(row);
  });
}

export async function unpairNode(
  e: E,
  realm: string,
  nodeId: string,
): Promise<PairingRecord | undefined> {
  const r = v.text(realm, 'realm', false);
  const id = v.text(nodeId, 'node ID', false);
  const row = await e.run(`unpair node "${id}" from realm "${r}"`, (db) =>
    db
      .deleteFrom('pairings')
      .where('realm', '=', r)
      .where('node_id', '=', id)
      .returningAll()
      .executeTakeFirst(),
  );
  return row && pairingRecord(row);
}

export async function getPairing(
  e: E,
  realm: string,
  nodeId: string,
): Promise<PairingRecord | undefined> {
  const r = v.text(realm, 'realm', false);
  const id = v.text(nodeId, 'node ID', false);
  const row = await e.run(`get the pairing of node "${id}" in realm "${r}"`, (db) =>
    db
      .selectFrom('pairings')
      .selectAll()
      .where('realm', '=', r)
      .where('node_id', '=', id)
      .executeTakeFirst(),
  );
  return row && pairingRecord(row);
}

export async function listPairings(e: E, realm: string): Promise<PairingRecord[]> {
  const r = v.text(realm, 'realm', false);
  const rows = await e.run(`list the pairings of realm "${r}"`, (db) =>
    db.selectFrom('pairings').selectAll().where('realm', '=', r).orderBy('node_id').execute(),
  );
  return rows.map(pairingRecord);
}

/** Keys per statement of `lookupKeys`: well under either dialect's limit on parameters. */
const LOOKUP_CHUNK = 500;

/**
 * Everything the authenticator needs about a key. Not one transaction on purpose: it runs
 * for every connecting session, and a SQLite write lock (`BEGIN IMMEDIATE`) per connect
 * would serialize them; the pairing rules make the separate reads consistent enough (a key
 * cannot move between kinds, only appear or disappear).
 */
export async function lookupKey(e: E, pubkey: string): Promise<KeyLookup> {
  return (await lookupKeys(e, [pubkey])).get(pubkey) ?? { kind: 'unknown' };
}

/**
 * `lookupKey` for many keys at once (a fleet reconnecting): one statement per table and
 * chunk of `LOOKUP_CHUNK` keys, run one after another, so the pool serves a whole batch of
 * joining sessions with a few connections. Answers every key as given (invalid ones
 * `unknown`; keys differing only in case share their answer).
 */
export async function lookupKeys(
  e: E,
  pubkeys: readonly string[],
): Promise<Map<string, KeyLookup>> {
  const given = new Map<string, string | undefined>();
  for (const p of pubkeys) given.set(p, v.maybePubkey(p));
  const keys = [...new Set([...given.values()].filter((k) => k !== undefined))];
  const found = new Map<string, KeyLookup>();
  for (let i = 0; i < keys.length; i += LOOKUP_CHUNK) {
    const chunk = keys.slice(i, i + LOOKUP_CHUNK);
    const what = chunk.length === 1 ? `look up key ${chunk[0]}` : `look up ${chunk.length} keys`;
    await e.run(what, (db) => lookupChunk(db, chunk, found));
  }
  const answers = new Map<string, KeyLookup>();
  for (const [p, k] of given)
    answers.set(p, (k === undefined ? undefined : found.get(k)) ?? { kind: 'unknown' });
  return answers;
}

/** One chunk's answers into `found`: pairings first, the rest only for keys not paired. */
async function lookupChunk(
  db: Kysely<DomainDatabase>,
  keys: string[],
  found: Map<string, KeyLookup>,
): Promise<void> {
  const pairings = await db
    .selectFrom('pairings')
    .selectAll()
    .where('pubkey', 'in', keys)
    .execute();
  for (const p of pairings) found.set(p.pubkey, { kind: 'node', pairing: pairingRecord(p) });
  const rest = keys.filter((k) => !found.has(k));
  if (rest.length === 0) return;
  const [userKeys, access] = await Promise.all([
    db.selectFrom('user_keys').selectAll().where('pubkey', 'in', rest).execute(),
    db.selectFrom('access').selectAll().where('pubkey', 'in', rest).orderBy('realm').execute(),
  ]);
  const grants = new Map<string, AccessRecord[]>();
  for (const a of access) {
    const list = grants.get(a.pubkey);
    if (list === undefined) grants.set(a.pubkey, [accessRecord(a)]);
    else list.push(accessRecord(a));
  }
  for (const u of userKeys)
    found.set(u.pubkey, { kind: 'user', key: keyRecord(u), access: grants.get(u.pubkey) ?? [] });
  for (const [k, list] of grants) if (!found.has(k)) found.set(k, { kind: 'client', access: list });
}
