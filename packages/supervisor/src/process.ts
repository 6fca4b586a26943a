/**
 * One run of a child process, from start to exit. Two kinds share everything but the start:
 *
 * - a **WAMP child**: a Node module forked with the lifecycle channel (Node's IPC) and a
 *   socket pair for its WAMP session (fd 4); the parent hands the session's transport to its
 *   router, sends `init` and waits for `ready` or `failed`, within a start timeout;
 * - a **plain process**: any executable, spawned in a process group of its own; it is up
 *   once it has spawned, and a stop signals the whole group (what it forked goes too).
 *
 * Both: stdout and stderr as lines to a callback, the exit with code, signal and whether it
 * was asked for, and a stop that escalates — `shutdown` on the lifecycle channel (WAMP
 * children), then SIGTERM, then SIGKILL — each step after a grace period.
 * @module
 */
import { fork, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { CrossbarErrors, WampError } from '@cdc/protocol';
import type { Transport } from '@cdc/protocol';
import { IPC_STDIO, childWampStream, createIpcTransport } from '@cdc/transport';
import { isChildMessage } from './lifecycle.js';
import type { AnyLifecycle, ParentMessage } from './lifecycle.js';
import { LineSplitter, LineTail } from './lines.js';
import type { LineSource } from './lines.js';
import type { ExitInfo } from './restart.js';
import { groupAlive, signalGroup } from './process-group.js';

export interface StopOptions {
  /**
   * Time the child gets after the polite request — `shutdown` for a WAMP child, SIGTERM for
   * a plain process — before the next step (default 5000 ms).
   */
  graceMs?: number;
  /** Time a WAMP child gets after SIGTERM before SIGKILL (default 2000 ms). */
  termGraceMs?: number;
}

export const STOP_DEFAULTS = { graceMs: 5000, termGraceMs: 2000 } as const;
/** How long a WAMP child gets to report `ready` or `failed` (default). */
export const START_TIMEOUT_MS = 30_000;

interface CommonSpec {
  /** The child in messages: `worker "r1"`, `realm backend "sales"`. */
  name: string;
  args?: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Every non-empty line the child writes on stdout or stderr. */
  onLine?: (line: string, source: LineSource) => void;
  stop?: StopOptions;
}

export interface WampChildSpec<L extends AnyLifecycle> extends CommonSpec {
  kind: 'wamp';
  /** The entry module (one per kind of child). */
  module: URL | string;
  init: L['init'];
  /** The child's WAMP transport, before `init` goes out: accept it on a router. */
  onTransport: (transport: Transport) => void;
  /** The peer of that transport as the router shows it (`ipc:worker/r1`). */
  peer: string;
  /** The child's messages of its own kind. */
  onMessage?: (message: L['message']) => void;
  /** Default {@link START_TIMEOUT_MS}. */
  startTimeoutMs?: number;
}

export interface PlainProcessSpec extends CommonSpec {
  kind: 'plain';
  executable: string;
  /** Whether stdout / stderr are captured (default) or dropped. */
  stdout?: 'pipe' | 'ignore';
  stderr?: 'pipe' | 'ignore';
}

export type ProcessSpec<L extends AnyLifecycle> = WampChildSpec<L> | PlainProcessSpec;

/** What a {@link Supervisor} needs of one run of its child. */
export interface Incarnation<R = unknown> {
  /** Settles once the child is up (the value: `ready`'s payload), or could not start. */
  readonly ready: Promise<R>;
  /** Resolves when the process is gone (or never came to be: see `spawned`). */
  readonly exited: Promise<ExitInfo>;
  /** False when the process could not even be spawned (no such executable). */
  readonly spawned: boolean;
  stop(o?: { kill?: boolean }): Promise<ExitInfo>;
}

/** How long an exit waits for the rest of the child's output. */
const DRAIN_MS = 1000;
/** How often a stop looks whether a plain process's group is empty yet. */
const GROUP_POLL_MS = 50;

/** An unref'd wait, unless `hold`: then it keeps the process alive while someone awaits it. */
function delay(ms: number, hold = false): Promise<void> {
  return new Promise((r) => {
    const t = setTimeout(r, ms);
    if (!hold) t.unref();
  });
}

export type StopStep = 'shutdown' | 'SIGTERM' | 'SIGKILL';

export class ManagedProcess<L extends AnyLifecycle = AnyLifecycle> implements Incarnation<
  L['ready']
> {
  readonly pid: number | undefined;
  readonly ready: Promise<L['ready']>;
  readonly exited: Promise<ExitInfo>;
  exit: ExitInfo | undefined;
  /** What {@link stop} did, in order (for logs and tests). */
  readonly stopSteps: StopStep[] = [];
  private readonly child: ChildProcess;
  private readonly tail = new LineTail();
  private stopping: Promise<ExitInfo> | undefined;
  private settleReady: ((v: L['ready']) => void) | undefined;
  private failReady: ((e: WampError) => void) | undefined;
  private startTimer: ReturnType<typeof setTimeout> | undefined;
  private escalating = false;
  private readonly timers: ReturnType<typeof setTimeout>[] = [];
  private groupKilled = false;
  private isUp = false;

  constructor(private readonly spec: ProcessSpec<L>) {
    this.ready = new Promise<L['ready']>((res, rej) => {
      this.settleReady = res;
      this.failReady = rej;
    });
    // The ready promise is for whoever wants it; a failed start must not go unhandled.
    this.ready.catch(() => undefined);
    this.child = spec.kind === 'wamp' ? this.forkWamp(spec) : this.spawnPlain(spec);
    this.pid = this.child.pid;
    const drained = this.capture();
    this.exited = new Promise((res) => {
      this.child.once('exit', (code, signal) => {
        const info: ExitInfo = { code, signal, expected: this.stopping !== undefined };
        this.exit = info;
        // Its last lines are what a failed start is quoted with, and what whoever hears of
        // the exit reads next: read them first (a grandchild holding the pipe gets a second).
        void Promise.race([drained, delay(DRAIN_MS)]).then(() => {
          this.failStart(this.exitReason(info));
          res(info);
        });
      });
      this.child.on('error', (e: NodeJS.ErrnoException) => {
        if (this.child.pid !== undefined) return; // a failed kill or send: the exit tells
        this.exit = { code: null, signal: null, expected: false };
        this.failStart(
          e.code === 'ENOENT' && spec.kind === 'plain'
            ? `executable "${spec.executable}" not found`
            : e.message,
        );
        res(this.exit);
      });
    });
    if (spec.kind === 'plain') this.child.once('spawn', () => this.up(undefined));
    else this.handshake(spec);
  }

  get spawned(): boolean {
    return this.pid !== undefined;
  }

  /** The child is up (`ready` resolved) and has not exited. */
  get running(): boolean {
    return this.isUp && this.exit === undefined;
  }

  private forkWamp(spec: WampChildSpec<L>): ChildProcess {
    const child = fork(spec.module, spec.args ?? [], {
      stdio: IPC_STDIO,
      serialization: 'advanced',
      execArgv: [],
      ...(spec.cwd !== undefined ? { cwd: spec.cwd } : {}),
      ...(spec.env !== undefined ? { env: spec.env } : {}),
    });
    if (child.pid !== undefined)
      spec.onTransport(createIpcTransport(childWampStream(child), spec.peer));
    return child;
  }

  private spawnPlain(spec: PlainProcessSpec): ChildProcess {
    return spawn(spec.executable, spec.args ?? [], {
      // Its own process group (setsid): a stop reaches its children too.
      detached: true,
      stdio: ['ignore', spec.stdout ?? 'pipe', spec.stderr ?? 'pipe'],
      ...(spec.cwd !== undefined ? { cwd: spec.cwd } : {}),
      ...(spec.env !== undefined ? { env: spec.env } : {}),
    });
  }

  /** Lines from stdout and stderr; resolves once both have ended. */
  private capture(): Promise<unknown> {
    const ended: Promise<void>[] = [];
    for (const [stream, source] of [
      [this.child.stdout, 'stdout'],
      [this.child.stderr, 'stderr'],
    ] as const) {
      if (stream === null) continue;
      const lines = new LineSplitter((l) => {
        this.tail.push(l);
        this.spec.onLine?.(l, source);
      });
      stream.on('data', (d: Buffer) => lines.write(d));
      ended.push(
        new Promise((res) =>
          stream.once('close', () => {
            lines.end();
            res();
          }),
        ),
      );
    }
    return Promise.all(ended);
  }

  private handshake(spec: WampChildSpec<L>): void {
    const timeoutMs = spec.startTimeoutMs ?? START_TIMEOUT_MS;
    this.startTimer = setTimeout(() => {
      this.failStart(`not ready within ${timeoutMs / 1000} s`);
      // It hangs: no point asking politely.
      this.terminate(true);
    }, timeoutMs);
    this.child.on('message', (m: unknown) => {
      if (!isChildMessage<L>(m)) return;
      if (m.cmd === 'ready') this.up(m.ready);
      else if (m.cmd === 'failed') {
        // It exits by itself; the escalation covers it if it does not.
        this.failStart(m.error, m.uri);
        this.terminate(false);
      } else spec.onMessage?.(m.message);
    });
    this.send({ cmd: 'init', init: spec.init });
  }

  private up(v: L['ready']): void {
    const settle = this.settleReady;
    if (settle === undefined) return;
    this.clearStart();
    this.isUp = true;
    settle(v);
  }

  private failStart(message: string, uri: string = CrossbarErrors.CANNOT_START): void {
    const fail = this.failReady;
    if (fail === undefined) return;
    this.clearStart();
    fail(WampError.of(uri, `${this.spec.name} could not start: ${message}`));
  }

  private clearStart(): void {
    this.settleReady = undefined;
    this.failReady = undefined;
    if (this.startTimer !== undefined) clearTimeout(this.startTimer);
    this.startTimer = undefined;
  }

  private exitReason(info: ExitInfo): string {
    const last = this.tail.quote();
    return `it exited (code ${info.code ?? 'none'}, signal ${info.signal ?? 'none'})${last !== '' ? `: ${last}` : ''}`;
  }

  private send(m: ParentMessage<L>): boolean {
    if (!this.child.connected) return false;
    // A channel closing under us is the exit's business, not an error here.
    this.child.send(m, () => undefined);
    return true;
  }

  /**
   * Stop the child: with `kill`, SIGKILL at once; otherwise the polite request first and the
   * signals after their grace periods. Resolves with its exit, marked as expected.
   */
  stop(o: { kill?: boolean } = {}): Promise<ExitInfo> {
    if (this.exit !== undefined) return Promise.resolve(this.exit);
    if (this.stopping !== undefined) {
      if (o.kill === true) this.signal('SIGKILL');
      return this.stopping;
    }
    // A plain process's stop ends when its group is empty too, not only its leader.
    this.stopping =
      this.spec.kind === 'plain' ? this.exited.then((info) => this.groupGone(info)) : this.exited;
    this.terminate(o.kill === true);
    return this.stopping;
  }

  /** Waits until no process of the group runs: the escalation's SIGKILL reaches the rest. */
  private async groupGone(info: ExitInfo): Promise<ExitInfo> {
    const pgid = this.pid;
    if (pgid === undefined) return info;
    // Held: once the leader is gone, nothing else keeps the event loop alive until the
    // escalation's (unref'd) SIGKILL timer reaches what the leader left behind.
    while (groupAlive(pgid) && !this.groupKilled) await delay(GROUP_POLL_MS, true);
    // After SIGKILL the kernel needs a moment; never wait on it for long.
    for (let i = 0; i < 20 && groupAlive(pgid); i++) await delay(GROUP_POLL_MS, true);
    this.clearEscalation();
    return info;
  }

  /** The escalation, whoever asked: stop() (an expected exit) or a failed start (not). */
  private terminate(kill: boolean): void {
    if (this.exit !== undefined || !this.spawned) return;
    if (kill) {
      this.signal('SIGKILL');
      return;
    }
    if (this.escalating) return;
    this.escalating = true;
    const { graceMs, termGraceMs } = { ...STOP_DEFAULTS, ...this.spec.stop };
    const timers = this.timers;
    const after = (ms: number, f: () => void): void => {
      const t = setTimeout(f, ms);
      t.unref();
      timers.push(t);
    };
    if (
      this.spec.kind === 'wamp' &&
      this.send({ cmd: 'shutdown', reason: this.stopping !== undefined ? 'stop' : 'failed' })
    ) {
      this.stopSteps.push('shutdown');
      after(graceMs, () => {
        this.signal('SIGTERM');
        after(termGraceMs, () => this.signal('SIGKILL'));
      });
    } else {
      this.signal('SIGTERM');
      after(graceMs, () => this.signal('SIGKILL'));
    }
    // A plain process's group may outlive its leader: its stop clears them (groupGone).
    if (this.spec.kind !== 'plain') void this.exited.then(() => this.clearEscalation());
  }

  private clearEscalation(): void {
    this.timers.forEach(clearTimeout);
    this.timers.length = 0;
  }

  private signal(s: 'SIGTERM' | 'SIGKILL'): void {
    if (this.spec.kind === 'plain' && this.pid !== undefined) {
      // The whole group, also once the leader is gone (what it forked may still run).
      if (s === 'SIGKILL') this.groupKilled = true;
      if (this.exit !== undefined && !groupAlive(this.pid)) return;
      this.stopSteps.push(s);
      if (!signalGroup(this.pid, s) && this.exit === undefined) this.child.kill(s);
      return;
    }
    if (this.exit !== undefined) return;
    this.stopSteps.push(s);
    this.child.kill(s);
  }
}

/** Start one run of a child (see {@link ManagedProcess}). */
export function startProcess<L extends AnyLifecycle>(spec: ProcessSpec<L>): ManagedProcess<L> {
  return new ManagedProcess(spec);
}
