/**
 * The entry point of a native worker process (router or container). The controller forks
 * it with its lifecycle channel and a WAMP socket, and sends `init`; the worker joins the
 * controller's management realm over the socket, starts what its config holds, registers
 * its `crossbar.worker.<id>.*` procedures and reports `ready` (`serveChild` runs that
 * lifecycle). Logs go to stdout as JSON lines, which the controller collects.
 * @module
 */
import { pino } from 'pino';
import { WORKER_PROCEDURES, workerPrefix } from '@cdc/api';
import type {
  ContainerApi,
  NativeProcessApi,
  RouterApi,
  WorkerCommonApi,
  WorkerEvents,
} from '@cdc/api';
import { joinSession } from '@cdc/client';
import type { Session } from '@cdc/client';
import { ComponentRunner, RouterHost } from '@cdc/router-host';
// The child's side alone: a child loads none of the parent's machinery.
import { serveChild } from '@cdc/supervisor/child';
import type { ChildContext } from '@cdc/supervisor/child';
import { registerTable } from '../api/procedures.js';
import type { Handlers } from '../api/procedures.js';
import { nativeProcessProcedures } from '../api/native.js';
import type { LocalPublish } from '../api/native.js';
import type { WorkerInit, WorkerLifecycle } from '../ipc/messages.js';
import { commonProcedures } from './common-api.js';
import type { WorkerState } from './common-api.js';
import { containerProcedures } from './container-api.js';
import { routerProcedures } from './router-api.js';

async function run(init: WorkerInit, child: ChildContext<WorkerLifecycle>): Promise<undefined> {
  const log = pino({ level: init.logLevel, base: { worker: init.id } });
  process.title = init.config.options?.title ?? `cdc-worker-${init.id}`;
  process.on('uncaughtException', (e) => {
    log.fatal({ err: e }, 'uncaught exception');
    void child.exit(1);
  });
  process.on('unhandledRejection', (e) => log.error({ err: e }, 'unhandled rejection'));

  const session: Session = await joinSession(child.connect('ipc:controller'), {
    realm: init.realm,
  });
  const prefix = workerPrefix(init.id);
  const publish: LocalPublish<WorkerEvents> = (event, args) => {
    if (session.isOpen) session.publish(prefix + event, args).catch(() => undefined);
  };
  // The worker's own procedures, registered with those every native worker has.
  let register: (common: Handlers<NativeProcessApi & WorkerCommonApi>) => Promise<unknown>;
  let searchPaths: string[];
  const config = init.config;
  if (config.type === 'router') {
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
    child.onStop(() => host.stop());
    await host.start(config);
    const own = routerProcedures(host, { id: init.id, options: config.options ?? {} }, publish);
    register = (common) =>
      registerTable<RouterApi>(session, prefix, WORKER_PROCEDURES, { ...common, ...own });
    searchPaths = host.components.searchPaths;
  } else {
    const runner = new ComponentRunner(undefined, init.cbdir, log);
    child.onStop(() => runner.stopAll());
    for (const c of config.components ?? []) await runner.start(c.id ?? 'component', c);
    const own = containerProcedures(runner, publish);
    register = (common) =>
      registerTable<ContainerApi>(session, prefix, WORKER_PROCEDURES, { ...common, ...own });
    searchPaths = runner.searchPaths;
  }
  const state: WorkerState = {
    nodeId: init.nodeId,
    searchPaths,
    cbdir: init.cbdir,
    shutdown: () => void child.exit(0),
  };
  for (const p of config.options?.pythonpath ?? []) state.searchPaths.push(p);
  await register({ ...nativeProcessProcedures(publish), ...commonProcedures(state, publish) });
  session.onLeave(() => void child.exit(0));
  publish('on_worker_ready', [{ type: init.type, id: init.id, pid: process.pid }]);
  log.info({ type: init.type, pid: process.pid }, 'worker ready');
  return undefined;
}

serveChild<WorkerLifecycle>({ name: 'worker' }, run);
