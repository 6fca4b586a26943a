/**
 * The pool kysely draws connections from: `pg`'s pool, plus one rule. A connection whose
 * query failed for connection reasons (reset, closed, or a query timeout against a server
 * that went silent) is destroyed on release instead of going back to the pool: after a
 * timeout the connection still has the old query in flight and would make every later
 * query on it time out too, even once the server answers again.
 * @module
 */
import type pg from 'pg';
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import { isConnectionError } from './errors.js';

export class GuardedPool implements PostgresPool {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  get options(): object {
    return this.#pool.options;
  }

  async connect(): Promise<PostgresPoolClient> {
    const client = await this.#pool.connect();
    let broken = false;
    const run = async <R>(
      text: string,
      values: readonly unknown[],
    ): Promise<PostgresQueryResult<R>> => {
      try {
        const r = await client.query(text, values as unknown[]);
        return r as unknown as PostgresQueryResult<R>;
      } catch (e) {
        if (isConnectionError(e)) broken = true;
        throw e;
      }
    };
    // kysely streams through a cursor object; that path is not guarded (we never stream).
    const query = ((q: string | PostgresCursor<unknown>, values: readonly unknown[] = []) =>
      typeof q === 'string'
        ? run(q, values)
        : client.query(q as never)) as PostgresPoolClient['query'];
    return {
      query,
      release(destroy?: boolean): void {
        client.release(destroy === true || broken);
      },
    };
  }

  end(): Promise<void> {
    return this.#pool.end();
  }
}
