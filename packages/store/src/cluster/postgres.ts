/**
 * The cluster store on PostgreSQL (schema `cdc_cluster`). Every statement is one round trip
 * and decides by the server's clock; lease changes are single conditional upserts/updates,
 * so two instances racing for a realm are ordered by the row lock and exactly one wins.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Transaction } from 'kysely';
import type { Engine } from '../engine.js';
import { CLUSTER_SCHEMA } from '../postgres/schemas.js';
import { StoreError } from '../errors.js';
import type { ClusterStore, InstanceInfo, InstanceRow, Lease, LeaseRow } from './types.js';

interface LeaseSql {
  realm: string;
  owner: string;
  token: string | number;
  expires: Date;
}

interface InstanceSql {
  id: string;
  address: string;
  started: Date;
  last_beat: Date;
  age_ms: string | number;
}

const leaseOf = (r: LeaseSql): Lease => ({
  realm: r.realm,
  owner: r.owner,
  token: Number(r.token),
  expires: r.expires.toISOString(),
});

const instanceOf = (r: InstanceSql): InstanceRow => ({
  id: r.id,
  address: r.address,
  started: r.started.toISOString(),
  lastBeat: r.last_beat.toISOString(),
  ageMs: Math.round(Number(r.age_ms)),
});

function positive(ms: number, what: string): number {
  if (!Number.isFinite(ms) || ms <= 0)
    throw new StoreError('INVALID', `${what} must be a positive number of milliseconds`);
  return ms;
}

/**
 * Refuse a write by an instance whose lease is no longer the realm's (fencing). The share
 * lock holds the lease row until the write commits: a takeover's update waits for it, and
 * once the takeover commits, this check fails for the old owner.
 */
export async function fenceCheck<DB>(trx: Transaction<DB>, lease: Lease): Promise<void> {
  const { rows } = await sql`select 1 from ${sql.id(CLUSTER_SCHEMA, 'leases')}
      where realm = ${lease.realm} and owner = ${lease.owner} and token = ${lease.token}
        and expires > now()
      for share`.execute(trx);
  if (rows.length === 0)
    throw new StoreError(
      'FENCED',
      `realm "${lease.realm}" is no longer served by instance "${lease.owner}" (its lease ${lease.token} expired or passed to another instance); nothing was written`,
    );
}

export class PostgresClusterStore implements ClusterStore {
  // Raw statements do not get the engine's schema: the tables are named in full.
  readonly #instances;
  readonly #leases;
  readonly #secrets;

  constructor(
    private readonly engine: Engine<unknown>,
    schema: string,
  ) {
    this.#instances = sql.id(schema, 'instances');
    this.#leases = sql.id(schema, 'leases');
    this.#secrets = sql.id(schema, 'secrets');
  }

  async beat(i: InstanceInfo): Promise<void> {
    await this.engine.run(`record the beat of instance "${i.id}"`, (db) =>
      sql`insert into ${this.#instances} (id, address, started, last_beat)
          values (${i.id}, ${i.address}, now(), now())
          on conflict (id) do update set address = excluded.address, last_beat = now()`.execute(db),
    );
  }

  async liveInstances(withinMs: number): Promise<InstanceRow[]> {
    const ms = positive(withinMs, 'the liveness window');
    const { rows } = await this.engine.run('list the live instances', (db) =>
      sql<InstanceSql>`select *, extract(epoch from now() - last_beat) * 1000 as age_ms
          from ${this.#instances} where last_beat > now() - ${ms} * interval '1 millisecond'
          order by id`.execute(db),
    );
    return rows.map(instanceOf);
  }

  async instances(): Promise<InstanceRow[]> {
    const { rows } = await this.engine.run('list the instances', (db) =>
      sql<InstanceSql>`select *, extract(epoch from now() - last_beat) * 1000 as age_ms
          from ${this.#instances} order by id`.execute(db),
    );
    return rows.map(instanceOf);
  }

  async forgetInstance(id: string): Promise<void> {
    await this.engine.run(`forget instance "${id}"`, (db) =>
      sql`delete from ${this.#instances} where id = ${id}`.execute(db),
    );
  }

