/**
 * When to restart a child and how long to wait first. The policy is Crossbar.io's worker
 * option `restart`; the delay grows exponentially per attempt, is capped, and is drawn with
 * jitter so that processes that died together (a database gone, a full disk) do not all
 * come back in the same instant; a child that ran long enough before it died starts afresh.
 * @module
 */

export type RestartPolicy = 'never' | 'always' | 'on-failure';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the exit was asked for (stop, shutdown), not a crash. */
  expected: boolean;
}

/** Whether an exit failed: a non-zero code or a signal. */
export function exitFailed(exit: ExitInfo): boolean {
  return exit.code !== 0 || exit.signal !== null;
}

/** Whether `policy` restarts a child after an exit nobody asked for. */
export function wantsRestart(policy: RestartPolicy, exit: ExitInfo): boolean {
  if (exit.expected) return false;
  switch (policy) {
    case 'never':
      return false;
    case 'always':
      return true;
    case 'on-failure':
      return exitFailed(exit);
  }
}

export interface BackoffOptions {
  /** The first delay, ms (default 1000). */
  baseMs?: number;
  /** Growth of the delay per attempt (default 2). */
  factor?: number;
  /** The largest delay, ms (default 30 000). */
  maxMs?: number;
  /**
   * The share of the delay drawn at random (default 0.5): a delay `d` becomes uniform in
   * `[d × (1 − jitter), d]`. Never more than `d`, never less than its non-random part, so a
   * crash loop still slows down.
   */
  jitter?: number;
  /** A child that ran at least this long before it died starts from the first delay (default 60 000 ms). */
  resetAfterMs?: number;
  /** A number in [0, 1) (default `Math.random`); tests pass their own. */
  random?: () => number;
}

export const BACKOFF_DEFAULTS = {
  baseMs: 1000,
  factor: 2,
  maxMs: 30_000,
  jitter: 0.5,
  resetAfterMs: 60_000,
} as const;

/** The restart delays of one supervised child. */
export class Backoff {
  /** Restarts scheduled since the last reset. */
  attempt = 0;
  private readonly o: Required<BackoffOptions>;

  constructor(o: BackoffOptions = {}) {
    this.o = { ...BACKOFF_DEFAULTS, random: Math.random, ...o };
  }

  /** The delay before the next restart, after a run of `ranMs` (0: it never got ready). */
  next(ranMs: number): number {
    if (ranMs >= this.o.resetAfterMs) this.attempt = 0;
    const d = Math.min(this.o.maxMs, this.o.baseMs * this.o.factor ** this.attempt);
    this.attempt++;
    return Math.round(d * (1 - this.o.jitter * this.o.random()));
  }
}
