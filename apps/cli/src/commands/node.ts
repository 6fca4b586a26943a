/**
 * `cdc node …`: run a node (`start`), show its public key (`pubkey`), validate its config
 * (`check`), and drive a running node through its local management socket (`status`,
 * `workers`, `logs`, `call`).
 * @module
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '@cdc/config';
import { KeyError } from '@cdc/cryptosign';
import { joinSession } from '@cdc/client';
import type { Session } from '@cdc/client';
import { connect } from '@cdc/transport';
import { LOCAL_PREFIX, nodeCall, workerUri } from '@cdc/api';
import type { NodeArgs, NodeProcedure, NodeResult, WorkerLogEntry } from '@cdc/api';
import {
  CONTROLLER_SOCKET,
  DEFAULT_CBDIR,
  MANAGEMENT_REALM,
  NodeController,
  loadNodeConfig,
  openNodeDirectory,
} from '@cdc/node';
import { createLogger } from '../log.js';
import { CliError } from '../errors.js';
import { parseValue, printResult } from '../output.js';
import { connectionOptions, nodeStatus } from './api.js';
import type { ConnectionFlags } from '../profile.js';
import { errorMessage } from '@cdc/protocol';

interface DirOpts {
  cbdir: string;
}

function cbdirOption(cmd: Command): Command {
  return cmd.option(
    '--cbdir <dir>',
    'node directory',
    process.env['CROSSBAR_DIR'] ?? DEFAULT_CBDIR,
  );
}

async function openDir(dir: string) {
  try {
    return await openNodeDirectory(dir);
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(e.message, e.uri);
    if (e instanceof KeyError) throw new CliError(e.message, `key.${e.code.toLowerCase()}`);
    throw e;
  }
}

/** A session on a running node's management realm, over its Unix socket. */
export async function nodeSession(cbdir: string): Promise<Session> {
  const sock = join(resolve(cbdir), CONTROLLER_SOCKET);
  if (!existsSync(sock))
    throw new CliError(`no node is running in ${resolve(cbdir)} (no ${CONTROLLER_SOCKET})`);
  try {
    return await joinSession(await connect(`unix:${sock}`), { realm: MANAGEMENT_REALM });
  } catch (e) {
    throw new CliError(`cannot reach the node in ${resolve(cbdir)}: ${errorMessage(e)}`);
  }
}

/** Call a procedure of the node API on the local node; the answer checked against the contract. */
async function callNode<K extends NodeProcedure>(
  s: Session,
  name: K,
  args: NodeArgs<K>,
): Promise<NodeResult<K>> {
  const c = nodeCall(name, args);
  return c.answer((await s.call(c.uri, c.args)).value, 'the node');
}

async function withNode<T>(cbdir: string, f: (s: Session) => Promise<T>): Promise<T> {
  const s = await nodeSession(cbdir);
  try {
    return await f(s);
  } finally {
    await s.leave().catch(() => undefined);
  }
}

