/**
 * One run of a node's worker, as the controller shows it: a native worker (`router`,
 * `container`: our worker entry, a WAMP child of `@cdc/supervisor` whose session joins the
 * controller's router) or a `guest` (any executable, a plain process of `@cdc/supervisor`).
 * It keeps what `get_worker` and `get_worker_log` report — status, times, exit, the log ring
 * buffer — after the process is gone, until a new run with the same ID replaces it. Starting
 * includes the CPU affinity its options ask for.
 * @module
 */
import { isAbsolute, resolve } from 'node:path';
import type { Transport } from '@cdc/protocol';
import type { GuestWorkerConfig, WorkerConfig } from '@cdc/config';
import { startProcess } from '@cdc/supervisor';
import type {
  ExitInfo,
  Incarnation,
  ManagedProcess,
  ProcessSpec,
  StopOptions,
} from '@cdc/supervisor';
import { setCpuAffinity } from '../system/affinity.js';
import type { NativeWorkerType, WorkerLifecycle } from '../ipc/messages.js';
import { LogBuffer, parseLogLine } from './log-buffer.js';
import type { WorkerInfo } from '@cdc/api';
import type { LogEntry } from './log-buffer.js';

export type WorkerType = WorkerConfig['type'];
export type WorkerStatus = 'starting' | 'started' | 'stopping' | 'stopped' | 'failed';

export interface WorkerContext {
  cbdir: string;
  realm: string;
  nodeId: string | null;
  logLevel: string;
  /** How long a native worker gets to report `ready` (default `@cdc/supervisor`'s, 30 s). */
  startupTimeoutMs?: number | undefined;
  stop: StopOptions;
  onLog(w: WorkerProcess, entry: LogEntry): void;
  /** A native worker's WAMP transport to the controller's router. */
  attach(w: WorkerProcess, transport: Transport): void;
}

const WORKER_ENTRY = new URL('../worker/main.js', import.meta.url);

function workerEnv(
  options: { env?: { inherit?: boolean | string[]; vars?: Record<string, string> } } | undefined,
): NodeJS.ProcessEnv {
  const inherit = options?.env?.inherit ?? true;
  let env: NodeJS.ProcessEnv = {};
  if (inherit === true) env = { ...process.env };
  else if (Array.isArray(inherit))
    for (const k of inherit) if (process.env[k] !== undefined) env[k] = process.env[k];
  return { ...env, ...options?.env?.vars };
}

export class WorkerProcess implements Incarnation<void> {
  readonly created = new Date();
  started: Date | undefined;
  status: WorkerStatus = 'starting';
  readonly pid: number | undefined;
  startupTime: number | undefined;
  exit: ExitInfo | undefined;
  readonly log = new LogBuffer();
  /** Resolves once the worker is up (CPU affinity set); rejects with why it could not start. */
  readonly ready: Promise<void>;
  /** Resolves once the process is gone, this record updated. */
  readonly exited: Promise<ExitInfo>;
  private readonly process: ManagedProcess<WorkerLifecycle>;

  /** Start a run of the worker (it spawns before this returns: the PID is known). */
  constructor(
    readonly id: string,
    readonly type: WorkerType,
    readonly config: WorkerConfig,
    private readonly ctx: WorkerContext,
  ) {
    const t0 = performance.now();
    this.process = startProcess(type === 'guest' ? this.guestSpec() : this.nativeSpec());
    this.pid = this.process.pid;
    this.exited = this.process.exited.then((info) => {
      // A guest whose executable is missing never ran: it has no exit to show.
      if (this.process.spawned) this.exit = info;
      this.status =
        info.expected || (info.code === 0 && info.signal === null) ? 'stopped' : 'failed';
      return info;
    });
    this.ready = this.process.ready.then(
      async () => {
        this.startupTime = (performance.now() - t0) / 1000;
        const cpus = config.options?.cpu_affinity;
        if (cpus !== undefined && this.pid !== undefined) {
          try {
            await setCpuAffinity(this.pid, cpus, { relative: false });
          } catch (e) {
            this.status = 'failed';
            void this.process.stop({ kill: true });
            throw e;
          }
        }
        this.started = new Date();
        this.status = 'started';
      },
      (e: unknown) => {
        this.status = 'failed';
        throw e;
      },
    );
    this.ready.catch(() => undefined);
  }

