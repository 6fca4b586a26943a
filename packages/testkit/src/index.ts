/**
 * @cdc/testkit — helpers the packages' tests share: where the repository and `../shared`
 * are, polling for a condition, byte arrays made comparable, and a logger that keeps what
 * it is told.
 * @module
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (set by `scripts/test.mjs`; else found from this file). */
export function repoRoot(): string {
  const fromEnv = process.env['CDC_REPO_ROOT'];
  if (fromEnv !== undefined) return fromEnv;
  // <root>/packages/testkit/dist/src/index.js
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
}

/** `../shared` beside the repository: the contract, references and test vectors. */
export function sharedDir(): string {
  const dir = process.env['CDC_SHARED_DIR'] ?? resolve(repoRoot(), '..', 'shared');
  if (!existsSync(dir))
    throw new Error(`shared directory not found at ${dir} (set CDC_SHARED_DIR)`);
  return dir;
}

/**
 * `v` with every byte array a plain `Uint8Array` (decoders give Buffers), for deep
 * comparisons of decoded values with the values sent.
 */
export function plainBytes(v: unknown): unknown {
  if (v instanceof Uint8Array) return new Uint8Array(v);
  if (Array.isArray(v)) return v.map(plainBytes);
  if (typeof v === 'object' && v !== null)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainBytes(x)]));
  return v;
}

/** Poll `f` until it returns something truthy, or fail after `ms` naming `what`. */
export async function until<T>(
  f: () => T | Promise<T>,
  ms = 10_000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface LogRecord {
  level: string;
  obj: Record<string, unknown>;
  msg: string | undefined;
}

/** A logger (the router's `Logger` shape) that keeps every record for assertions. */
export interface CapturedLog {
  records: LogRecord[];
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export function captureLogger(): CapturedLog {
  const records: LogRecord[] = [];
  const at = (level: string) => (obj: object, msg?: string) => {
    records.push({ level, obj: obj as Record<string, unknown>, msg });
  };
  return { records, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/**
 * A test node controller's options besides its node: quiet, quick to stop, and an uplink to
 * the center at `url` that retries, probes and beats within fractions of a second.
 */
export function testNodeOptions(url: string) {
  return {
    logger: captureLogger(),
    logLevel: 'warn' as const,
    stopGraceMs: 1000,
    env: {},
    uplink: {
      url,
      retry: { initialDelay: 100, maxDelay: 300 },
      probeIntervalMs: 200,
      heartbeat: { startupDelay: 0.2, period: 1 },
    },
  };
}

export { pinRecorder } from './pins.js';
export type { PinRecorder } from './pins.js';
export { startSmtpSink, readOutbox } from './mail.js';
export { ADMIN_URL, createTestDatabase, unreachable } from './postgres.js';
export type { TestDatabase } from './postgres.js';
export type { SmtpSink, SmtpSinkOptions, ReceivedMail, ParsedMail } from './mail.js';
export { makeTestPki, makeDhParams } from './pki.js';
export type { TestPki, KeyPair } from './pki.js';

/**
 * How many cases a property test runs: `fallback` in the unit tier (kept fast), or
 * `CDC_FUZZ_RUNS` for the long runs of `bench/fuzz.mjs`.
 */
export function fuzzRuns(fallback: number): number {
  const v = Number(process.env['CDC_FUZZ_RUNS']);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}
