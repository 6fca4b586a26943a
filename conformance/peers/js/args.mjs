// The scenario's command line and JSON-lines output, shared by the JS peers
// (see ../README.md). Plain JavaScript: the peers run as they are, without a build.
import { parseArgs } from 'node:util';

export function scenarioOptions() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      serializer: { type: 'string', default: 'json' },
      realm: { type: 'string', default: 'realm1' },
      prefix: { type: 'string' },
      authmethod: { type: 'string', default: 'anonymous' },
      authid: { type: 'string' },
      ticket: { type: 'string' },
      secret: { type: 'string' },
      seed: { type: 'string' },
      'channel-binding': { type: 'string' },
      cafile: { type: 'string' },
      'tls-max': { type: 'string' },
      timeout: { type: 'string', default: '20' },
      // wampy only: subscribe with { match: 'exact', get_retained: false } rather than no
      // options, for which wampy sends those keys with the value `undefined`.
      'explicit-subscribe-options': { type: 'boolean', default: false },
    },
  });
  if (values.url === undefined || values.prefix === undefined) {
    process.stderr.write('usage: --url URL --prefix PREFIX [--serializer S] [--realm R] ...\n');
    process.exit(2);
  }
  return { ...values, timeoutMs: Number(values.timeout) * 1000 };
}

/**
 * JSON-safe copy: bytes become {"$bytes": hex}; BigInts (msgpackr 2 decodes every uint64,
 * e.g. a session ID, as one) become numbers.
 */
function plain(v) {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) return { $bytes: Buffer.from(v).toString('hex') };
  if (v instanceof ArrayBuffer) return plain(new Uint8Array(v));
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

let failed = false;
let joined = false;

/** Print one line of what happened. */
export function out(kind, fields = {}) {
  if (kind === 'fatal') failed = true;
  if (kind === 'joined') joined = true;
  process.stdout.write(JSON.stringify({ kind, ...plain(fields) }) + '\n');
}

/** Exit 0 only if the session joined and nothing failed. */
export function finish() {
  process.exitCode = joined && !failed ? 0 : 1;
}

export function errorText(e) {
  return e instanceof Error ? `${e.name}: ${e.message}` : JSON.stringify(e);
}

/** A promise and its resolvers, with a timeout that rejects it. */
export function deferred(timeoutMs, what) {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), timeoutMs);
  promise.then(
    () => clearTimeout(timer),
    () => clearTimeout(timer),
  );
  return { promise, resolve, reject };
}
