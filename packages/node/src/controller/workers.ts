/**
 * The controller's worker table: start and stop workers, report exits, restart workers
 * whose options ask for it (`@cdc/supervisor`: the policy, backoff with jitter, reset after a
 * minute up), and keep the last run of every worker visible (status, exit code, log) until a
 * new one with the same ID starts. Live workers are recorded in `workers.json`.
 * @module
 */
import { CrossbarErrors, WampError, errorMessage } from '@cdc/protocol';
import type { Transport, Logger } from '@cdc/protocol';
import type { WorkerConfig } from '@cdc/config';
import { controllerUri, workerUri } from '@cdc/api';
import type { StartedWorker, StoppedWorker } from '@cdc/api';
import { Supervisor } from '@cdc/supervisor';
import type { ExitInfo, RestartInfo } from '@cdc/supervisor';
import { WorkerRegistry } from './orphans.js';
import { WorkerProcess } from './worker-process.js';
import type { WorkerType } from './worker-process.js';
import type { LogEntry } from './log-buffer.js';

export interface WorkerManagerOptions {
  cbdir: string;
  realm: string;
  nodeId: () => string | null;
  logLevel: string;
  logger: Logger;
  publish(topic: string, args: unknown[]): void;
  /** Connect a native worker's transport to the controller's router. */
  attach(workerId: string, transport: Transport): void;
  /** How long a native worker gets to report `ready` (default 30 s). */
  startupTimeoutMs?: number;
  /**
   * How long a worker gets after the polite stop request (native: `shutdown`; guest:
   * SIGTERM) before the next step (default 5 s).
   */
  stopGraceMs?: number;
}

const ACTIVE = new Set(['starting', 'started', 'stopping']);

export class WorkerManager {
  /** The last run of every worker ID. */
  private readonly workers = new Map<string, WorkerProcess>();
  private readonly supervisors = new Map<string, Supervisor<WorkerProcess>>();
  private closing = false;
  private readonly registry: WorkerRegistry;

  constructor(private readonly o: WorkerManagerOptions) {
    this.registry = new WorkerRegistry(o.cbdir);
  }

  /** Start a worker; resolves with Crossbar.io's `start_worker` result once it is ready. */
  async start(config: WorkerConfig, who: number | null = null): Promise<StartedWorker> {
    const id = config.id;
    if (id === undefined || id === 'controller') {
      throw WampError.of(
        CrossbarErrors.INVALID_CONFIGURATION,
        `invalid worker ID ${JSON.stringify(id ?? null)}`,
      );
    }
    if (this.closing) throw WampError.of(CrossbarErrors.CANNOT_START, 'the node is shutting down');
    const existing = this.workers.get(id);
    if (existing !== undefined && ACTIVE.has(existing.status)) {
      throw WampError.of(
        CrossbarErrors.WORKER_ALREADY_RUNNING,
        `a worker with ID "${id}" runs already`,
      );
    }
    this.supervisors.get(id)?.giveUp();
    // Only the first run is someone's request; restarts are the node's own.
    const whoOf = (restarts: number): number | null => (restarts === 0 ? who : null);
    const supervisor: Supervisor<WorkerProcess> = new Supervisor({
      launch: (restart) => this.launch(config, whoOf(restart)),
      policy: config.options?.restart ?? 'never',
      onReady: (w) => this.onStarted(w, whoOf(supervisor.restarts)),
      onStartFailed: (w, e) => this.onStartFailed(w, e, whoOf(supervisor.restarts)),
      onExit: (w, info) => this.onExit(w, info),
      onRestarting: (r, w) => this.onRestarting(w, r),
    });
    this.supervisors.set(id, supervisor);
    return this.result(await supervisor.start(), who);
  }

  private launch(config: WorkerConfig, who: number | null): WorkerProcess {
    const id = config.id as string;
    const type = config.type;
    const w = new WorkerProcess(id, type, config, {
      cbdir: this.o.cbdir,
      realm: this.o.realm,
      nodeId: this.o.nodeId(),
      logLevel: this.o.logLevel,
      startupTimeoutMs: this.o.startupTimeoutMs,
      stop: this.o.stopGraceMs !== undefined ? { graceMs: this.o.stopGraceMs } : {},
      onLog: (wp, e) => this.onLog(wp, e),
      attach: (wp, t) => this.o.attach(wp.id, t),
    });
    this.workers.set(id, w);
    this.o.publish(controllerUri(`on_${type}_starting`), [
      { id, type, status: 'starting', created: w.created.toISOString(), who },
    ]);
    this.o.logger.info({ worker: id, type }, 'starting worker');
    if (w.pid !== undefined) this.registry.add(id, type, w.pid);
    return w;
  }