  get spawned(): boolean {
    return this.process.spawned;
  }

  get uptime(): number {
    return this.started === undefined || this.exit !== undefined
      ? 0
      : (Date.now() - this.started.getTime()) / 1000;
  }

  private common(): {
    name: string;
    onLine: (line: string, source: 'stdout' | 'stderr') => void;
    stop: StopOptions;
  } {
    return {
      name: `worker "${this.id}"`,
      onLine: (line, source) => this.addLog(parseLogLine(line, source)),
      stop: this.ctx.stop,
    };
  }

  private nativeSpec(): ProcessSpec<WorkerLifecycle> {
    const options = (this.config as { options?: Parameters<typeof workerEnv>[0] }).options;
    return {
      kind: 'wamp',
      ...this.common(),
      module: WORKER_ENTRY,
      args: [this.id],
      cwd: this.ctx.cbdir,
      env: workerEnv(options),
      peer: `ipc:worker/${this.id}`,
      onTransport: (t) => this.ctx.attach(this, t),
      init: {
        id: this.id,
        type: this.type as NativeWorkerType,
        cbdir: this.ctx.cbdir,
        realm: this.ctx.realm,
        config: this.config as never,
        nodeId: this.ctx.nodeId,
        logLevel: this.ctx.logLevel,
      },
      ...(this.ctx.startupTimeoutMs !== undefined
        ? { startTimeoutMs: this.ctx.startupTimeoutMs }
        : {}),
    };
  }

  private guestSpec(): ProcessSpec<WorkerLifecycle> {
    const cfg = this.config as GuestWorkerConfig;
    const o = cfg.options ?? {};
    const out = (mode: 'close' | 'log' | 'drop' | undefined): 'pipe' | 'ignore' =>
      mode === 'log' || mode === undefined ? 'pipe' : 'ignore';
    return {
      kind: 'plain',
      ...this.common(),
      executable: cfg.executable,
      args: cfg.arguments ?? [],
      cwd:
        o.workdir === undefined
          ? this.ctx.cbdir
          : isAbsolute(o.workdir)
            ? o.workdir
            : resolve(this.ctx.cbdir, o.workdir),
      env: workerEnv(o),
      stdout: out(o.stdout),
      stderr: out(o.stderr),
    };
  }

  addLog(entry: LogEntry): void {
    this.log.push(entry);
    this.ctx.onLog(this, entry);
  }

  /**
   * Stop the worker: SIGKILL with `kill`; else ask (native: `shutdown`; guest: SIGTERM) and
   * escalate after the grace periods. Resolves with its exit.
   */
  stop(o: { kill?: boolean } = {}): Promise<ExitInfo> {
    if (this.exit === undefined) this.status = 'stopping';
    return this.process.stop(o).then(() => this.exited);
  }

  /** The `get_worker` shape (Crossbar.io's, plus exit details once it has exited). */
  info(): WorkerInfo {
    const out: WorkerInfo = {
      id: this.id,
      pid: this.pid ?? null,
      type: this.type,
      status: this.status,
      created: this.created.toISOString(),
      started: this.started?.toISOString() ?? null,
      startup_time: this.startupTime ?? null,
      uptime: this.uptime,
    };
    // Ours, not Crossbar.io's: lets a center compare the running options with its config.
    if (this.config.type !== 'guest') out.options = this.config.options ?? {};
    if (this.exit !== undefined) {
      out.exit_code = this.exit.code;
      out.exit_signal = this.exit.signal;
    }
    return out;
  }
}
