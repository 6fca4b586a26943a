/**
 * One worker process of a node: a native worker (`router`, `container`: our worker entry,
 * forked with an IPC channel that carries its WAMP session to the controller's router) or
 * a `guest` (any executable). Starting resolves once the worker is ready; exits are
 * reported with code and signal; stopping escalates from a polite request to SIGKILL.
 * @module
 */
import { fork, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { isAbsolute, resolve } from 'node:path';
import { CrossbarErrors, WampError } from '@cdc/protocol';
import type { Transport } from '@cdc/protocol';
import type { GuestWorkerConfig, WorkerConfig } from '@cdc/config';
import { IPC_STDIO, childWampStream, createIpcTransport } from '@cdc/transport';
import type { ParentCommand } from '../ipc/messages.js';
import { isWorkerMessage } from '../ipc/messages.js';
import { LineSplitter, LogBuffer, parseLogLine } from './log-buffer.js';
import type { LogEntry } from './log-buffer.js';

export type WorkerType = WorkerConfig['type'];
export type WorkerStatus = 'starting' | 'started' | 'stopping' | 'stopped' | 'failed';

export interface ExitInfo {
  code: number | null;
  signal: string | null;
  /** True when the exit was asked for (stop_worker, shutdown). */
  expected: boolean;
}

export interface WorkerContext {
  cbdir: string;
  realm: string;
  nodeId: string | null;
  logLevel: string;
  onLog(w: WorkerProcess, entry: LogEntry): void;
  onExit(w: WorkerProcess, info: ExitInfo): void;
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

export class WorkerProcess {
  readonly created = new Date();
  started: Date | undefined;
  status: WorkerStatus = 'starting';
  pid: number | undefined;
  startupTime: number | undefined;
  exit: ExitInfo | undefined;
  readonly log = new LogBuffer();
  private child: ChildProcess | undefined;
  private stopping = false;
  private exited: Promise<ExitInfo> | undefined;

  constructor(
    readonly id: string,
    readonly type: WorkerType,
    readonly config: WorkerConfig,
    private readonly ctx: WorkerContext,
  ) {}

  get uptime(): number {
    return this.started === undefined || this.exit !== undefined
      ? 0
      : (Date.now() - this.started.getTime()) / 1000;
  }

  /** Start the process; resolves when it is ready, rejects with `crossbar.error.cannot_start`. */
  async start(timeoutMs = 30_000): Promise<void> {
    const t0 = performance.now();
    const child =
      this.type === 'guest' ? this.spawnGuest(this.config as GuestWorkerConfig) : this.forkNative();
    this.child = child;
    this.exited = new Promise((res) => {
      child.once('exit', (code, signal) => {
        const info: ExitInfo = { code, signal, expected: this.stopping };
        this.exit = info;
        this.status = this.stopping || (code === 0 && signal === null) ? 'stopped' : 'failed';
        this.ctx.onExit(this, info);
        res(info);
      });
    });
    this.capture(child);
    try {
      await this.waitReady(child, timeoutMs);
    } catch (e) {
      this.status = 'failed';
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      throw e;
    }
    this.startupTime = (performance.now() - t0) / 1000;
    this.started = new Date();
    this.status = 'started';
  }

  private forkNative(): ChildProcess {
    const options = (this.config as { options?: Parameters<typeof workerEnv>[0] }).options;
    const child = fork(WORKER_ENTRY, [this.id], {
      cwd: this.ctx.cbdir,
      env: workerEnv(options),
      stdio: IPC_STDIO,
      serialization: 'advanced',
      execArgv: [],
    });
    this.pid = child.pid;
    this.ctx.attach(this, createIpcTransport(childWampStream(child), `ipc:worker/${this.id}`));
    const init: ParentCommand = {
      cmd: 'init',
      id: this.id,
      type: this.type as 'router' | 'container',
      cbdir: this.ctx.cbdir,
      realm: this.ctx.realm,
      config: this.config as never,
      nodeId: this.ctx.nodeId,
      logLevel: this.ctx.logLevel,
    };
    child.send(init);
    return child;
  }

  private spawnGuest(cfg: GuestWorkerConfig): ChildProcess {
    const o = cfg.options ?? {};
    const out = (mode: 'close' | 'log' | 'drop' | undefined): 'pipe' | 'ignore' =>
      mode === 'log' || mode === undefined ? 'pipe' : 'ignore';
    const cwd =
      o.workdir === undefined
        ? this.ctx.cbdir
        : isAbsolute(o.workdir)
          ? o.workdir
          : resolve(this.ctx.cbdir, o.workdir);
    const child = spawn(cfg.executable, cfg.arguments ?? [], {
      cwd,
      env: workerEnv(o),
      stdio: ['ignore', out(o.stdout), out(o.stderr)],
    });
    this.pid = child.pid;
    return child;
  }

  private capture(child: ChildProcess): void {
    for (const [stream, source] of [
      [child.stdout, 'stdout'],
      [child.stderr, 'stderr'],
    ] as const) {
      if (stream === null) continue;
      const lines = new LineSplitter((l) => this.addLog(parseLogLine(l, source)));
      stream.on('data', (d: Buffer) => lines.write(d));
      stream.on('end', () => lines.end());
    }
  }

  addLog(entry: LogEntry): void {
    this.log.push(entry);
    this.ctx.onLog(this, entry);
  }

  private waitReady(child: ChildProcess, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (message: string, uri: string = CrossbarErrors.CANNOT_START): void => {
        cleanup();
        reject(WampError.of(uri, `worker "${this.id}" could not start: ${message}`));
      };
      const timer = setTimeout(() => fail(`not ready within ${timeoutMs / 1000} s`), timeoutMs);
      const onMessage = (m: unknown): void => {
        if (!isWorkerMessage(m)) return;
        if (m.cmd === 'ready') {
          cleanup();
          resolve();
        } else fail(m.error, m.uri);
      };
      const onExit = (code: number | null, signal: string | null): void => {
        const last = this.log
          .tail(3)
          .map((e) => e.message)
          .join(' | ');
        fail(
          `it exited (code ${code ?? 'none'}, signal ${signal ?? 'none'})${last !== '' ? `: ${last}` : ''}`,
        );
      };
      const onError = (e: Error): void => {
        const code = (e as NodeJS.ErrnoException).code;
        fail(
          code === 'ENOENT'
            ? `executable "${(this.config as GuestWorkerConfig).executable}" not found`
            : e.message,
        );
      };
      const onSpawn = (): void => {
        cleanup();
        resolve();
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        child.off('error', onError);
        child.off('spawn', onSpawn);
      };
      child.on('error', onError);
      child.on('exit', onExit);
      if (this.type === 'guest') child.on('spawn', onSpawn);
      else child.on('message', onMessage);
    });
  }

  /** Stop the worker: ask (native) or SIGTERM (guest), then SIGKILL after `graceMs`. */
  async stop(kill = false, graceMs = 5000): Promise<ExitInfo> {
    const child = this.child;
    const exited = this.exited;
    if (child === undefined || exited === undefined)
      throw WampError.of(CrossbarErrors.WORKER_NOT_RUNNING, `worker "${this.id}" is not running`);
    if (this.exit !== undefined) return this.exit;
    this.stopping = true;
    this.status = 'stopping';
    if (kill) child.kill('SIGKILL');
    else if (this.type === 'guest' || !child.connected) child.kill('SIGTERM');
    else child.send({ cmd: 'shutdown', reason: 'stop_worker' } satisfies ParentCommand);
    const timer = setTimeout(() => {
      child.kill(this.type === 'guest' ? 'SIGKILL' : 'SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
    }, graceMs);
    const info = await exited;
    clearTimeout(timer);
    return info;
  }

  /** The `get_worker` shape (Crossbar.io's, plus exit details once it has exited). */
  info(): Record<string, unknown> {
    const out: Record<string, unknown> = {
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
    const options = (this.config as { options?: unknown }).options;
    if (this.type !== 'guest') out['options'] = options ?? {};
    if (this.exit !== undefined) {
      out['exit_code'] = this.exit.code;
      out['exit_signal'] = this.exit.signal;
    }
    return out;
  }
}
