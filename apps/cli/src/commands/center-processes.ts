/**
 * `cdc center start --cluster --processes N`: N clustered center instances on one machine,
 * sharing the public port through Node's `cluster` module (the primary holds the listening
 * socket and hands connections to the workers), so one machine's cores are all used. The
 * primary only keeps the workers: it restarts one that dies, and on SIGTERM/SIGINT stops
 * them all, each handing its realms over before it exits.
 * @module
 */
import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import { hostname } from 'node:os';
import type { Logger } from '@cdc/protocol';

/** The worker's instance id, set by the primary (a worker re-reads the same flags). */
const WORKER_ID_ENV = 'CDC_CLUSTER_WORKER_ID';
const WORKER_INDEX_ENV = 'CDC_CLUSTER_WORKER_INDEX';
/** A worker that died is started again after this long. */
const RESTART_DELAY_MS = 1000;

/** In a worker of `--processes`: its instance id. */
export function workerInstanceId(): string | undefined {
  return cluster.isWorker ? process.env[WORKER_ID_ENV] : undefined;
}

/** In a worker of `--processes`: its number, 1 … N (0 elsewhere). */
export function workerIndex(): number {
  return cluster.isWorker ? Number(process.env[WORKER_INDEX_ENV] ?? 0) : 0;
}

/**
 * In the primary, fork `n` workers named `<base>-1` … `<base>-n` and keep them; resolves when
 * all have stopped after a signal. Only the primary calls this.
 */
export function runWorkers(n: number, base: string | undefined, log: Logger): Promise<void> {
  const prefix = base ?? `${hostname()}-${process.pid}`;
  const ids = new Map<Worker, { id: string; index: number }>();
  let stopping = false;
  const fork = (id: string, index: number): void => {
    const w = cluster.fork({ [WORKER_ID_ENV]: id, [WORKER_INDEX_ENV]: String(index) });
    ids.set(w, { id, index });
    log.info({ instance: id, pid: w.process.pid }, 'center worker started');
  };
  return new Promise((resolve) => {
    cluster.on('exit', (w, code, signal) => {
      const was = ids.get(w);
      ids.delete(w);
      if (stopping) {
        if (ids.size === 0) resolve();
        return;
      }
      if (was === undefined) return;
      log.error({ instance: was.id, code, signal }, 'center worker died; starting it again');
      setTimeout(() => !stopping && fork(was.id, was.index), RESTART_DELAY_MS).unref();
    });
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      log.info({ signal, workers: ids.size }, 'stopping the center workers');
      if (ids.size === 0) resolve();
      for (const w of ids.keys()) w.process.kill('SIGTERM');
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    for (let i = 1; i <= n; i++) fork(`${prefix}-${i}`, i);
  });
}

/** `--processes`: a whole number from 1 to 256. */
export function parseProcesses(raw: string | undefined): number {
  if (raw === undefined) return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new Error(`--processes takes a whole number from 1 to 256, got "${raw}"`);
  return n;
}
