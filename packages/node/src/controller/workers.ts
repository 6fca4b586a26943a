/**
 * The controller's worker table: start and stop workers, report exits, restart workers
 * whose options ask for it (with backoff), and keep the last incarnation of every worker
 * visible (status, exit code, log) until a new one with the same ID starts.
 * @module
 */
import { CrossbarErrors, WampError, errorMessage } from '@cdc/protocol';
import type { Transport, Logger } from '@cdc/protocol';
import type { WorkerConfig } from '@cdc/config';
import { setCpuAffinity } from '../system/affinity.js';
import { WorkerRegistry } from './orphans.js';
import { WorkerProcess } from './worker-process.js';
import type { ExitInfo, WorkerType } from './worker-process.js';
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
  startupTimeoutMs?: number;
  /** How long a worker gets to stop before SIGKILL. */
  stopGraceMs?: number;
}

const ACTIVE = new Set(['starting', 'started', 'stopping']);
const RESTART_MAX_DELAY_MS = 30_000;
/** A worker that ran this long before crashing starts its backoff afresh. */
const RESTART_RESET_MS = 60_000;

type RestartPolicy = 'never' | 'always' | 'on-failure';

export class WorkerManager {
  private readonly workers = new Map<string, WorkerProcess>();
  private readonly restarts = new Map<
    string,
    { attempts: number; timer: ReturnType<typeof setTimeout> | undefined }
  >();
  private closing = false;
  private readonly registry: WorkerRegistry;

  constructor(private readonly o: WorkerManagerOptions) {
    this.registry = new WorkerRegistry(o.cbdir);
  }

  /** Start a worker; resolves with Crossbar.io's `start_worker` result once it is ready. */
  async start(config: WorkerConfig, who: number | null = null): Promise<Record<string, unknown>> {
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
    this.cancelRestart(id);
    return this.launch(config, who);
  }

  private async launch(config: WorkerConfig, who: number | null): Promise<Record<string, unknown>> {
    const id = config.id as string;
    const type = config.type;
    const w = new WorkerProcess(id, type, config, {
      cbdir: this.o.cbdir,
      realm: this.o.realm,
      nodeId: this.o.nodeId(),
      logLevel: this.o.logLevel,
      onLog: (wp, e) => this.onLog(wp, e),
      onExit: (wp, info) => this.onExit(wp, info),
      attach: (wp, t) => this.o.attach(wp.id, t),
    });
    this.workers.set(id, w);
    this.o.publish(`crossbar.on_${type}_starting`, [
      { id, type, status: 'starting', created: w.created.toISOString(), who },
    ]);
    this.o.logger.info({ worker: id, type }, 'starting worker');
    try {
      // start() spawns before its first await: the PID is known right after the call.
      const ready = w.start(this.o.startupTimeoutMs);
      if (w.pid !== undefined && w.exit === undefined) this.registry.add(id, type, w.pid);
      await ready;
      const cpus = config.options?.cpu_affinity;
      if (cpus !== undefined && w.pid !== undefined)
        await setCpuAffinity(w.pid, cpus, { relative: false });
    } catch (e) {
      this.o.logger.error({ worker: id, err: errorMessage(e) }, 'worker failed to start');
      this.o.publish(`crossbar.on_${type}_failed`, [{ id, type, error: errorMessage(e), who }]);
      if (w.status !== 'stopped' && w.status !== 'failed')
        await w.stop(true).catch(() => undefined);
      throw e;
    }
    const result = {
      id,
      type,
      status: 'started',
      started: w.started?.toISOString() ?? null,
      who,
      pid: w.pid ?? null,
      startup_time: w.startupTime ?? null,
    };
    this.o.logger.info(
      { worker: id, type, pid: w.pid, startup_time: w.startupTime },
      'worker started',
    );
    this.o.publish(`crossbar.on_${type}_started`, [result]);
    return result;
  }

  async stop(
    id: string,
    kill = false,
    who: number | null = null,
  ): Promise<Record<string, unknown>> {
    const w = this.workers.get(id);
    this.cancelRestart(id);
    if (w === undefined || !ACTIVE.has(w.status)) {
      throw WampError.of(CrossbarErrors.WORKER_NOT_RUNNING, `no worker "${id}" is running`);
    }
    this.o.publish('crossbar.on_stop_requested', [{ id, type: w.type, kill, who }]);
    await w.stop(kill, this.o.stopGraceMs);
    return { id, type: w.type, kill, who, when: new Date().toISOString() };
  }

  /** Stop every worker (node shutdown): no restarts from here on. */
  async stopAll(): Promise<void> {
    this.closing = true;
    for (const id of [...this.restarts.keys()]) this.cancelRestart(id);
    const running = [...this.workers.values()].filter((w) => ACTIVE.has(w.status)).reverse();
    await Promise.all(running.map((w) => w.stop(false, this.o.stopGraceMs).catch(() => undefined)));
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
    this.o.publish(`crossbar.worker.${w.id}.on_log`, [e]);
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
    this.o.publish('crossbar.on_worker_exited', [payload]);
    if (info.expected) {
      this.o.logger.info({ worker: id, code: info.code }, 'worker stopped');
      this.o.publish(`crossbar.on_${type}_stopped`, [payload]);
      return;
    }
    const wasStarted = w.started !== undefined;
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
    const policy: RestartPolicy = w.config.options?.restart ?? 'never';
    const failed = info.code !== 0 || info.signal !== null;
    if (!wasStarted || this.closing || policy === 'never' || (policy === 'on-failure' && !failed))
      return;
    this.scheduleRestart(w);
  }

  private scheduleRestart(w: WorkerProcess): void {
    const state = this.restarts.get(w.id) ?? { attempts: 0, timer: undefined };
    if (w.started !== undefined && Date.now() - w.started.getTime() > RESTART_RESET_MS)
      state.attempts = 0;
    const delay = Math.min(RESTART_MAX_DELAY_MS, 1000 * 2 ** state.attempts);
    state.attempts++;
    this.o.logger.warn(
      { worker: w.id, delay_ms: delay, attempt: state.attempts },
      'restarting worker',
    );
    this.o.publish('crossbar.on_worker_restarting', [
      { id: w.id, type: w.type, delay: delay / 1000, attempt: state.attempts },
    ]);
    state.timer = setTimeout(() => {
      state.timer = undefined;
      if (this.closing) return;
      this.launch(w.config, null).catch(() => {
        // launch logged and published the failure; try again later.
        const again = this.workers.get(w.id);
        if (again !== undefined && !this.closing) this.scheduleRestart(again);
      });
    }, delay);
    state.timer.unref();
    this.restarts.set(w.id, state);
  }

  private cancelRestart(id: string): void {
    const r = this.restarts.get(id);
    if (r?.timer !== undefined) clearTimeout(r.timer);
    this.restarts.delete(id);
  }
}
