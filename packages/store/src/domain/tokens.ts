/**
 * API tokens of management realms (SPEC §7). The store keeps a token's salted hash, never
 * its secret (the center makes and checks both); a label is unique in its realm.
 * @module
 */
import type { Selectable } from 'kysely';
import type { Engine } from '../engine.js';
import { StoreError } from '../errors.js';
import type { DomainDatabase, TokensTable } from '../schema.js';
import type { NewToken, RealmRole, TokenRecord } from '../types.js';
import * as v from '../validate.js';

type E = Engine<DomainDatabase>;

function tokenRecord(r: Selectable<TokensTable>): TokenRecord {
  return {
    token_id: r.token_id,
    realm: r.realm,
    label: r.label,
    // Only validated roles are ever written.
    role: r.role as RealmRole,
    salt: r.salt,
    hash: r.hash,
    created: r.created,
    created_by: r.created_by,
    expires_at: r.expires_at,
    last_used: r.last_used,
  };
}

export async function createToken(e: E, token: NewToken): Promise<TokenRecord> {
  const i = v.input(token, 'token');
  const row = {
    token_id: v.tokenId(i['token_id']),
    realm: v.realmName(i['realm'], 'realm'),
    label: v.tokenLabel(i['label']),
    role: v.role(i['role']),
    salt: v.hex(i['salt'], 'token salt'),
    hash: v.hex(i['hash'], 'token hash'),
    created: v.now(),
    created_by: v.text(i['created_by'], 'token creator'),
    expires_at:
      i['expires_at'] === undefined || i['expires_at'] === null
        ? null
        : v.isoTime(i['expires_at'], 'token expiry'),
    last_used: null,
  };
  return await e.tx(`create token "${row.label}" in realm "${row.realm}"`, async (trx) => {
    const r = await trx
      .selectFrom('realms')
      .select('name')
      .where('name', '=', row.realm)
      .executeTakeFirst();
    if (!r) throw new StoreError('NOT_FOUND', `realm "${row.realm}" does not exist`);
    const taken = await trx
      .selectFrom('tokens')
      .select('token_id')
      .where((w) =>
        w.or([
          w.and([w('realm', '=', row.realm), w('label', '=', row.label)]),
          w('token_id', '=', row.token_id),
        ]),
      )
      .executeTakeFirst();
    if (taken) {
      throw new StoreError(
        'ALREADY_EXISTS',
        taken.token_id === row.token_id
          ? `token ID ${row.token_id} is taken`
          : `realm "${row.realm}" has a token labelled "${row.label}" already`,
      );
    }
    await trx.insertInto('tokens').values(row).execute();
    return tokenRecord(row);
  });
}

/** A token by ID (any realm): what the center's token check reads. */
export async function getToken(e: E, tokenId: string): Promise<TokenRecord | undefined> {
  const id = v.text(tokenId, 'token ID', false);
  const row = await e.run(`get token ${id}`, (db) =>
    db.selectFrom('tokens').selectAll().where('token_id', '=', id).executeTakeFirst(),
  );
  return row && tokenRecord(row);
}

export async function listTokens(e: E, realm: string): Promise<TokenRecord[]> {
  const r = v.text(realm, 'realm', false);
  const rows = await e.run(`list the tokens of realm "${r}"`, (db) =>
    db.selectFrom('tokens').selectAll().where('realm', '=', r).orderBy('label').execute(),
  );
  return rows.map(tokenRecord);
}

/** Delete a realm's token; undefined when the realm has no token with that ID. */
export async function revokeToken(
  e: E,
  realm: string,
  tokenId: string,
): Promise<TokenRecord | undefined> {
  const r = v.text(realm, 'realm', false);
  const id = v.text(tokenId, 'token ID', false);
  const row = await e.run(`revoke token ${id} of realm "${r}"`, (db) =>
    db
      .deleteFrom('tokens')
      .where('realm', '=', r)
      .where('token_id', '=', id)
      .returningAll()
      .executeTakeFirst(),
  );
  return row && tokenRecord(row);
}

/**
 * Record uses, `[token_id, time]` each, in one transaction (the center writes its pending uses
 * once a second, so a busy second costs one commit, not one per token). Never moves
 * `last_used` backwards; unknown IDs (revoked meanwhile) change nothing.
 */
export async function touchTokens(
  e: E,
  uses: readonly (readonly [string, string])[],
): Promise<void> {
  const rows = uses.map(
    ([tokenId, time]) => [v.text(tokenId, 'token ID', false), v.isoTime(time, 'time')] as const,
  );
  if (rows.length === 0) return;
  await e.tx(`record the use of ${rows.length} token(s)`, async (trx) => {
    for (const [id, t] of rows) {
      await trx
        .updateTable('tokens')
        .set({ last_used: t })
        .where('token_id', '=', id)
        .where((w) => w.or([w('last_used', 'is', null), w('last_used', '<', t)]))
        .execute();
    }
  });
}