  async acquire(realm: string, owner: string, ttlMs: number): Promise<Lease | undefined> {
    const ms = positive(ttlMs, 'a lease time');
    // Ours and still valid: renewed with the same token. Free or expired: ours with the
    // next token. Held by another and valid: the WHERE refuses, no row comes back.
    const { rows } = await this.engine.run(`take the lease of realm "${realm}"`, (db) =>
      sql<LeaseSql>`insert into ${this.#leases} (realm, owner, token, acquired, expires)
          values (${realm}, ${owner}, 1, now(), now() + ${ms} * interval '1 millisecond')
          on conflict (realm) do update set
            owner = excluded.owner,
            token = case when leases.owner = excluded.owner and leases.expires > now()
                         then leases.token else leases.token + 1 end,
            acquired = case when leases.owner = excluded.owner and leases.expires > now()
                            then leases.acquired else now() end,
            expires = excluded.expires
          where leases.owner = excluded.owner or leases.expires <= now()
          returning realm, owner, token, expires`.execute(db),
    );
    const row = rows[0];
    return row === undefined ? undefined : leaseOf(row);
  }

  async renew(owner: string, leases: readonly Lease[], ttlMs: number): Promise<Lease[]> {
    const ms = positive(ttlMs, 'a lease time');
    if (leases.length === 0) return [];
    const realms = leases.map((l) => l.realm);
    const tokens = leases.map((l) => l.token);
    const { rows } = await this.engine.run(`renew the leases of instance "${owner}"`, (db) =>
      sql<LeaseSql>`update ${this.#leases} l set expires = now() + ${ms} * interval '1 millisecond'
          from unnest(${realms}::text[], ${tokens}::bigint[]) as h(realm, token)
          where l.realm = h.realm collate "C" and l.token = h.token and l.owner = ${owner}
            and l.expires > now()
          returning l.realm, l.owner, l.token, l.expires`.execute(db),
    );
    return rows.map(leaseOf);
  }

  async release(lease: Lease): Promise<void> {
    await this.engine.run(`release the lease of realm "${lease.realm}"`, (db) =>
      sql`update ${this.#leases} set expires = now()
          where realm = ${lease.realm} and owner = ${lease.owner} and token = ${lease.token}
            and expires > now()`.execute(db),
    );
  }

  async leases(): Promise<LeaseRow[]> {
    const { rows } = await this.engine.run('list the leases', (db) =>
      sql<LeaseSql & { remaining_ms: string | number; held_ms: string | number }>`
          select realm, owner, token, expires,
                 extract(epoch from expires - now()) * 1000 as remaining_ms,
                 extract(epoch from now() - acquired) * 1000 as held_ms
          from ${this.#leases} order by realm`.execute(db),
    );
    return rows.map((r) => ({
      ...leaseOf(r),
      remainingMs: Math.round(Number(r.remaining_ms)),
      heldMs: Math.round(Number(r.held_ms)),
    }));
  }

  async holds(lease: Lease): Promise<boolean> {
    const { rows } = await this.engine.run(`check the lease of realm "${lease.realm}"`, (db) =>
      sql`select 1 from ${this.#leases}
          where realm = ${lease.realm} and owner = ${lease.owner} and token = ${lease.token}
            and expires > now()`.execute(db),
    );
    return rows.length === 1;
  }

  async secret(name: string): Promise<string> {
    // Made once: a racing instance's insert does nothing, and both read the winner's.
    const made = randomBytes(32).toString('hex');
    const { rows } = await this.engine.run(`read the cluster secret "${name}"`, async (db) => {
      await sql`insert into ${this.#secrets} (name, value, created) values (${name}, ${made}, now())
          on conflict (name) do nothing`.execute(db);
      return sql<{
        value: string;
      }>`select value from ${this.#secrets} where name = ${name}`.execute(db);
    });
    const row = rows[0];
    if (row === undefined)
      throw new StoreError('UNAVAILABLE', `the cluster secret "${name}" could not be read back`);
    return row.value;
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}
