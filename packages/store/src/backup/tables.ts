/**
 * What a backup holds: every table of the domain and of a realm, in an order that satisfies
 * the foreign keys when restored, with the kind of each column. The kinds make the file
 * portable: JSON columns are written as JSON values (SQLite keeps text, PostgreSQL parsed
 * `json`), 64-bit integers as numbers (`pg` returns them as strings). `realm_schemas` is
 * PostgreSQL's own bookkeeping and is made afresh by a restore, so it is not in a backup.
 * @module
 */

export type ColumnKind = 'text' | 'json' | 'int';

export interface TableSpec {
  name: string;
  columns: Readonly<Record<string, ColumnKind>>;
  /** The order rows are read in (primary key), so two backups of one database compare equal. */
  orderBy: readonly string[];
  /** Its `id` is an identity: PostgreSQL's sequence must be moved past the restored ids. */
  identity?: boolean;
}

export const DOMAIN_TABLES: readonly TableSpec[] = [
  {
    name: 'users',
    columns: { name: 'text', email: 'text', email_key: 'text', created: 'text' },
    orderBy: ['name'],
  },
  {
    name: 'user_keys',
    columns: { pubkey: 'text', user_name: 'text', label: 'text', created: 'text' },
    orderBy: ['pubkey'],
  },
  {
    name: 'realms',
    columns: { name: 'text', owner: 'text', created: 'text', extra: 'json' },
    orderBy: ['name'],
  },
  {
    name: 'access',
    columns: {
      realm: 'text',
      pubkey: 'text',
      role: 'text',
      authid: 'text',
      label: 'text',
      created: 'text',
    },
    orderBy: ['realm', 'pubkey'],
  },
  {
    name: 'pairings',
    columns: { pubkey: 'text', realm: 'text', node_id: 'text', extra: 'json', created: 'text' },
    orderBy: ['pubkey'],
  },
  {
    name: 'registrations',
    columns: {
      id: 'int',
      kind: 'text',
      user_name: 'text',
      email: 'text',
      email_key: 'text',
      pubkey: 'text',
      realm: 'text',
      source: 'text',
      pin_hash: 'text',
      attempts: 'int',
      state: 'text',
      created: 'text',
      expires: 'text',
    },
    orderBy: ['id'],
  },
];

export const REALM_TABLES: readonly TableSpec[] = [
  {
    name: 'nodes',
    columns: {
      node_id: 'text',
      pubkey: 'text',
      extra: 'json',
      created: 'text',
      last_seen: 'text',
      heartbeat: 'int',
      heartbeat_time: 'text',
      workers: 'json',
      version: 'text',
      type: 'text',
      config: 'json',
    },
    orderBy: ['node_id'],
  },
  {
    name: 'workers',
    columns: {
      node_id: 'text',
      worker_id: 'text',
      type: 'text',
      config: 'json',
      desired: 'text',
      created: 'text',
      modified: 'text',
    },
    orderBy: ['node_id', 'worker_id'],
  },
  {
    name: 'heartbeats',
    columns: {
      id: 'int',
      node_id: 'text',
      seq: 'int',
      time: 'text',
      received: 'text',
      workers: 'json',
      system: 'json',
    },
    orderBy: ['id'],
    identity: true,
  },
  {
    name: 'audit',
    columns: {
      id: 'int',
      time: 'text',
      authid: 'text',
      role: 'text',
      procedure: 'text',
      args: 'json',
      kwargs: 'json',
      outcome: 'text',
      error: 'text',
      message: 'text',
    },
    orderBy: ['id'],
    identity: true,
  },
];

export type Row = Record<string, unknown>;

/** A row as the database driver gave it, in the backup's portable form. */
export function portableRow(spec: TableSpec, raw: Row): Row {
  const out: Row = {};
  for (const [col, kind] of Object.entries(spec.columns)) {
    const v = raw[col];
    if (v === null || v === undefined) out[col] = null;
    else if (kind === 'json') out[col] = typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
    else if (kind === 'int') out[col] = typeof v === 'number' ? v : Number(v);
    else out[col] = v;
  }
  return out;
}

/** Why `row` cannot be a row of `spec`, or undefined when it can. */
export function rowProblem(spec: TableSpec, row: unknown): string | undefined {
  if (typeof row !== 'object' || row === null || Array.isArray(row))
    return 'a row is not an object';
  for (const col of Object.keys(row)) {
    if (!(col in spec.columns)) return `table ${spec.name} has no column "${col}"`;
  }
  for (const [col, kind] of Object.entries(spec.columns)) {
    const v = (row as Row)[col];
    if (v === null || v === undefined || kind === 'json') continue;
    if (kind === 'int' && !Number.isSafeInteger(v)) return `${spec.name}.${col} is not an integer`;
    if (kind === 'text' && typeof v !== 'string') return `${spec.name}.${col} is not text`;
  }
  return undefined;
}

/** The values of a portable row in column order, as the driver takes them. */
export function driverValues(spec: TableSpec, row: Row): unknown[] {
  return Object.entries(spec.columns).map(([col, kind]) => {
    const v = row[col];
    if (v === null || v === undefined) return null;
    return kind === 'json' ? JSON.stringify(v) : v;
  });
}
