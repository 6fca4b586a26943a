/**
 * A child kept running: launch one run ({@link Incarnation}), and when it exits without being
 * asked to, launch the next after a backoff, as its restart policy says. The owner builds
 * each run (`launch`), so it can attach what belongs to that run (a log buffer, a record in
 * a registry); the supervisor decides only whether and when there is a next one.
 *
 * A run that fails to start counts as a failure: restarts that fail are retried with the
 * next delay. The first start is the caller's: `start()` rejects and nothing is retried,
 * unless `retryFirstStart` says the child must run whatever happens (a realm backend).
 * @module
 */
import type { Incarnation } from './process.js';
import { Backoff, exitFailed, wantsRestart } from './restart.js';
import type { BackoffOptions, ExitInfo, RestartPolicy } from './restart.js';

/** Time and timers, injectable so tests see the delays without waiting for them. */
export interface Clock {
  now(): number;
  setTimeout(f: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (f, ms) => setTimeout(f, ms).unref(),
  clearTimeout: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
};

export type SupervisorState =
  /** A run is starting (the first, or a restart). */
  | 'starting'
  | 'running'
  /** Waiting for the next restart. */
  | 'backoff'
  | 'stopping'
  /** Stopped on request, or exited in a way its policy does not restart. */
  | 'stopped'
  /** Failed (exit or start) with no restart to come. */
  | 'failed';

export interface RestartInfo {
  /** The delay before the next run, ms (jitter included). */
  delayMs: number;
  /** Restarts since the backoff was last reset (1 for the first). */
  attempt: number;
  /** The exit that caused it; undefined when the run could not even be spawned. */
  exit: ExitInfo | undefined;
}

export interface SupervisorOptions<P extends Incarnation> {
  /** Start one run: the first (`restart` 0) or a restart (1, 2, … over the supervisor's life). */
  launch(restart: number): P;
  /** Default `never`. */
  policy?: RestartPolicy;
  /** Retry a failed first start too (with the policy's restarts); default false. */
  retryFirstStart?: boolean;
  backoff?: BackoffOptions;
  clock?: Clock;
  /** A run is up (`ready` is what its `ready` gave). */
  onReady?(p: P, ready: Awaited<P['ready']>): void;
  /** A run could not start (its error is what `ready` rejected with). */
  onStartFailed?(p: P, error: unknown): void;
  /** A run that was spawned has exited (before any restart is scheduled). */
  onExit?(p: P, exit: ExitInfo): void;
  /** A restart is scheduled. */
  onRestarting?(r: RestartInfo, p: P): void;
}

export class Supervisor<P extends Incarnation> {
  private run: P | undefined;
  /** Settles once the current run's exit has been handled. */
  private handled: Promise<void> = Promise.resolve();
  private runState: SupervisorState = 'stopped';
  private restartCount = 0;
  private readonly backoff: Backoff;
  private readonly clock: Clock;
  private timer: unknown;
  private done = false;

  constructor(private readonly o: SupervisorOptions<P>) {
    this.backoff = new Backoff(o.backoff);
    this.clock = o.clock ?? realClock;
  }

  /** The current (or last) run. */
  get current(): P | undefined {
    return this.run;
  }

  get state(): SupervisorState {
    return this.runState;
  }

  /** Restarts launched or scheduled so far. */
  get restarts(): number {
    return this.restartCount;
  }

  /** Launch the first run; resolves with it once it is up, rejects when it could not start. */
  async start(): Promise<P> {
    const p = this.launch();
    await p.ready;
    return p;
  }

  private launch(): P {
    const p = this.o.launch(this.restartCount);
    this.run = p;
    this.runState = 'starting';
    let readyAt: number | undefined;
    p.ready.then(
      (ready) => {
        if (this.run !== p || this.done) return;
        readyAt = this.clock.now();
        this.runState = 'running';
        this.o.onReady?.(p, ready as Awaited<P['ready']>);
      },
      (e: unknown) => {
        if (this.run === p) this.o.onStartFailed?.(p, e);
      },
    );
    // Whether it got up is settled before its exit is looked at.
    this.handled = Promise.allSettled([p.ready])
      .then(() => p.exited)
      .then((exit) => this.exited(p, exit, readyAt));
    return p;
  }

  private exited(p: P, exit: ExitInfo, readyAt: number | undefined): void {
    if (this.run !== p) return;
    if (p.spawned) this.o.onExit?.(p, exit);
    if (this.done) {
      this.runState = 'stopped';
      return;
    }
    const policy = this.o.policy ?? 'never';
    const restart =
      readyAt !== undefined
        ? wantsRestart(policy, exit)
        : policy !== 'never' && (this.restartCount > 0 || this.o.retryFirstStart === true);
    if (!restart) {
      this.done = true;
      this.runState = readyAt !== undefined && !exitFailed(exit) ? 'stopped' : 'failed';
      return;
    }
    this.scheduleRestart(p, p.spawned ? exit : undefined, readyAt);
  }

  private scheduleRestart(p: P, exit: ExitInfo | undefined, readyAt: number | undefined): void {
    const delayMs = this.backoff.next(readyAt === undefined ? 0 : this.clock.now() - readyAt);
    this.restartCount++;
    this.runState = 'backoff';
    this.o.onRestarting?.({ delayMs, attempt: this.backoff.attempt, exit }, p);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.done) return;
      try {
        this.launch();
      } catch {
        // Spawning threw (bad arguments): a failed start like any other, tried again later.
        this.scheduleRestart(p, undefined, undefined);
      }
    }, delayMs);
  }

  /** No more restarts (a pending one is cancelled); the running run, if any, is left alone. */
  giveUp(): void {
    this.done = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.runState === 'backoff') this.runState = 'stopped';
  }

  /** No more restarts, and stop the running run; resolves with its exit (undefined: none ran). */
  async stop(o: { kill?: boolean } = {}): Promise<ExitInfo | undefined> {
    this.giveUp();
    const p = this.run;
    if (p === undefined || !p.spawned) return undefined;
    if (this.runState === 'starting' || this.runState === 'running') this.runState = 'stopping';
    const exit = await p.stop(o);
    // Its exit is handled (onExit called, the state final) by the time this resolves.
    await this.handled;
    return exit;
  }
}
