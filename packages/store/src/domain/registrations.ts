/**
 * Self-service registrations (SPEC §4.4): made under the rate limits, counted and inserted
 * in one transaction so concurrent callers cannot slip past a limit together, and completed
 * (user, key or realm made, registration marked verified) in one transaction so a PIN is
 * used at most once and nothing is ever half-created.
 * @module
 */
import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { Selectable, Transaction } from 'kysely';
import type { Engine } from '../engine.js';
import { StoreError } from '../errors.js';
import { decodeInt } from '../schema.js';
import type { DomainDatabase, RegistrationsTable } from '../schema.js';
import type {
  NewRegistration,
  RegistrationKind,
  RegistrationLimits,
  RegistrationOutcome,
  RegistrationRecord,
  RegistrationScope,
  RegistrationState,
} from '../types.js';
import * as v from '../validate.js';
import { insertRealm } from './realms.js';
import { insertUser, insertUserKey } from './users.js';

type E = Engine<DomainDatabase>;
type Trx = Transaction<DomainDatabase>;

const KINDS: readonly RegistrationKind[] = ['user', 'realm'];
const STATES: readonly RegistrationState[] = ['pending', 'verified', 'dead'];
/** How long rows are kept: long enough for every limit window. */
const KEEP_MS = 24 * 3600_000;
const HOUR_MS = 3600_000;
/** PostgreSQL: registrations are made one at a time (SQLite's BEGIN IMMEDIATE does that). */
const PG_LOCK = 0x43444352;

function record(r: Selectable<RegistrationsTable>): RegistrationRecord {
  return {
    id: decodeInt(r.id),
    kind: v.oneOf(r.kind, KINDS, 'kind'),
    user: r.user_name,
    email: r.email,
    pubkey: r.pubkey,
    realm: r.realm,
    source: r.source,
    pin_hash: r.pin_hash,
    attempts: decodeInt(r.attempts),
    state: v.oneOf(r.state, STATES, 'state'),
    created: r.created,
    expires: r.expires,
  };
}

