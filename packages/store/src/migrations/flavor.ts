/**
 * What the migrations need to know about the dialect: the few column types that differ.
 * Everything else in the schema is written once for both databases.
 * @module
 */
import { sql } from 'kysely';
import type { ColumnDataType, ColumnDefinitionBuilder, Expression } from 'kysely';

/** A column type: a name kysely knows or a raw SQL type (kysely does not export its alias). */
export type DataTypeExpression = ColumnDataType | Expression<unknown>;

export interface Flavor {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Text. PostgreSQL's is `collate "C"` so that ordering and range comparisons (names,
   * ISO timestamps) are byte order, exactly as SQLite's default BINARY collation.
   */
  readonly text: DataTypeExpression;
  /** JSON kept verbatim: PostgreSQL `json` (not `jsonb`, which reorders keys), SQLite text. */
  readonly json: DataTypeExpression;
  readonly bigint: DataTypeExpression;
  /** An ever-increasing integer primary key (ids are never reused after deletes). */
  readonly identity: {
    type: DataTypeExpression;
    build: (col: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
  };
}

export const SQLITE: Flavor = {
  kind: 'sqlite',
  text: 'text',
  json: 'text',
  bigint: 'integer',
  identity: { type: 'integer', build: (col) => col.primaryKey().autoIncrement() },
};

export const POSTGRES: Flavor = {
  kind: 'postgres',
  text: sql`text collate "C"`,
  json: 'json',
  bigint: 'bigint',
  identity: { type: 'bigint', build: (col) => col.primaryKey().generatedByDefaultAsIdentity() },
};