export function registerNodeCommands(program: Command): void {
  const node = program.command('node').description('run and drive a Crossbar.io-style router node');

  cbdirOption(
    node.command('start').description('start a node from its directory (keys and config.json)'),
  )
    .option(
      '--log-level <level>',
      'trace, debug, info, warn or error',
      process.env['CDC_LOG_LEVEL'] ?? 'info',
    )
    .option(
      '--url <url>',
      'the center to connect to (default: config.json controller.cdc.url or controller.fabric.transport, else $CDC_URL or $CROSSBAR_FABRIC_URL)',
    )
    .action(async (opts: DirOpts & { logLevel: string; url?: string }) => {
      const log = createLogger({ level: opts.logLevel, name: 'controller' });
      const { node: dir, report } = await openDir(opts.cbdir);
      if (report.createdKey) log.info({ dir: dir.dir }, 'New node key pair generated!');
      for (const f of report.fixedPermissions)
        log.warn({ file: f }, 'File permissions on node key fixed!');
      log.info(
        { config: dir.hasConfig ? dir.configPath : null, workers: dir.config.workers?.length ?? 0 },
        dir.hasConfig ? 'Node configuration loaded' : 'No config.json: starting an empty node',
      );
      log.info(`Node Public Key: ${dir.key.publicKeyHex}`);
      log.info({ dir: dir.dir }, 'Running from node directory');
      const controller = new NodeController({
        node: dir,
        logger: log,
        logLevel: opts.logLevel,
        onShutdown: () => setTimeout(() => process.exit(), 50),
        // Without --url the controller reads config.json, then CDC_URL / CROSSBAR_FABRIC_URL.
        ...(opts.url !== undefined ? { uplink: { url: opts.url } } : {}),
      });
      const stop = (signal: string): void => {
        log.info({ signal }, 'signal received');
        void controller.shutdown({ mode: signal });
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
      try {
        await controller.start();
      } catch (e) {
        log.error({ err: errorMessage(e) }, 'node failed to start');
        await controller.shutdown({ mode: 'failed' });
        throw e;
      }
      log.info(
        {
          management: controller.managementUrl,
          center: controller.uplink?.url ?? null,
          workers: controller.workers.list(),
        },
        'node started',
      );
    });

  cbdirOption(
    node
      .command('pubkey')
      .description('print the node public key (making a key pair first if there is none)'),
  ).action(async (opts: DirOpts) => {
    const { node: dir } = await openDir(opts.cbdir);
    process.stdout.write(`${dir.key.publicKeyHex}\n`);
  });

  cbdirOption(
    node.command('check').description('validate config.json without starting anything'),
  ).action(async (opts: DirOpts) => {
    const path = join(resolve(opts.cbdir), 'config.json');
    if (!existsSync(path)) throw new CliError(`no config.json in ${resolve(opts.cbdir)}`);
    try {
      const cfg = await loadNodeConfig(path);
      const workers = cfg.workers ?? [];
      process.stdout.write(
        `${path}: OK (${workers.length} worker${workers.length === 1 ? '' : 's'}${workers.length > 0 ? ': ' + workers.map((w) => `${w.id ?? '?'} (${w.type})`).join(', ') : ''})\n`,
      );
    } catch (e) {
      if (e instanceof ConfigError) {
        for (const i of e.issues)
          process.stderr.write(`${path}: ${i.path === '' ? '(root)' : i.path}: ${i.message}\n`);
        throw new CliError(
          `invalid configuration (${e.issues.length} problem${e.issues.length === 1 ? '' : 's'})`,
          e.uri,
        );
      }
      throw e;
    }
  });

  // `cdc node status ID` asks the center about a node; without an ID, the local node answers.
  connectionOptions(
    cbdirOption(
      node
        .command('status [node_id]')
        .description("a node's status: from the center (with an ID) or the local node"),
    ),
  ).action((nodeId: string | undefined, opts: DirOpts & ConnectionFlags & { json?: boolean }) =>
    nodeId !== undefined
      ? nodeStatus(nodeId, opts)
      : withNode(opts.cbdir, async (s) =>
          printResult(await callNode(s, 'get_status', []), opts.json === true),
        ),
  );

  cbdirOption(node.command('workers').description("a running node's workers"))
    .option('--json', 'print JSON')
    .action((opts: DirOpts & { json?: boolean }) =>
      withNode(opts.cbdir, async (s) => {
        const ids = await callNode(s, 'get_workers', []);
        const rows = await Promise.all(ids.map((id) => callNode(s, 'get_worker', [id])));
        printResult(rows, opts.json === true);
      }),
    );

  cbdirOption(node.command('logs <worker>').description("a worker's log"))
    .option('-n, --limit <n>', 'how many lines', '100')
    .option('-f, --follow', 'keep printing new lines')
    .action((worker: string, opts: DirOpts & { limit: string; follow?: boolean }) =>
      withNode(opts.cbdir, async (s) => {
        const print = (e: WorkerLogEntry): void => {
          const level = (e.level ?? '').toUpperCase().padEnd(5);
          process.stdout.write(`${e.time ?? ''} ${level} ${e.message ?? ''}\n`);
        };
        for (const e of await callNode(s, 'get_worker_log', [worker, Number(opts.limit)])) print(e);
        if (opts.follow !== true) return;
        await s.subscribe(workerUri(worker, 'on_log'), (args) => print(args[0] ?? {}));
        await new Promise<void>((res) => {
          process.once('SIGINT', res);
          s.onLeave(() => res());
        });
      }),
    );

  cbdirOption(
    node
      .command('call <procedure> [args...]')
      .description('call a management procedure (args as JSON, else strings)'),
  )
    .option('--kw <key=value...>', 'keyword arguments (values as JSON, else strings)')
    .option('--json', 'print JSON')
    .action(
      (procedure: string, args: string[], opts: DirOpts & { kw?: string[]; json?: boolean }) =>
        withNode(opts.cbdir, async (s) => {
          const kwargs: Record<string, unknown> = {};
          for (const kv of opts.kw ?? []) {
            const i = kv.indexOf('=');
            if (i <= 0) throw new CliError(`--kw takes key=value, got "${kv}"`);
            kwargs[kv.slice(0, i)] = parseValue(kv.slice(i + 1));
          }
          // A name of the node API (`get_status`, `worker.w1.get_cpus`) or a whole URI.
          const uri =
            procedure.startsWith(LOCAL_PREFIX) || procedure.startsWith('wamp.')
              ? procedure
              : `${LOCAL_PREFIX}${procedure}`;
          const r = await s.call(uri, args.map(parseValue), kwargs);
          printResult(r.args.length <= 1 ? r.value : r.args, opts.json === true);
        }),
    );
}
