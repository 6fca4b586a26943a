/**
 * The SQLite backend: `<dir>/domain.sqlite` and one file per realm under `<dir>/realms/`
 * (see `paths.ts`), in WAL mode (readers never block the writer, so tools such as the CLI
 * can read while the center writes), with `busy_timeout` so a writer waits for another
 * process rather than failing, and foreign keys enforced. Connections are shared per file
 * within the process (see `connections.ts`).
 * @module
 */
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { ClusterStore, Lease } from '../cluster/types.js';
import type { Kysely } from 'kysely';
import { KyselyDomainStore } from '../domain/store.js';
import { Engine } from '../engine.js';
import { StoreError } from '../errors.js';
import { SQLITE } from '../migrations/flavor.js';
import { DOMAIN_MIGRATIONS, REALM_MIGRATIONS } from '../migrations/index.js';
import type { MigrationSet } from '../migrations/index.js';
import { KyselyRealmStore } from '../realm/store.js';
import type { DomainDatabase, RealmDatabase } from '../schema.js';
import type { DomainStore, RealmStore, StoreFactory } from '../types.js';
import { realmName } from '../validate.js';
import { acquire, hold, holdersOf, release, unhold } from './connections.js';
import type { Closable } from './connections.js';
import { classifySqlite, sqliteErrorMapper } from './errors.js';
import { realmFile } from './paths.js';

export interface SqliteFactoryOptions {
  dir: string;
  readOnly: boolean;
}

export class SqliteStoreFactory implements StoreFactory {
  readonly kind = 'sqlite';
  readonly dir: string;
  readonly #readOnly: boolean;
  /** The stores this factory opened, to close with it. */
  readonly #open = new Set<Closable>();
  #closed = false;

  constructor(options: SqliteFactoryOptions) {
    this.dir = resolve(options.dir);
    this.#readOnly = options.readOnly;
  }

  get domainPath(): string {
    return join(this.dir, 'domain.sqlite');
  }

  /** The file of a realm (whether or not it exists yet). */
  realmPath(name: string): string {
    return join(this.dir, 'realms', realmFile(realmName(name)));
  }

  async domain(): Promise<DomainStore> {
    // The domain holds pairings and grants, written rarely: every commit is synced to disk.
    const engine = await this.#engine<DomainDatabase>(this.domainPath, DOMAIN_MIGRATIONS, 'FULL');
    return new KyselyDomainStore(engine);
  }

  async realm(name: string, options: { fence?: Lease | undefined } = {}): Promise<RealmStore> {
    if (options.fence !== undefined)
      throw new StoreError('INVALID', 'fencing is for cluster mode, which needs PostgreSQL');
    const path = this.realmPath(name);
    // Realm databases take a heartbeat per node every 10 s: WAL with synchronous=NORMAL
    // survives any process crash (SPEC §8) and syncs at checkpoints, not on every commit.
    const engine = await this.#engine<RealmDatabase>(path, REALM_MIGRATIONS, 'NORMAL');
    return new KyselyRealmStore(name, engine);
  }

  async dropRealm(name: string): Promise<void> {
    const path = this.realmPath(name);
    for (const store of holdersOf(path)) await store.close(`realm "${name}" was dropped`);
    try {
      for (const suffix of ['', '-wal', '-shm', '-journal'])
        await rm(path + suffix, { force: true });
    } catch (e) {
      throw classifySqlite(e, `drop realm "${name}"`, path);
    }
  }

  cluster(): Promise<ClusterStore> {
    // Instances on several machines can share a PostgreSQL server, not a SQLite file.
    return Promise.reject(
      new StoreError(
        'INVALID',
        'cluster mode needs PostgreSQL (CDC_DATABASE_URL=postgres://…); this center stores its data in SQLite files',
      ),
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const store of [...this.#open]) await store.close();
  }

  async #engine<DB>(
    path: string,
    migrations: MigrationSet,
    synchronous: 'FULL' | 'NORMAL',
  ): Promise<Engine<DB>> {
    const what = `open ${path}`;
    if (this.#closed) throw new StoreError('UNAVAILABLE', `cannot ${what}: the factory is closed`);
    if (this.#readOnly && !existsSync(path)) {
      throw new StoreError('UNAVAILABLE', `cannot ${what} read-only: it does not exist`);
    }
    const readOnly = this.#readOnly;
    let db: Kysely<unknown>;
    try {
      if (!readOnly) await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      db = acquire(path, readOnly, synchronous);
    } catch (e) {
      throw classifySqlite(e, what, path);
    }
    const engine: Engine<DB> = new Engine<DB>({
      db: db as Kysely<DB>,
      flavor: SQLITE,
      migrations,
      where: `database ${path}`,
      readOnly,
      mapError: sqliteErrorMapper(path),
      release: async () => {
        this.#open.delete(engine);
        unhold(path, engine);
        await release(path, readOnly);
      },
    });
    this.#open.add(engine);
    hold(path, engine);
    return engine;
  }
}
