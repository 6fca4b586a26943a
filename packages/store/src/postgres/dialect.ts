/**
 * kysely's PostgreSQL dialect, with one change: when the connection died mid-transaction,
 * the ROLLBACK kysely then sends fails too, and kysely would throw that second error
 * ("Client was closed") in place of the one that says what happened. The dead client is
 * discarded either way (kysely marks it, pg-pool drops unqueryable clients).
 * @module
 */
import { PostgresDialect, PostgresDriver } from 'kysely';
import type { Driver, PostgresDialectConfig } from 'kysely';

class QuietRollbackDriver extends PostgresDriver {
  override async rollbackTransaction(
    connection: Parameters<PostgresDriver['rollbackTransaction']>[0],
  ): Promise<void> {
    try {
      await super.rollbackTransaction(connection);
    } catch {
      // The original error propagates; see the module comment.
    }
  }
}

export class CdcPostgresDialect extends PostgresDialect {
  readonly #config: PostgresDialectConfig;

  constructor(config: PostgresDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new QuietRollbackDriver(this.#config);
  }
}
