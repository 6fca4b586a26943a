/**
 * kysely's SQLite dialect with two changes the store relies on. Transactions start with
 * `BEGIN IMMEDIATE`: a deferred transaction that reads and then writes can fail with
 * SQLITE_BUSY at once when another process (the CLI, another center process) writes the
 * same file, without waiting for `busy_timeout`; taking the write lock up front makes it
 * wait instead. And migrations run in a transaction (kysely assumes SQLite cannot, but it
 * can), so a failed migration leaves the previous version intact.
 * @module
 */
import { CompiledQuery, SqliteAdapter, SqliteDialect, SqliteDriver } from 'kysely';
import type { DatabaseConnection, DialectAdapter, Driver } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';

class ImmediateDriver extends SqliteDriver {
  readonly #raw: BetterSqlite3.Database;

  constructor(raw: BetterSqlite3.Database) {
    super({ database: raw });
    this.#raw = raw;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // SQLite has already rolled back by itself after some errors (SQLITE_FULL, I/O errors);
    // a second ROLLBACK would fail and kysely would throw that instead of the real cause.
    if (this.#raw.inTransaction) await super.rollbackTransaction(connection);
  }
}

class TransactionalDdlAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

export class CdcSqliteDialect extends SqliteDialect {
  readonly #raw: BetterSqlite3.Database;

  constructor(raw: BetterSqlite3.Database) {
    super({ database: raw });
    this.#raw = raw;
  }

  override createDriver(): Driver {
    return new ImmediateDriver(this.#raw);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlAdapter();
  }
}
