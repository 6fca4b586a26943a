/**
 * `backupStore`: the center's data, taken while it runs (see `snapshot.ts`), written as a
 * portable backup file (`format.ts`). The file appears under its name only once complete
 * (written beside it and linked to its name), readable by its owner alone: it holds every key and
 * PIN hash of the center.
 * @module
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { link, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { StoreError } from '../errors.js';
import { DEFAULT_DATA_DIR } from '../factory.js';
import type { StoreFactoryOptions } from '../factory.js';
import { BACKUP_FORMAT, BACKUP_VERSION } from './format.js';
import type { BackupHeader, BackupRecord } from './format.js';
import { postgresSnapshot, sqliteSnapshot } from './snapshot.js';
import type { Snapshot } from './snapshot.js';
import { DOMAIN_TABLES, REALM_TABLES, portableRow } from './tables.js';

export interface BackupSummary {
  file: string;
  source: 'sqlite' | 'postgres';
  realms: string[];
  /** Rows by table (`domain.users`, `realm.audit`: summed over realms). */
  rows: Record<string, number>;
}

/** Open a snapshot of the data `options` names (as `createStoreFactory` reads them). */
export function openSnapshot(options: StoreFactoryOptions): Promise<Snapshot> {
  const url = options.url?.trim() ?? '';
  if (url === '') return sqliteSnapshot(options.dir ?? DEFAULT_DATA_DIR);
  if (!/^postgres(ql)?:\/\//i.test(url))
    throw new StoreError(
      'INVALID',
      'the database URL must start with postgres:// or postgresql://',
    );
  return postgresSnapshot(url, options.connectTimeoutMs ?? 3000);
}

export async function backupStore(
  options: StoreFactoryOptions,
  out: string,
): Promise<BackupSummary> {
  const file = resolve(out);
  const partial = `${file}.partial-${process.pid}`;
  const snap = await openSnapshot(options);
  const counts: Record<string, number> = {};
  try {
    const ws = createWriteStream(partial, { mode: 0o600, flags: 'wx' });
    const failed = once(ws, 'error').then(([e]: unknown[]) => {
      throw new StoreError('UNAVAILABLE', `cannot write ${partial}: ${(e as Error).message}`);
    });
    failed.catch(() => undefined);
    const line = async (v: unknown): Promise<void> => {
      if (!ws.write(`${JSON.stringify(v)}\n`)) await Promise.race([once(ws, 'drain'), failed]);
    };
    const head: BackupHeader = {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      created: new Date().toISOString(),
      source: snap.source,
      migrations: {
        domain: await snap.migrations(),
        realm: snap.realms.length > 0 ? await snap.migrations(snap.realms[0]) : [],
      },
      realms: snap.realms,
    };
    await line(head);
    let total = 0;
    const dump = async (db: 'domain' | 'realm', realm?: string): Promise<void> => {
      for (const spec of db === 'domain' ? DOMAIN_TABLES : REALM_TABLES) {
        for (const raw of await snap.rows(spec, realm)) {
          const rec: BackupRecord = {
            db,
            ...(realm !== undefined ? { realm } : {}),
            table: spec.name,
            row: portableRow(spec, raw),
          };
          await line(rec);
          const key = `${db}.${spec.name}`;
          counts[key] = (counts[key] ?? 0) + 1;
          total++;
        }
      }
    };
    await dump('domain');
    for (const realm of snap.realms) await dump('realm', realm);
    await line({ end: true, rows: total });
    ws.end();
    await Promise.race([once(ws, 'finish'), failed]);
    // A link, not a rename: it fails when `file` exists, so no backup is ever overwritten.
    try {
      await link(partial, file);
    } catch (e) {
      const exists = (e as { code?: string }).code === 'EEXIST';
      throw new StoreError(
        exists ? 'ALREADY_EXISTS' : 'UNAVAILABLE',
        exists
          ? `${file} exists; a backup never overwrites a file`
          : `cannot write ${file}: ${(e as Error).message}`,
      );
    }
    await rm(partial, { force: true });
    return { file, source: snap.source, realms: snap.realms, rows: counts };
  } catch (e) {
    await rm(partial, { force: true });
    throw e;
  } finally {
    await snap.close();
  }
}
