/**
 * `cdc center …`: run the center, and provision on the center machine (SPEC §4.5): realms
 * for owner keys, node pairings (one, or every `DIR/<node_id>/key.pub`), key grants.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { errorMessage } from '@cdc/protocol';
import type { CenterOptions, LimitsOverride } from '@cdc/center';
import type { DomainStore } from '@cdc/store';
import { createLogger } from '../log.js';
import { CliError } from '../errors.js';
import { parseValue, printResult } from '../output.js';
import { registerBackupCommands } from './center-backup.js';
import { registerClusterCommands } from './center-cluster.js';
import { parseProcesses, runWorkers, workerIndex, workerInstanceId } from './center-processes.js';

interface StoreFlags {
  dir: string;
  databaseUrl?: string;
}

function storeOptions(cmd: Command): Command {
  return cmd
    .option('--dir <dir>', 'data directory', process.env['CDC_DIR'] ?? '.cdc')
    .option(
      '--database-url <url>',
      'PostgreSQL URL (default: SQLite in --dir)',
      process.env['CDC_DATABASE_URL'],
    );
}

type CenterModule = typeof import('@cdc/center');

/** The center and its store load only when a center command runs (`cdc node` stays lean). */
async function withDomain<T>(
  flags: StoreFlags,
  f: (d: DomainStore, c: CenterModule) => Promise<T>,
): Promise<T> {
  const [{ createStoreFactory }, c] = await Promise.all([
    import('@cdc/store'),
    import('@cdc/center'),
  ]);
  const factory = createStoreFactory({
    dir: resolve(flags.dir),
    ...(flags.databaseUrl !== undefined ? { url: flags.databaseUrl } : {}),
  });
  try {
    const domain = await factory.domain();
    await domain.migrate();
    return await f(domain, c);
  } finally {
    await factory.close();
  }
}

