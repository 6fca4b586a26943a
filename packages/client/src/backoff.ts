/**
 * Reconnect delays: exponential backoff with full jitter (a uniform draw between 0 and the
 * exponential cap), so that a fleet of nodes does not reconnect in lockstep after a router
 * restart.
 * @module
 */

export interface RetryOptions {
  /** Cap of the first retry delay, ms (default 500). */
  initialDelay?: number | undefined;
  /** Growth of the cap per attempt (default 1.5). */
  factor?: number | undefined;
  /** Largest cap, ms (default 30 000). */
  maxDelay?: number | undefined;
  /** Retries after a failure before giving up; -1 = forever (default). */
  maxRetries?: number | undefined;
  /** `full` (default): delay uniform in [0, cap]; `none`: delay = cap. */
  jitter?: 'full' | 'none' | undefined;
}

/** Retry options with every value filled in. */
export interface RetryPolicy {
  initialDelay: number;
  factor: number;
  maxDelay: number;
  maxRetries: number;
  jitter: 'full' | 'none';
}

export const RETRY_DEFAULTS: Readonly<RetryPolicy> = {
  initialDelay: 500,
  factor: 1.5,
  maxDelay: 30_000,
  maxRetries: -1,
  jitter: 'full',
};

/** The exponential cap for retry number `attempt` (1-based). */
export function retryCap(attempt: number, o: RetryPolicy): number {
  return Math.min(o.maxDelay, o.initialDelay * o.factor ** Math.max(0, attempt - 1));
}

/** The delay before retry number `attempt` (1-based); `random` returns [0, 1). */
export function retryDelay(
  attempt: number,
  o: RetryPolicy,
  random: () => number = Math.random,
): number {
  const cap = retryCap(attempt, o);
  return o.jitter === 'full' ? Math.floor(random() * cap) : cap;
}
