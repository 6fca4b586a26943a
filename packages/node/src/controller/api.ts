/**
 * The controller's `crossbar.*` procedures (Crossbar.io's node controller API: status,
 * system stats, workers, logs, CPU and process procedures, shutdown).
 * @module
 */
import { CrossbarErrors, WampError } from '@cdc/protocol';
import { ConfigError, check } from '@cdc/config';
import type { WorkerConfig } from '@cdc/config';
import type { ControllerApi, ControllerOwnApi, ControllerStatus, ShutdownInfo } from '@cdc/api';
import type { Handlers } from '../api/procedures.js';
import { nativeProcessProcedures } from '../api/native.js';
import type { SystemStats } from '../system/system-stats.js';
import type { WorkerManager } from './workers.js';

export interface ControllerApiContext {
  workers: WorkerManager;
  systemStats: SystemStats;
  status(): ControllerStatus;
  publicKey: string;
  shutdown(restart: boolean, mode: string | null, who: number | null): Promise<ShutdownInfo>;
}

const WORKER_TYPES = ['router', 'container', 'guest'];
const BODY_KEYS: Record<string, string[]> = {
  router: ['realms', 'transports', 'components'],
  container: ['components'],
};

/** Build the worker config `start_worker(id, type, options)` describes, validated. */
export function workerConfigFor(
  id: string,
  type: string,
  options: Record<string, unknown>,
): WorkerConfig {
  if (!WORKER_TYPES.includes(type)) {
    throw WampError.of(
      CrossbarErrors.INVALID_CONFIGURATION,
      `unknown worker type "${type}" (router, container or guest)`,
    );
  }
  let cfg: Record<string, unknown>;
  if (type === 'guest') cfg = { ...options, type, id };
  else {
    // Either plain worker options, or a whole worker entry (options plus realms/transports/components).
    const body = BODY_KEYS[type] ?? [];
    const whole = body.some((k) => k in options) || 'options' in options;
    cfg = whole ? { ...options, type, id } : { type, id, options };
  }
  try {
    check('worker', cfg);
  } catch (e) {
    if (e instanceof ConfigError)
      throw new WampError(CrossbarErrors.INVALID_CONFIGURATION, [e.message], { issues: e.issues });
    throw e;
  }
  return cfg;
}

export function controllerProcedures(ctx: ControllerApiContext): Handlers<ControllerApi> {
  const w = ctx.workers;
  const own: Handlers<ControllerOwnApi> = {
    get_status: () => ctx.status(),
    get_system_stats: () => ctx.systemStats.sample(),
    get_public_key: () => ctx.publicKey,
    shutdown: (p, c) =>
      ctx.shutdown(p.bool('restart', false), p.optString('mode') ?? null, c.caller ?? null),
    get_workers: (p) => w.list(p.stringList('filter_types', [])),
    get_worker: async (p) => {
      const worker = w.get(p.id('worker_id'));
      const info = worker.info();
      if (p.bool('include_stats', false) && worker.pid !== undefined && worker.exit === undefined) {
        const { processStats } = await import('../system/process-info.js');
        info.stats = await processStats(worker.pid);
      }
      return info;
    },
    start_worker: (p, c) => {
      const id = p.id('worker_id');
      const type = p.string('worker_type');
      const options = p.optDict('worker_options') ?? {};
      return w.start(workerConfigFor(id, type, options), c.caller ?? null);
    },
    stop_worker: (p, c) => w.stop(p.id('worker_id'), p.bool('kill', false), c.caller ?? null),
    get_worker_log: (p) => {
      const worker = w.get(p.id('worker_id'));
      return worker.log.tail(p.int('limit', 100, 0, 100_000));
    },
  };
  return { ...nativeProcessProcedures(), ...own };
}