function registrationId(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

const COLUMN = { key: 'pubkey', email: 'email_key', source: 'source' } as const;

/** Seconds from `now` until `t` (at least 1). */
function secondsUntil(t: string, now: string): number {
  return Math.max(1, Math.ceil((Date.parse(t) - Date.parse(now)) / 1000));
}

async function limited(
  trx: Trx,
  scope: RegistrationScope,
  value: string,
  limits: RegistrationLimits,
  now: string,
): Promise<RegistrationOutcome | undefined> {
  const hourAgo = new Date(Date.parse(now) - HOUR_MS).toISOString();
  const dayAgo = new Date(Date.parse(now) - KEEP_MS).toISOString();
  const pendingNow = sql`state = 'pending' and expires > ${now}`;
  const recent = sql`created > ${hourAgo}`;
  // Those that died of wrong PINs: each one was five guesses at somebody's PIN.
  const failed = sql`state = 'dead' and attempts > 0 and created > ${dayAgo}`;
  const u = await trx
    .selectFrom('registrations')
    .select([
      sql<number | string>`count(case when ${pendingNow} then 1 end)`.as('pending'),
      sql<string | null>`min(case when ${pendingNow} then expires end)`.as('next_expiry'),
      sql<number | string>`count(case when ${recent} then 1 end)`.as('recent'),
      sql<string | null>`min(case when ${recent} then created end)`.as('oldest'),
      sql<number | string>`count(case when ${failed} then 1 end)`.as('failed'),
      sql<string | null>`min(case when ${failed} then created end)`.as('first_failed'),
    ])
    .where(COLUMN[scope], '=', value)
    .executeTakeFirstOrThrow();
  if (decodeInt(u.pending) >= limits.pending && u.next_expiry !== null) {
    return {
      ok: false,
      scope,
      limit: 'pending',
      retry_after_s: secondsUntil(u.next_expiry, now),
    };
  }
  if (decodeInt(u.recent) >= limits.per_hour && u.oldest !== null) {
    const free = new Date(Date.parse(u.oldest) + HOUR_MS).toISOString();
    return { ok: false, scope, limit: 'per_hour', retry_after_s: secondsUntil(free, now) };
  }
  if (decodeInt(u.failed) >= limits.failed_per_day && u.first_failed !== null) {
    const free = new Date(Date.parse(u.first_failed) + KEEP_MS).toISOString();
    return { ok: false, scope, limit: 'failed_per_day', retry_after_s: secondsUntil(free, now) };
  }
  return undefined;
}

function positive(value: unknown, what: string): number {
  return v.integer(value, what, 0, 1_000_000_000);
}

export async function createRegistration(
  e: E,
  reg: NewRegistration,
  limits: Record<RegistrationScope, RegistrationLimits>,
): Promise<RegistrationOutcome> {
  const i = v.input(reg, 'registration');
  const kind = v.oneOf(i['kind'], KINDS, 'kind');
  const email = v.email(i['email']);
  const row = {
    kind,
    user_name: v.userName(i['user']),
    email,
    email_key: v.emailKey(email),
    pubkey: v.pubkey(i['pubkey']),
    realm: kind === 'realm' ? v.realmName(i['realm'], 'realm') : null,
    source: v.text(i['source'], 'source', true, 256),
    pin_hash: v.text(i['pin_hash'], 'pin_hash', true, 512),
    attempts: 0,
    state: 'pending',
    created: v.isoTime(i['created'], 'created'),
    expires: v.isoTime(i['expires'], 'expires'),
  };
  for (const scope of Object.keys(COLUMN) as RegistrationScope[]) {
    positive(limits[scope].pending, `limits.${scope}.pending`);
    positive(limits[scope].per_hour, `limits.${scope}.per_hour`);
    positive(limits[scope].failed_per_day, `limits.${scope}.failed_per_day`);
  }
  return await e.tx('make a registration', async (trx) => {
    if (e.flavor.kind === 'postgres')
      await sql`select pg_advisory_xact_lock(${PG_LOCK})`.execute(trx);
    const old = new Date(Date.parse(row.created) - KEEP_MS).toISOString();
    await trx.deleteFrom('registrations').where('created', '<', old).execute();
    const values = { key: row.pubkey, email: row.email_key, source: row.source };
    for (const scope of Object.keys(COLUMN) as RegistrationScope[]) {
      const hit = await limited(trx, scope, values[scope], limits[scope], row.created);
      if (hit !== undefined) return hit;
    }
    for (;;) {
      const id = randomInt(1, 2 ** 47);
      const taken = await trx
        .selectFrom('registrations')
        .select('id')
        .where('id', '=', id)
        .executeTakeFirst();
      if (taken) continue;
      await trx
        .insertInto('registrations')
        .values({ id, ...row })
        .execute();
      return { ok: true, registration: record({ id, ...row }) };
    }
  });
}

export async function getRegistration(e: E, id: number): Promise<RegistrationRecord | undefined> {
  const n = registrationId(id);
  if (n === undefined) return undefined;
  const row = await e.run(`get registration ${n}`, (db) =>
    db.selectFrom('registrations').selectAll().where('id', '=', n).executeTakeFirst(),
  );
  return row && record(row);
}

export async function listRegistrations(e: E): Promise<RegistrationRecord[]> {
  const rows = await e.run('list registrations', (db) =>
    db.selectFrom('registrations').selectAll().orderBy('created', 'desc').orderBy('id').execute(),
  );
  return rows.map(record);
}

export async function deleteRegistration(e: E, id: number): Promise<boolean> {
  const n = registrationId(id);
  if (n === undefined) return false;
  const r = await e.run(`delete registration ${n}`, (db) =>
    db.deleteFrom('registrations').where('id', '=', n).executeTakeFirst(),
  );
  return r.numDeletedRows > 0n;
}

export async function failRegistrationAttempt(
  e: E,
  id: number,
  max: number,
): Promise<RegistrationRecord | undefined> {
  const n = registrationId(id);
  if (n === undefined) return undefined;
  const limit = v.integer(max, 'max', 1, 1000);
  return await e.tx(`count a wrong PIN for registration ${n}`, async (trx) => {
    const row = await trx
      .selectFrom('registrations')
      .selectAll()
      .where('id', '=', n)
      .executeTakeFirst();
    if (!row || row.state !== 'pending') return row && record(row);
    const attempts = decodeInt(row.attempts) + 1;
    const state = attempts >= limit ? 'dead' : 'pending';
    await trx.updateTable('registrations').set({ attempts, state }).where('id', '=', n).execute();
    return record({ ...row, attempts, state });
  });
}

export async function killRegistration(e: E, id: number): Promise<void> {
  const n = registrationId(id);
  if (n === undefined) return;
  await e.run(`end registration ${n}`, (db) =>
    db.updateTable('registrations').set({ state: 'dead' }).where('id', '=', n).execute(),
  );
}

export async function completeRegistration(
  e: E,
  id: number,
  kind: RegistrationKind,
  now: string,
): Promise<RegistrationRecord> {
  const n = registrationId(id);
  if (n === undefined) throw new StoreError('NOT_FOUND', `no registration ${String(id)}`);
  const at = v.isoTime(now, 'now');
  return await e.tx(`complete registration ${n}`, async (trx) => {
    const row = await trx
      .selectFrom('registrations')
      .selectAll()
      .where('id', '=', n)
      .executeTakeFirst();
    if (!row || row.kind !== kind)
      throw new StoreError('NOT_FOUND', `no ${kind} registration ${n}`);
    if (row.state !== 'pending' || row.expires <= at) {
      throw new StoreError('CONFLICT', `registration ${n} is no longer pending`);
    }
    if (row.kind === 'user') {
      const user = await trx
        .selectFrom('users')
        .select('email_key')
        .where('name', '=', row.user_name)
        .executeTakeFirst();
      if (user === undefined) {
        await insertUser(trx, {
          name: row.user_name,
          email: row.email,
          email_key: row.email_key,
          created: at,
        });
      } else if (user.email_key !== row.email_key) {
        throw new StoreError('ALREADY_EXISTS', `user "${row.user_name}" already exists`);
      }
      await insertUserKey(trx, {
        pubkey: row.pubkey,
        user_name: row.user_name,
        label: null,
        created: at,
      });
    } else {
      await insertRealm(trx, {
        name: v.realmName(row.realm, 'realm'),
        owner: row.user_name,
        created: at,
        extra: '{}',
      });
    }
    await trx.updateTable('registrations').set({ state: 'verified' }).where('id', '=', n).execute();
    return record({ ...row, state: 'verified' });
  });
}
