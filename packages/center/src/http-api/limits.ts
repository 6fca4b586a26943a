/**
 * The HTTP API's limits (SPEC §7): request body size, per-token rate, request timeout, and
 * which browser origins may call (CORS, none unless configured). Read from the center's
 * options, which the CLI fills from `CDC_HTTP_*` variables.
 * @module
 */

export interface HttpApiLimits {
  /** Largest request body, bytes (default 1 MiB). */
  maxBodyBytes: number;
  /** Sustained requests per second per token (default 50). */
  ratePerS: number;
  /** Requests a token may make at once above the rate (default 100). */
  burst: number;
  /** A request (headers to end of body) must arrive within this, ms (default 10 s). */
  requestTimeoutMs: number;
  /** Origins allowed by CORS; empty: no CORS headers at all. `*` allows any. */
  corsOrigins: readonly string[];
}

export const DEFAULT_LIMITS: HttpApiLimits = {
  maxBodyBytes: 1024 * 1024,
  ratePerS: 50,
  burst: 100,
  requestTimeoutMs: 10_000,
  corsOrigins: [],
};

function positive(name: string, raw: string | undefined, dflt: number): number {
  if (raw === undefined || raw.trim() === '') return dflt;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`${name} must be a positive number, got "${raw}"`);
  return n;
}

/** Limits from `CDC_HTTP_MAX_BODY`, `CDC_HTTP_RATE`, `CDC_HTTP_BURST`, `CDC_HTTP_TIMEOUT_MS`, `CDC_HTTP_CORS_ORIGINS`. */
export function limitsFromEnv(env: Readonly<Record<string, string | undefined>>): HttpApiLimits {
  const cors = (env['CDC_HTTP_CORS_ORIGINS'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const o of cors)
    if (o !== '*' && !/^https?:\/\/[^/\s]+$/.test(o))
      throw new Error(
        `CDC_HTTP_CORS_ORIGINS: "${o}" is not an origin like https://ops.example.com`,
      );
  return {
    maxBodyBytes: Math.floor(
      positive('CDC_HTTP_MAX_BODY', env['CDC_HTTP_MAX_BODY'], DEFAULT_LIMITS.maxBodyBytes),
    ),
    ratePerS: positive('CDC_HTTP_RATE', env['CDC_HTTP_RATE'], DEFAULT_LIMITS.ratePerS),
    burst: Math.floor(positive('CDC_HTTP_BURST', env['CDC_HTTP_BURST'], DEFAULT_LIMITS.burst)),
    requestTimeoutMs: positive(
      'CDC_HTTP_TIMEOUT_MS',
      env['CDC_HTTP_TIMEOUT_MS'],
      DEFAULT_LIMITS.requestTimeoutMs,
    ),
    corsOrigins: cors,
  };
}

/** A token bucket per key: `take` answers 0 (allowed) or the seconds until a request may pass. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerS: number,
    private readonly burst: number,
  ) {}

  take(key: string, now = Date.now()): number {
    let b = this.buckets.get(key);
    if (b === undefined) {
      b = { tokens: this.burst, at: now };
      this.buckets.set(key, b);
      // Full buckets carry no information: forget them, so the map stays small.
      if (this.buckets.size > 10_000) this.prune(now);
    }
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.ratePerS);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return (1 - b.tokens) / this.ratePerS;
  }

  private prune(now: number): void {
    for (const [k, b] of this.buckets)
      if (b.tokens + ((now - b.at) / 1000) * this.ratePerS >= this.burst) this.buckets.delete(k);
  }
}