function parseListen(s: string, flag = '--listen'): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(s);
  const host = m?.[1];
  if (m === null || host === undefined || Number(m[2]) > 65_535)
    throw new CliError(`${flag} takes HOST:PORT, got "${s}"`);
  return { host: host === '' ? '127.0.0.1' : host.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

interface StartFlags extends StoreFlags {
  listen: string;
  config?: string;
  tlsKey?: string;
  tlsCert?: string;
  bootstrapOwnerKey?: string;
  watchToPair?: string;
  watchRealm?: string;
  logLevel: string;
  heartbeatPeriod: string;
  smtpUrl?: string;
  mailFrom?: string;
  registrationLimits?: string;
  limits?: string;
  cluster?: boolean;
  instanceId?: string;
  processes?: string;
  link: string;
}

/**
 * `--registration-limits`: JSON text (flag, environment) or already an object (config
 * file). The center checks the values: its constructor refuses bad ones with a message.
 */
function registrationLimits(v: unknown): LimitsOverride | undefined {
  return jsonFlag('--registration-limits', v) as LimitsOverride | undefined;
}

/** A JSON flag: text (flag, environment) or already an object (config file). */
function jsonFlag(flag: string, v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch (e) {
    throw new CliError(`${flag} is not valid JSON: ${errorMessage(e)}`);
  }
}

/**
 * `--cluster`: PostgreSQL only, with the lease time from `CDC_CLUSTER_LEASE_S`; `--link`
 * where other instances reach this one (worker i of `--processes` takes port + i − 1).
 */
function clusterOptions(flags: StartFlags): NonNullable<CenterOptions['cluster']> {
  const url = flags.databaseUrl ?? '';
  if (!/^postgres(ql)?:\/\//.test(url))
    throw new CliError(
      'cluster mode needs PostgreSQL: set CDC_DATABASE_URL (or --database-url) to a postgres:// URL; SQLite serves one center only',
    );
  const raw = process.env['CDC_CLUSTER_LEASE_S'] ?? '10';
  const leaseS = Number(raw);
  if (!Number.isFinite(leaseS) || leaseS < 1 || leaseS > 3600)
    throw new CliError(`CDC_CLUSTER_LEASE_S must be seconds between 1 and 3600, got "${raw}"`);
  const instanceId = workerInstanceId() ?? flags.instanceId;
  const link = parseListen(flags.link, '--link');
  const index = workerIndex();
  return {
    leaseTtlMs: leaseS * 1000,
    linkHost: link.host,
    linkPort: link.port === 0 || index === 0 ? link.port : link.port + index - 1,
    ...(instanceId !== undefined ? { instanceId } : {}),
  };
}

export function registerCenterCommands(program: Command): void {
  const center = program.command('center').description('run the DevOps Center and provision it');
  registerBackupCommands(center, storeOptions);
  registerClusterCommands(center, storeOptions);

  storeOptions(center.command('start').description('run the center'))
    .option(
      '--listen <host:port>',
      'where to listen',
      process.env['CDC_LISTEN'] ?? '127.0.0.1:9000',
    )
    .option('--config <file>', 'JSON file with any of these options (flags win)')
    .option('--tls-key <file>', 'TLS private key (PEM)', process.env['CDC_TLS_KEY'])
    .option('--tls-cert <file>', 'TLS certificate (PEM)', process.env['CDC_TLS_CERT'])
    .option(
      '--bootstrap-owner-key <file>',
      'create realm "default" owned by this key when the database is empty',
    )
    .option('--watch-to-pair <dir>', 'pair every <dir>/<node_id>/key.pub that appears')
    .option('--watch-realm <name>', 'realm for --watch-to-pair', 'default')
    .option('--heartbeat-period <s>', 'node heartbeat period', '10')
    .option(
      '--smtp-url <url>',
      'send registration mail over SMTP: smtp://user:pass@host:587 or smtps://… (default: .eml files in <dir>/outbox/)',
      process.env['CDC_SMTP_URL'],
    )
    .option('--mail-from <address>', 'sender of registration mail', process.env['CDC_MAIL_FROM'])
    .option(
      '--registration-limits <json>',
      'registration limits per key, email and source, e.g. {"source": {"pending": 50, "per_hour": 200}}',
      process.env['CDC_REGISTRATION_LIMITS'],
    )
    .option(
      '--limits <json>',
      'what one peer may cost, e.g. {"max_pending_per_address": 256, "auth_failures_per_authid": 10} (docs/RELIABILITY.md)',
      process.env['CDC_LIMITS'],
    )
    .option(
      '--log-level <level>',
      'trace, debug, info, warn or error',
      process.env['CDC_LOG_LEVEL'] ?? 'info',
    )
    .option(
      '--cluster',
      'one of several center instances sharing the PostgreSQL database (lease time: CDC_CLUSTER_LEASE_S, default 10)',
    )
    .option(
      '--instance-id <id>',
      "this instance's id in the cluster (default <hostname>-<pid>)",
      process.env['CDC_INSTANCE_ID'],
    )
    .option(
      '--link <host:port>',
      'with --cluster: where the other instances reach this one (the internal link)',
      process.env['CDC_CLUSTER_LINK'] ?? '127.0.0.1:0',
    )
    .option(
      '--processes <n>',
      'with --cluster: run N instances on this machine sharing the port (ids <instance-id>-1 … -N)',
      process.env['CDC_PROCESSES'],
    )
    .action(async (raw: StartFlags) => {
      const file: Partial<StartFlags> =
        raw.config !== undefined && existsSync(raw.config)
          ? (JSON.parse(readFileSync(raw.config, 'utf8')) as Partial<StartFlags>)
          : {};
      if (raw.config !== undefined && !existsSync(raw.config))
        throw new CliError(`no config file ${raw.config}`);
      const flags = {
        ...file,
        ...Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)),
      } as StartFlags;
      const log = createLogger({ level: flags.logLevel, name: 'center' });
      const { host, port } = parseListen(flags.listen);
      if ((flags.tlsKey === undefined) !== (flags.tlsCert === undefined))
        throw new CliError('TLS needs both --tls-key and --tls-cert');
      const cluster = flags.cluster === true ? clusterOptions(flags) : undefined;
      let processes: number;
      try {
        processes = parseProcesses(flags.processes);
      } catch (e) {
        throw new CliError(errorMessage(e));
      }
      if (processes > 1 && cluster === undefined)
        throw new CliError('--processes runs several instances of a cluster: give --cluster too');
      if (processes > 1 && workerInstanceId() === undefined) {
        await runWorkers(processes, flags.instanceId, log);
        log.info('center stopped');
        process.exit(0);
      }
      const { Center, readPublicKey, limitsFromEnv } = await import('@cdc/center');
      let httpApi;
      try {
        httpApi = limitsFromEnv(process.env);
      } catch (e) {
        throw new CliError((e as Error).message);
      }
      const c = new Center({
        httpApi,
        host,
        port,
        dir: resolve(flags.dir),
        databaseUrl: flags.databaseUrl,
        cluster,
        tls:
          flags.tlsKey !== undefined && flags.tlsCert !== undefined
            ? { key: flags.tlsKey, cert: flags.tlsCert }
            : undefined,
        logger: log,
        logLevel: flags.logLevel,
        heartbeatPeriodS: Number(flags.heartbeatPeriod),
        limits: jsonFlag('--limits', flags.limits) as Record<string, number> | undefined,
        bootstrapOwnerKey:
          flags.bootstrapOwnerKey !== undefined
            ? readPublicKey(flags.bootstrapOwnerKey)
            : undefined,
        global: {
          smtpUrl: flags.smtpUrl,
          mailFrom: flags.mailFrom,
          registrationLimits: registrationLimits(flags.registrationLimits),
        },
        watchToPair:
          flags.watchToPair !== undefined
            ? { dir: resolve(flags.watchToPair), realm: flags.watchRealm ?? 'default' }
            : undefined,
        onBackendLog: (realm, line) => {
          try {
            const rec = JSON.parse(line) as { level?: number; msg?: string } & Record<
              string,
              unknown
            >;
            const { level, msg, time: _t, pid: _p, hostname: _h, ...rest } = rec;
            const fn =
              (level ?? 30) >= 50
                ? 'error'
                : (level ?? 30) >= 40
                  ? 'warn'
                  : (level ?? 30) >= 30
                    ? 'info'
                    : 'debug';
            log[fn]({ ...rest, realm }, msg ?? '');
          } catch {
            log.info({ realm }, line);
          }
        },
      });
      const stop = (signal: string): void => {
        log.info({ signal }, 'center shutting down');
        void c.stop().then(() => process.exit());
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
      await c.start().catch((e: unknown) => {
        // A `--processes` worker would stay up on its channel to the primary: exit, so the
        // primary starts it again.
        if (workerInstanceId() === undefined) throw e;
        log.error({ err: errorMessage(e) }, 'center worker failed to start');
        process.exit(1);
      });
      log.info(
        {
          url: c.url,
          rawsocket: c.rawSocketUrl,
          health: c.url.replace(/^ws/, 'http').replace(/\/ws$/, '/health'),
        },
        'listening',
      );
    });

  storeOptions(
    center.command('add-realm <name>').description('create a management realm owned by a key'),
  )
    .requiredOption(
      '--owner-key <file>',
      "the owner's public key (OpenSSH .pub, private key, or 64 hex)",
    )
    .option('--owner <name>', 'user name for a new owner (default: from the key comment)')
    .option('--json', 'print JSON')
    .action(
      (name: string, flags: StoreFlags & { ownerKey: string; owner?: string; json?: boolean }) =>
        withDomain(flags, async (d, c) =>
          printResult(
            await c.addRealm(d, name, c.readPublicKey(flags.ownerKey), flags.owner),
            flags.json === true,
          ),
        ),
    );

  storeOptions(
    center
      .command('pair-node')
      .description('pair a node key (or every DIR/<node_id>/key.pub) with a realm'),
  )
    .requiredOption('--realm <name>', 'management realm')
    .option('--node-id <id>', 'node ID')
    .option('--pubkey <hex|file>', "the node's public key: 64 hex, or a key.pub file")
    .option('--keys-dir <dir>', 'pair every <dir>/<node_id>/key.pub')
    .option('--extra <json>', 'extra returned in node_info', '{}')
    .option('--json', 'print JSON')
    .action(
      (
        flags: StoreFlags & {
          realm: string;
          nodeId?: string;
          pubkey?: string;
          keysDir?: string;
          extra: string;
          json?: boolean;
        },
      ) =>
        withDomain(flags, async (d, c) => {
          if (flags.keysDir !== undefined) {
            printResult(
              await c.pairKeysDir(d, flags.realm, resolve(flags.keysDir)),
              flags.json === true,
            );
            return;
          }
          if (flags.nodeId === undefined || flags.pubkey === undefined)
            throw new CliError('give --node-id and --pubkey, or --keys-dir');
          const extra = parseValue(flags.extra);
          if (typeof extra !== 'object' || extra === null || Array.isArray(extra))
            throw new CliError('--extra must be a JSON object');
          printResult(
            await c.pairNode(
              d,
              flags.realm,
              flags.nodeId,
              c.readPublicKey(flags.pubkey),
              extra as Record<string, unknown>,
            ),
            flags.json === true,
          );
        }),
    );

  storeOptions(center.command('grant').description('grant a key a role in a realm'))
    .requiredOption('--realm <name>', 'management realm')
    .requiredOption('--key <file>', 'public key (OpenSSH .pub, private key, or 64 hex)')
    .requiredOption('--role <role>', 'cdc-guest, cdc-devop, cdc-admin or cdc-owner')
    .option('--label <label>', 'label (the authid of an API-client key)')
    .option('--json', 'print JSON')
    .action(
      (
        flags: StoreFlags & {
          realm: string;
          key: string;
          role: string;
          label?: string;
          json?: boolean;
        },
      ) =>
        withDomain(flags, async (d, c) =>
          printResult(
            await c.grant(d, flags.realm, c.readPublicKey(flags.key), flags.role, flags.label),
            flags.json === true,
          ),
        ),
    );
}
