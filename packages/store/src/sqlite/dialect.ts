/**
 * kysely's SQLite dialect with two changes the store relies on. Transactions start with
 * `BEGIN IMMEDIATE`: a deferred transaction that reads and then writes can fail with
 * SQLITE_BUSY at once when another process (the CLI, another center process) writes the
 * same file, without waiting for `busy_timeout`; taking the write lock up front makes it
 * wait instead. And migrations run in a transaction (kysely assumes SQLite cannot, but it
 * can), so a failed migration leaves the previous version intact. And prepared statements
 * are kept: kysely prepares every query anew, which costs more than running it.
 * @module
 */
import { CompiledQuery, SqliteAdapter, SqliteDialect, SqliteDriver } from 'kysely';
import type { DatabaseConnection, DialectAdapter, Driver, SqliteDatabase } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';

/** Distinct SQL texts whose statements are kept per connection (least recently used go). */
const STATEMENT_CACHE_SIZE = 256;

/** `raw` with `prepare` answered from a cache of statements by SQL text. */
function withStatementCache(raw: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => raw.close(),
    prepare(sql: string) {
      let st = cache.get(sql);
      if (st !== undefined) {
        cache.delete(sql); // to the most recent end
      } else {
        st = raw.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, st);
      return st;
    },
  };
}

class ImmediateDriver extends SqliteDriver {
  readonly #raw: BetterSqlite3.Database;

  constructor(raw: BetterSqlite3.Database) {
    super({ database: withStatementCache(raw) });
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
