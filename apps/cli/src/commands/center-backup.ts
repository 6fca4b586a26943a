/**
 * `cdc center backup` and `cdc center restore`: the center's data to a portable file while
 * the center runs, and such a file into an empty data directory or database, of either kind
 * (`@cdc/store`'s `backupStore` and `restoreStore` do the work).
 * @module
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { printResult } from '../output.js';

interface StoreFlags {
  dir: string;
  databaseUrl?: string;
  json?: boolean;
}

function location(flags: StoreFlags): { dir: string; url?: string } {
  return {
    dir: resolve(flags.dir),
    ...(flags.databaseUrl !== undefined ? { url: flags.databaseUrl } : {}),
  };
}

export function registerBackupCommands(
  center: Command,
  storeOptions: (cmd: Command) => Command,
): void {
  storeOptions(
    center
      .command('backup')
      .description('write a consistent backup of the center data while it runs'),
  )
    .requiredOption('--out <file>', 'the backup file to write (refused if it exists)')
    .option('--json', 'print JSON')
    .action(async (flags: StoreFlags & { out: string }) => {
      const { backupStore } = await import('@cdc/store');
      const r = await backupStore(location(flags), flags.out);
      printResult(r, flags.json === true);
    });

  storeOptions(
    center
      .command('restore <file>')
      .description('restore a backup into an empty data directory or PostgreSQL database'),
  )
    .option('--json', 'print JSON')
    .action(async (file: string, flags: StoreFlags) => {
      const { restoreStore } = await import('@cdc/store');
      printResult(await restoreStore(location(flags), file), flags.json === true);
    });
}