  private result(w: WorkerProcess, who: number | null): StartedWorker {
    return {
      id: w.id,
      type: w.type,
      status: 'started',
      started: w.started?.toISOString() ?? null,
      who,
      pid: w.pid ?? null,
      startup_time: w.startupTime ?? null,
    };
  }

  private onStarted(w: WorkerProcess, who: number | null): void {
    this.o.logger.info(
      { worker: w.id, type: w.type, pid: w.pid, startup_time: w.startupTime },
      'worker started',
    );
    this.o.publish(controllerUri(`on_${w.type}_started`), [this.result(w, who)]);
  }

  private onStartFailed(w: WorkerProcess, e: unknown, who: number | null): void {
    const { id, type } = w;
    this.o.logger.error({ worker: id, err: errorMessage(e) }, 'worker failed to start');
    this.o.publish(controllerUri(`on_${type}_failed`), [{ id, type, error: errorMessage(e), who }]);
  }

  async stop(id: string, kill = false, who: number | null = null): Promise<StoppedWorker> {
    const w = this.workers.get(id);
    const supervisor = this.supervisors.get(id);
    supervisor?.giveUp();
    if (w === undefined || supervisor === undefined || !ACTIVE.has(w.status)) {
      throw WampError.of(CrossbarErrors.WORKER_NOT_RUNNING, `no worker "${id}" is running`);
    }
    this.o.publish(controllerUri('on_stop_requested'), [{ id, type: w.type, kill, who }]);
    await supervisor.stop({ kill });
    return { id, type: w.type, kill, who, when: new Date().toISOString() };
  }

  /** Stop every worker (node shutdown): no restarts from here on. */
  async stopAll(): Promise<void> {
    this.closing = true;
    for (const s of this.supervisors.values()) s.giveUp();
    const running = [...this.workers.values()].filter((w) => ACTIVE.has(w.status)).reverse();
    await Promise.all(
      running.map(async (w) => {
        await this.supervisors
          .get(w.id)
          ?.stop()
          .catch(() => undefined);
      }),
    );
  }

  /** IDs of running workers, sorted; `filterTypes` limits them to some types. */
  list(filterTypes: string[] = []): string[] {
    return [...this.workers.values()]
      .filter(
        (w) => ACTIVE.has(w.status) && (filterTypes.length === 0 || filterTypes.includes(w.type)),
      )
      .map((w) => w.id)
      .sort();
  }

  countByType(): Partial<Record<WorkerType, number>> {
    const out: Partial<Record<WorkerType, number>> = {};
    for (const w of this.workers.values())
      if (ACTIVE.has(w.status)) out[w.type] = (out[w.type] ?? 0) + 1;
    return out;
  }

  get(id: string): WorkerProcess {
    const w = this.workers.get(id);
    if (w === undefined)
      throw WampError.of(CrossbarErrors.NO_SUCH_WORKER, `no worker with ID "${id}"`);
    return w;
  }

  has(id: string): boolean {
    return this.workers.has(id);
  }

  private onLog(w: WorkerProcess, e: LogEntry): void {
    this.o.publish(workerUri(w.id, 'on_log'), [e]);
  }

  private onExit(w: WorkerProcess, info: ExitInfo): void {
    const { id, type } = w;
    this.registry.remove(id, w.pid);
    const payload = {
      id,
      type,
      pid: w.pid ?? null,
      code: info.code,
      signal: info.signal,
      expected: info.expected,
    };
    this.o.publish(controllerUri('on_worker_exited'), [payload]);
    if (info.expected) {
      this.o.logger.info({ worker: id, code: info.code }, 'worker stopped');
      this.o.publish(controllerUri(`on_${type}_stopped`), [payload]);
      return;
    }
    this.o.logger[info.code === 0 ? 'warn' : 'error'](
      { worker: id, code: info.code, signal: info.signal },
      'worker exited unexpectedly',
    );
    w.addLog({
      time: new Date().toISOString(),
      level: 'error',
      message: `worker exited (code ${info.code ?? 'none'}, signal ${info.signal ?? 'none'})`,
      source: 'controller',
    });
  }

  private onRestarting(w: WorkerProcess, r: RestartInfo): void {
    this.o.logger.warn(
      { worker: w.id, delay_ms: r.delayMs, attempt: r.attempt },
      'restarting worker',
    );
    this.o.publish(controllerUri('on_worker_restarting'), [
      { id: w.id, type: w.type, delay: r.delayMs / 1000, attempt: r.attempt },
    ]);
  }
}
