/**
 * What a store runs its queries through: one kysely instance (scoped to the store's schema
 * on PostgreSQL), its transactions, its migrations, and the dialect's translation of driver
 * errors into StoreErrors. The domain and realm stores are written once against this; the
 * dialect adapters (`sqlite/`, `postgres/`) build it. Connections and transactions never
 * leave it.
 * @module
 */
import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import { StoreError } from './errors.js';
import type { Flavor } from './migrations/flavor.js';
import { migrate } from './migrations/index.js';
import type { MigrationSet } from './migrations/index.js';

/** Turns a driver error into a StoreError, or returns it unchanged when it is a bug. */
export type ErrorMapper = (error: unknown, what: string) => unknown;

export interface EngineOptions<DB> {
  db: Kysely<DB>;
  flavor: Flavor;
  /** PostgreSQL: the schema `db` is scoped to. */
  schema?: string;
  migrations: MigrationSet;
  /** For messages: which database this is. */
  where: string;
  readOnly: boolean;
  mapError: ErrorMapper;
  /** Releases what this engine alone holds (a SQLite file; nothing for a shared pool). */
  release: () => Promise<void>;
  /**
   * Run first in every transaction: throws to refuse it (a clustered realm's fencing check,
   * taken with a share lock on the lease, so a takeover waits for the write to commit).
   */
  guard?: ((trx: Transaction<DB>) => Promise<void>) | undefined;
}

export class Engine<DB> {
  readonly #o: EngineOptions<DB>;
  #closed: string | undefined;

  constructor(options: EngineOptions<DB>) {
    this.#o = options;
  }

  get flavor(): Flavor {
    return this.#o.flavor;
  }

  get where(): string {
    return this.#o.where;
  }

  /** Run `fn` on the database; `what` says what for error messages ("create user x"). */
  async run<T>(what: string, fn: (db: Kysely<DB>) => Promise<T>): Promise<T> {
    if (this.#closed !== undefined) {
      throw new StoreError('UNAVAILABLE', `cannot ${what}: ${this.#closed}`);
    }
    try {
      return await fn(this.#o.db);
    } catch (e) {
      throw e instanceof StoreError ? e : this.#o.mapError(e, what);
    }
  }

  /**
   * Run `fn` in one transaction: all of its writes or none (SQLite: `BEGIN IMMEDIATE`).
   * Every write goes through here, so the guard sees each one.
   */
  tx<T>(what: string, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    const guard = this.#o.guard;
    return this.run(what, (db) =>
      db.transaction().execute(
        guard === undefined
          ? fn
          : async (trx) => {
              await guard(trx);
              return await fn(trx);
            },
      ),
    );
  }

  /** A write of one statement: on its own, or in a transaction when a guard comes first. */
  write<T>(what: string, fn: (db: Kysely<DB>) => Promise<T>): Promise<T> {
    return this.#o.guard === undefined ? this.run(what, fn) : this.tx(what, fn);
  }

  /**
   * A write that changes nothing: SQLite rewrites `user_version` with its own value (a real
   * commit, so a read-only or full disk fails it); PostgreSQL answers whether it is
   * read-only, which a query only can if the server is there.
   */
  probe(): Promise<void> {
    return this.run('write to the database', async (db) => {
      if (this.#o.flavor.kind === 'sqlite') {
        await db.transaction().execute(async (trx) => {
          const { rows } = await sql<{ user_version: number }>`pragma user_version`.execute(trx);
          await sql
            .raw(`pragma user_version = ${Math.trunc(rows[0]?.user_version ?? 0)}`)
            .execute(trx);
        });
        return;
      }
      const { rows } = await sql<{ ro: string }>`show transaction_read_only`.execute(db);
      if (rows[0]?.ro === 'on')
        throw new StoreError(
          'READ_ONLY',
          `${this.#o.where} is read-only (a standby or read-only server)`,
        );
    });
  }

  migrate(): Promise<void> {
    const o = this.#o;
    return this.run(`migrate ${o.where}`, (db) =>
      migrate({
        db: db as Kysely<unknown>,
        flavor: o.flavor,
        ...(o.schema !== undefined ? { schema: o.schema } : {}),
        migrations: o.migrations,
        where: o.where,
        readOnly: o.readOnly,
      }),
    );
  }

  get closed(): boolean {
    return this.#closed !== undefined;
  }

  /** Close; later calls fail with UNAVAILABLE saying `reason`. Idempotent. */
  async close(reason = `the store of ${this.#o.where} is closed`): Promise<void> {
    if (this.#closed !== undefined) return;
    this.#closed = reason;
    await this.#o.release();
  }
}
