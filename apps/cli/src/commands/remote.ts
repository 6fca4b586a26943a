/**
 * Nodes and their workers through the center (SPEC §4.2, and `list_workers` of §4.3):
 * `cdc workers`, `cdc worker status|stop|start`, `cdc shutdown`, `cdc affinity`, `cdc cpus`,
 * `cdc pythonpath`.
 * @module
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import { CliError } from '../errors.js';
import { runCall } from '../center-api.js';
import type { CenterFlags } from '../center-api.js';
import { cpuListArg, readJsonObject } from '../input.js';
import { printResult } from '../output.js';
import { withCenter } from '../profile.js';
import { connectionOptions } from './api.js';
import { styleFor } from '../format/style.js';
import { workerView, workersView } from '../format/views.js';
import type { WorkerInfo } from '@cdc/api';

export const WORKER_TYPES = ['router', 'container', 'guest'] as const;
type WorkerType = (typeof WORKER_TYPES)[number];

/** A worker as `get_worker_status` answers, or a row saying it could not be read. */
function workerInfo(id: string, w: unknown): WorkerInfo {
  return typeof w === 'object' && w !== null
    ? (w as WorkerInfo)
    : { id, type: '-', status: 'unknown' };
}

/** `cdc workers NODE`: the worker IDs, and for people each worker's status in a table. */
async function nodeWorkers(node: string, flags: CenterFlags): Promise<void> {
  await withCenter(flags, async (cdc) => {
    const ids: unknown = await cdc.remote.getNodeWorkers(node);
    if (flags.json === true || !Array.isArray(ids) || !ids.every((i) => typeof i === 'string')) {
      printResult(ids, flags.json === true);
      return;
    }
    const rows = await Promise.all(
      ids.map(async (id) =>
        workerInfo(id, await cdc.remote.getWorkerStatus(node, id).catch(() => undefined)),
      ),
    );
    process.stdout.write(workersView(rows, styleFor()));
  });
}

function workerStart(
  node: string,
  worker: string,
  flags: CenterFlags & { type?: WorkerType; config?: string },
): Promise<void> {
  const config = flags.config !== undefined ? readJsonObject(flags.config) : {};
  const inFile = config['type'];
  if (inFile !== undefined && flags.type !== undefined && inFile !== flags.type)
    throw new CliError(
      `${flags.config ?? ''} is a ${JSON.stringify(inFile)} worker, not --type ${flags.type}`,
    );
  const type = flags.type ?? inFile;
  if (!WORKER_TYPES.includes(type as WorkerType))
    throw new CliError('give --type router, container or guest (or a "type" in the config file)');
  if (type === 'guest' && flags.config === undefined)
    throw new CliError('a guest worker needs --config FILE (with its "executable")');
  return runCall(flags, (cdc) =>
    type === 'router'
      ? cdc.remote.startRouterWorker(node, worker, { routerConfig: config })
      : type === 'container'
        ? cdc.remote.startContainerWorker(node, worker, { containerConfig: config })
        : cdc.remote.startGuestWorker(node, worker, config),
  );
}

export function registerRemoteCommands(program: Command): void {
  connectionOptions(
    program
      .command('workers <node>')
      .description("a node's workers: running now (from the node), or --configured in the center"),
  )
    .option('--configured', 'the workers the center has configured for the node')
    .action((node: string, flags: CenterFlags & { configured?: boolean }) =>
      flags.configured === true
        ? runCall(flags, (cdc) => cdc.config.listWorkers(node))
        : nodeWorkers(node, flags),
    );

  const worker = program.command('worker').description("a node's worker, through the center");
  connectionOptions(
    worker.command('status <node> <worker>').description('the status of a worker'),
  ).action((node: string, id: string, flags: CenterFlags) =>
    runCall(
      flags,
      (cdc) => cdc.remote.getWorkerStatus(node, id),
      (v) => process.stdout.write(workerView(v as WorkerInfo, styleFor())),
    ),
  );
  connectionOptions(worker.command('stop <node> <worker>').description('stop a worker')).action(
    (node: string, id: string, flags: CenterFlags) =>
      runCall(flags, (cdc) => cdc.remote.shutdownWorker(node, id)),
  );
  connectionOptions(
    worker
      .command('start <node> <worker>')
      .description('start a router, container or guest worker from a worker config file'),
  )
    .addOption(new Option('--type <type>', 'worker type').choices(WORKER_TYPES))
    .option('--config <file>', 'worker config (JSON); for router and container default {}')
    .action(
      (node: string, id: string, flags: CenterFlags & { type?: WorkerType; config?: string }) =>
        workerStart(node, id, flags),
    );

  connectionOptions(
    program.command('shutdown <node>').description('shut a node down (needs --yes)'),
  )
    .option('--yes', 'yes, really shut the node down')
    .action((node: string, flags: CenterFlags & { yes?: boolean }) => {
      if (flags.yes !== true)
        throw new CliError(`this shuts node "${node}" down; add --yes to do it`);
      return runCall(flags, (cdc) => cdc.remote.shutdownNode(node));
    });

  connectionOptions(
    program
      .command('affinity <node> <worker>')
      .description("a worker's CPU affinity; --set pins it to CPUs"),
  )
    .option('--set <cpus>', 'CPUs to pin the worker to, e.g. 0,1 or 0-3')
    .action((node: string, id: string, flags: CenterFlags & { set?: string }) => {
      const cpus = flags.set !== undefined ? cpuListArg(flags.set, '--set') : undefined;
      return runCall(flags, (cdc) =>
        cpus !== undefined
          ? cdc.remote.setWorkerCpuAffinity(node, id, cpus)
          : cdc.remote.getWorkerCpuAffinity(node, id),
      );
    });
  connectionOptions(
    program.command('cpus <node> <worker>').description('how many CPUs a worker can see'),
  ).action((node: string, id: string, flags: CenterFlags) =>
    runCall(flags, (cdc) => cdc.remote.getWorkerCpuCount(node, id)),
  );

  connectionOptions(
    program
      .command('pythonpath <node> <worker>')
      .description("a worker's module search paths; --add adds some (in front, or --append)"),
  )
    .option('--add <path...>', 'paths to add')
    .option('--append', 'add them at the end instead of in front')
    .action(
      (node: string, id: string, flags: CenterFlags & { add?: string[]; append?: boolean }) => {
        if (flags.append === true && flags.add === undefined)
          throw new CliError('--append goes with --add PATH...');
        const add = flags.add;
        return runCall(flags, (cdc) =>
          add !== undefined
            ? cdc.remote.addWorkerPythonpath(node, id, add, { prepend: flags.append !== true })
            : cdc.remote.getWorkerPythonpath(node, id),
        );
      },
    );
}
