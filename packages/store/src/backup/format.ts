/**
 * The backup file: JSON Lines, one record a line, readable by people and by `jq`, and the
 * same whichever database wrote it, so a SQLite center's backup restores into PostgreSQL
 * and back.
 *
 *     {"format":"cdc-backup","version":1,"created":…,"source":"sqlite","migrations":{…},"realms":[…]}
 *     {"db":"domain","table":"users","row":{…}}
 *     {"db":"realm","realm":"ops","table":"workers","row":{…}}
 *     {"end":true,"rows":1234}
 *
 * The last line counts the rows, so a cut-off file is refused rather than half restored.
 * @module
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { StoreError } from '../errors.js';
import { DOMAIN_TABLES, REALM_TABLES, rowProblem } from './tables.js';
import type { Row, TableSpec } from './tables.js';

export const BACKUP_FORMAT = 'cdc-backup';
export const BACKUP_VERSION = 1;

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  created: string;
  source: 'sqlite' | 'postgres';
  /** The schema versions the data was at: a restore refuses what this CDC does not know. */
  migrations: { domain: string[]; realm: string[] };
  /** The management realms (those with a database; a realm never opened has none). */
  realms: string[];
}

export interface BackupRecord {
  db: 'domain' | 'realm';
  realm?: string;
  table: string;
  row: Row;
}

export interface BackupEnd {
  end: true;
  rows: number;
}

function bad(file: string, line: number, why: string): StoreError {
  return new StoreError('INVALID', `${file} line ${line} is not a CDC backup record: ${why}`);
}

function specOf(db: unknown, table: unknown): TableSpec | undefined {
  const tables = db === 'domain' ? DOMAIN_TABLES : db === 'realm' ? REALM_TABLES : [];
  return tables.find((t) => t.name === table);
}

/** Check a parsed header. */
function header(file: string, v: unknown): BackupHeader {
  const h = v as Partial<BackupHeader> | null;
  if (typeof h !== 'object' || h === null || h.format !== BACKUP_FORMAT)
    throw new StoreError('INVALID', `${file} is not a CDC backup (its first line is no header)`);
  if (h.version !== BACKUP_VERSION)
    throw new StoreError(
      'DATABASE_TOO_NEW',
      `${file} is a backup of format version ${String(h.version)}; this CDC reads version ${BACKUP_VERSION}`,
    );
  const names = (x: unknown): x is string[] =>
    Array.isArray(x) && x.every((s) => typeof s === 'string');
  if (
    !names(h.realms) ||
    !names(h.migrations?.domain) ||
    !names(h.migrations.realm) ||
    (h.source !== 'sqlite' && h.source !== 'postgres')
  )
    throw bad(file, 1, 'the header lacks realms, migrations or source');
  return h as BackupHeader;
}

/**
 * Read a backup, checking every line, calling `onRecord` for each row (in file order) once
 * the header has been given to `onHeader`. Throws INVALID on the first bad line and on a
 * file that ends before its end record.
 */
export async function readBackup(
  file: string,
  onHeader: (h: BackupHeader) => Promise<void> | void,
  onRecord: (r: BackupRecord, spec: TableSpec) => Promise<void> | void,
): Promise<BackupHeader> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let n = 0;
  let h: BackupHeader | undefined;
  let rows = 0;
  let end: BackupEnd | undefined;
  for await (const text of lines) {
    n++;
    if (text.trim() === '') continue;
    if (end !== undefined) throw bad(file, n, 'there is data after the end record');
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw bad(file, n, (e as Error).message);
    }
    if (h === undefined) {
      h = header(file, v);
      await onHeader(h);
      continue;
    }
    const r = v as Partial<BackupRecord & BackupEnd>;
    if (r.end === true) {
      if (r.rows !== rows) throw bad(file, n, `the end record counts ${r.rows} rows, not ${rows}`);
      end = { end: true, rows };
      continue;
    }
    const spec = specOf(r.db, r.table);
    if (spec === undefined) throw bad(file, n, `no table ${String(r.db)}.${String(r.table)}`);
    if (r.db === 'realm' && (typeof r.realm !== 'string' || !h.realms.includes(r.realm)))
      throw bad(file, n, `realm ${JSON.stringify(r.realm)} is not in the header`);
    const problem = rowProblem(spec, r.row);
    if (problem !== undefined) throw bad(file, n, problem);
    rows++;
    await onRecord(r as BackupRecord, spec);
  }
  if (h === undefined) throw new StoreError('INVALID', `${file} is empty, not a CDC backup`);
  if (end === undefined)
    throw new StoreError('INVALID', `${file} ends before its end record: the backup is cut off`);
  return h;
}
