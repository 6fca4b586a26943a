/**
 * `cdc center status`: a clustered center as PostgreSQL sees it (SPEC §9) — its instances
 * (address, started, last beat) and its realms with their owner and how long the owner has
 * held them. Read from the cluster schema, so it answers while any instance is down.
 * @module
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { InstanceRow, LeaseRow } from '@cdc/store';
import { CliError } from '../errors.js';
import { styleFor } from '../format/style.js';
import type { Style } from '../format/style.js';
import { renderTable } from '../format/table.js';
import { duration, timestamp } from '../format/units.js';

interface StoreFlags {
  dir: string;
  databaseUrl?: string;
  json?: boolean;
}

export interface ClusterStatus {
  instances: InstanceRow[];
  realms: LeaseRow[];
}

/** The human view: one table of instances, one of realms. */
export function clusterStatusView(s: ClusterStatus, style: Style): string {
  const instances = renderTable(
    s.instances,
    [
      { header: 'INSTANCE', cell: (i) => i.id },
      { header: 'ADDRESS', cell: (i) => i.address },
      { header: 'STARTED', cell: (i) => timestamp(i.started, style) },
      { header: 'LAST BEAT', cell: (i) => `${duration(i.ageMs / 1000)} ago`, align: 'right' },
      {
        header: 'REALMS',
        cell: (i) => String(s.realms.filter((l) => l.owner === i.id && l.remainingMs > 0).length),
        align: 'right',
      },
    ],
    style,
  );
  const realms = renderTable(
    s.realms,
    [
      { header: 'REALM', cell: (l) => l.realm },
      { header: 'OWNER', cell: (l) => (l.remainingMs > 0 ? l.owner : `(none; was ${l.owner})`) },
      { header: 'TOKEN', cell: (l) => String(l.token), align: 'right' },
      {
        // An expired lease is held by nobody: its age would only keep counting.
        header: 'HELD',
        cell: (l) => (l.remainingMs > 0 ? duration(l.heldMs / 1000) : '-'),
        align: 'right',
      },
      {
        header: 'EXPIRES IN',
        cell: (l) => (l.remainingMs > 0 ? duration(l.remainingMs / 1000) : 'expired'),
        align: 'right',
        paint: (l) => (l.remainingMs > 0 ? undefined : 'yellow'),
      },
    ],
    style,
  );
  return `Instances\n${instances}\nRealms\n${realms}`;
}

export function registerClusterCommands(
  center: Command,
  storeOptions: (cmd: Command) => Command,
): void {
  storeOptions(
    center
      .command('status')
      .description('a clustered center: its instances, and which instance serves each realm'),
  )
    .option('--json', 'print JSON')
    .action(async (flags: StoreFlags) => {
      if (!/^postgres(ql)?:\/\//.test(flags.databaseUrl ?? ''))
        throw new CliError(
          'cdc center status reads a clustered center: set CDC_DATABASE_URL (or --database-url) to its postgres:// URL',
        );
      const { createStoreFactory } = await import('@cdc/store');
      const factory = createStoreFactory({ dir: resolve(flags.dir), url: flags.databaseUrl });
      try {
        const cluster = await factory.cluster();
        const [instances, realms] = await Promise.all([cluster.instances(), cluster.leases()]);
        const status: ClusterStatus = { instances, realms };
        process.stdout.write(
          flags.json === true
            ? `${JSON.stringify(status, null, 2)}\n`
            : clusterStatusView(status, styleFor()),
        );
      } finally {
        await factory.close();
      }
    });
}
