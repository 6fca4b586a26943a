/**
 * The entry point of a native worker process (router or container). The controller forks
 * it with an IPC channel and sends `init`; the worker joins the controller's management
 * realm over that channel, starts what its config holds, registers its
 * `crossbar.worker.<id>.*` procedures and reports `ready`. Logs go to stdout as JSON lines,
 * which the controller collects.
 * @module
 */
import { pino } from 'pino';
import { CrossbarErrors, WampError, errorMessage } from '@cdc/protocol';
import type { ContainerWorkerConfig, RouterWorkerConfig } from '@cdc/config';
import { joinSession } from '@cdc/client';
import type { Session } from '@cdc/client';
import { ComponentRunner, RouterHost } from '@cdc/router-host';
import { createIpcTransport, parentWampStream } from '@cdc/transport';
import { registerTable } from '../api/procedures.js';
import type { ProcedureTable } from '../api/procedures.js';
import { nativeProcessProcedures } from '../api/native.js';
import type { LocalPublish } from '../api/native.js';
import { isParentCommand } from '../ipc/messages.js';
import type { ParentCommand, WorkerMessage } from '../ipc/messages.js';
import { commonProcedures } from './common-api.js';
import type { WorkerState } from './common-api.js';
import { containerProcedures } from './container-api.js';
import { routerProcedures } from './router-api.js';

type Init = Extract<ParentCommand, { cmd: 'init' }>;

function send(m: WorkerMessage): void {
  process.send?.(m);
}

let stopping = false;
let stopHook: (() => Promise<void>) | undefined;

async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    try {
      await stopHook?.();
    } catch {
      // exiting anyway
    }
  }
  process.exit(code);
}

async function run(init: Init): Promise<void> {
  const log = pino({ level: init.logLevel, base: { worker: init.id } });
  process.title = init.config.options?.title ?? `cdc-worker-${init.id}`;
  process.on('uncaughtException', (e) => {
    log.fatal({ err: e }, 'uncaught exception');
    void stop(1);
  });
  process.on('unhandledRejection', (e) => log.error({ err: e }, 'unhandled rejection'));
  // The controller went away: nothing left to serve.
  process.on('disconnect', () => void stop(0));

  const session: Session = await joinSession(
    createIpcTransport(parentWampStream(), 'ipc:controller'),
    {
      realm: init.realm,
    },
  );
  const prefix = `crossbar.worker.${init.id}.`;
  const publish: LocalPublish = (suffix, args) => {
    if (session.isOpen) session.publish(prefix + suffix, args).catch(() => undefined);
  };
  let table: ProcedureTable;
  let searchPaths: string[];
  if (init.type === 'router') {
    const host: RouterHost = new RouterHost({
      logger: log,
      baseDir: init.cbdir,
      nodeInfo: (): Record<string, unknown> => ({
        node_id: state.nodeId,
        worker: init.id,
        pid: process.pid,
        realms: host.getRealms().map((id: string) => host.getRealm(id).name),
      }),
    });
    stopHook = () => host.stop();
    await host.start(init.config as RouterWorkerConfig);
    table = routerProcedures(host, publish);
    searchPaths = host.components.searchPaths;
  } else {
    const runner = new ComponentRunner(undefined, init.cbdir, log);
    stopHook = () => runner.stopAll();
    for (const c of (init.config as ContainerWorkerConfig).components ?? [])
      await runner.start(c.id ?? 'component', c);
    table = containerProcedures(runner, publish);
    searchPaths = runner.searchPaths;
  }
  const state: WorkerState = {
    nodeId: init.nodeId,
    searchPaths,
    cbdir: init.cbdir,
    shutdown: () => void stop(0),
  };
  for (const p of init.config.options?.pythonpath ?? []) state.searchPaths.push(p);
  await registerTable(session, prefix, {
    ...nativeProcessProcedures(publish),
    ...commonProcedures(state, publish),
    ...table,
  });
  session.onLeave(() => void stop(0));
  publish('on_worker_ready', [{ type: init.type, id: init.id, pid: process.pid }]);
  log.info({ type: init.type, pid: process.pid }, 'worker ready');
  send({ cmd: 'ready', pid: process.pid });
}

process.on('message', (m: unknown) => {
  if (!isParentCommand(m)) return;
  if (m.cmd === 'shutdown') {
    void stop(0);
    return;
  }
  run(m).catch((e: unknown) => {
    const err =
      e instanceof WampError ? e : WampError.of(CrossbarErrors.CANNOT_START, errorMessage(e));
    const message = typeof err.args[0] === 'string' ? err.args[0] : err.message;
    process.stderr.write(`worker failed to start: ${err.uri}: ${message}\n`);
    send({ cmd: 'failed', error: message, uri: err.uri });
    void stop(1);
  });
});
