/**
 * The PostgreSQL backend: one `pg` pool per factory, shared by its stores, each store a
 * kysely view scoped to its schema (`cdc_domain`, or the realm's, see `schemas.ts`).
 *
 * Failure behaviour: connecting is bounded (`connectTimeoutMs`) and so is every query
 * (`queryTimeoutMs`), so a server that is down or unreachable makes operations fail with
 * UNAVAILABLE instead of hanging; the pool drops dead clients and connects afresh on the
 * next operation, so the same store object works again once the server is back.
 * @module
 */
import pg from 'pg';
import { Kysely, sql } from 'kysely';
import type { Transaction } from 'kysely';
import { fenceCheck } from '../cluster/postgres.js';
import { KyselyDomainStore } from '../domain/store.js';
import { Engine } from '../engine.js';
import { StoreError } from '../errors.js';
import { POSTGRES } from '../migrations/flavor.js';
import { CLUSTER_MIGRATIONS, DOMAIN_MIGRATIONS, REALM_MIGRATIONS } from '../migrations/index.js';
import { PostgresClusterStore } from '../cluster/postgres.js';
import type { ClusterStore, Lease } from '../cluster/types.js';
import type { MigrationSet } from '../migrations/index.js';
import { KyselyRealmStore } from '../realm/store.js';
import type { DomainDatabase, RealmDatabase } from '../schema.js';
import type { DomainStore, RealmStore, StoreFactory } from '../types.js';
import { now, realmName } from '../validate.js';
import { CdcPostgresDialect } from './dialect.js';
import { pgErrorMapper } from './errors.js';
import { GuardedPool } from './pool.js';
import { CLUSTER_SCHEMA, DOMAIN_SCHEMA, HASH_LENGTHS, realmSchemaName } from './schemas.js';

export interface PostgresFactoryOptions {
  url: string;
  readOnly: boolean;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  poolSize: number;
}

interface Closable {
  close(reason?: string): Promise<void>;
}

export class PostgresStoreFactory implements StoreFactory {
  readonly kind = 'postgres';
  readonly #o: PostgresFactoryOptions;
  readonly #db: Kysely<unknown>;
  /** The factory's own view of the domain schema, for the realm schema registry. */
  readonly #registry: Engine<DomainDatabase>;
  #domainReady: Promise<void> | undefined;
  readonly #open = new Map<Closable, string | undefined>();
  #closed = false;

  constructor(options: PostgresFactoryOptions) {
    this.#o = options;
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize,
      connectionTimeoutMillis: options.connectTimeoutMs,
      query_timeout: options.queryTimeoutMs,
      idleTimeoutMillis: 10_000,
      keepAlive: true,
      application_name: 'cdc',
      ...(options.readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
    });
    // Without listeners, a connection dying (server restart, network cut) is an 'error'
    // event nobody handles, which kills the process. The pool drops the dead client by
    // itself, and the query that was running on it fails with the error: that is where
    // it is reported, as UNAVAILABLE.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    this.#db = new Kysely<unknown>({
      dialect: new CdcPostgresDialect({ pool: new GuardedPool(pool) }),
    });
    this.#registry = this.#engine<DomainDatabase>(DOMAIN_SCHEMA, DOMAIN_MIGRATIONS, undefined);
  }

  domain(): Promise<DomainStore> {
    return Promise.resolve().then(() => {
      const engine = this.#engine<DomainDatabase>(DOMAIN_SCHEMA, DOMAIN_MIGRATIONS, undefined);
      this.#track(engine, undefined);
      return new KyselyDomainStore(engine);
    });
  }

  async realm(name: string, options: { fence?: Lease | undefined } = {}): Promise<RealmStore> {
    const realm = realmName(name);
    const schema = await this.#schemaOf(realm, true);
    if (schema === undefined) throw new Error('unreachable: a schema was just registered');
    const fence = options.fence;
    if (fence !== undefined && fence.realm !== realm)
      throw new StoreError('INVALID', `a lease of realm "${fence.realm}" cannot fence "${realm}"`);
    const engine = this.#engine<RealmDatabase>(
      schema,
      REALM_MIGRATIONS,
      realm,
      fence === undefined ? undefined : (trx) => fenceCheck(trx, fence),
    );
    this.#track(engine, realm);
    return new KyselyRealmStore(realm, engine);
  }

  async dropRealm(name: string): Promise<void> {
    const realm = realmName(name);
    const schema = await this.#schemaOf(realm, false);
    if (schema === undefined) return;
    for (const [store, r] of [...this.#open]) {
      if (r === realm) await store.close(`realm "${realm}" was dropped`);
    }
    await this.#registry.tx(`drop realm "${realm}"`, async (trx) => {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(trx);
      await trx.deleteFrom('realm_schemas').where('realm', '=', realm).execute();
    });
  }

  async cluster(): Promise<ClusterStore> {
    const engine = this.#engine<unknown>(CLUSTER_SCHEMA, CLUSTER_MIGRATIONS, undefined);
    this.#track(engine, undefined);
    await engine.migrate();
    return new PostgresClusterStore(engine, CLUSTER_SCHEMA);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const store of [...this.#open.keys()]) await store.close();
    await this.#registry.close();
    await this.#db.destroy();
  }

  #engine<DB>(
    schema: string,
    migrations: MigrationSet,
    realm: string | undefined,
    guard?: (trx: Transaction<DB>) => Promise<void>,
  ): Engine<DB> {
    if (this.#closed) throw new StoreError('UNAVAILABLE', 'the store factory is closed');
    const where =
      realm === undefined
        ? `PostgreSQL schema ${schema}`
        : `PostgreSQL schema ${schema} of realm "${realm}"`;
    const engine: Engine<DB> = new Engine<DB>({
      db: this.#db.withSchema(schema) as Kysely<DB>,
      flavor: POSTGRES,
      schema,
      migrations,
      where,
      readOnly: this.#o.readOnly,
      mapError: pgErrorMapper(where),
      guard,
      // The pool is the factory's: closing a store only forgets it.
      release: () => {
        this.#open.delete(engine);
        return Promise.resolve();
      },
    });
    return engine;
  }

  #track(store: Closable, realm: string | undefined): void {
    this.#open.set(store, realm);
  }

  /** The domain schema must be migrated before the registry can be used; once per factory. */
  #ensureDomain(): Promise<void> {
    this.#domainReady ??= this.#registry.migrate().catch((e: unknown) => {
      this.#domainReady = undefined; // retry on the next call (the server may be back)
      throw e;
    });
    return this.#domainReady;
  }

  /** The realm's schema from the registry; registered first when `create`. */
  async #schemaOf(realm: string, create: boolean): Promise<string | undefined> {
    await this.#ensureDomain();
    return await this.#registry.run(`find the schema of realm "${realm}"`, async (db) => {
      const lookup = () =>
        db
          .selectFrom('realm_schemas')
          .select('schema_name')
          .where('realm', '=', realm)
          .executeTakeFirst();
      const found = await lookup();
      if (found || !create) return found?.schema_name;
      for (const length of HASH_LENGTHS) {
        // DO NOTHING on either conflict: this realm registered concurrently by another
        // process (the lookup then finds it), or the name taken by another realm whose
        // hash shares the prefix (the lookup finds nothing and a longer hash is tried).
        await db
          .insertInto('realm_schemas')
          .values({ realm, schema_name: realmSchemaName(realm, length), created: now() })
          .onConflict((oc) => oc.doNothing())
          .execute();
        const row = await lookup();
        if (row) return row.schema_name;
      }
      throw new StoreError('CONFLICT', `no free schema name for realm "${realm}"`);
    });
  }
}
