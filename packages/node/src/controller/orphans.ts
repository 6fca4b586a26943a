/**
 * Worker processes that outlive their controller. Native workers exit when their IPC
 * channel closes, but a guest is any executable and a SIGKILLed controller cannot stop it.
 * So the controller keeps `<cbdir>/workers.json` (ID, PID and kernel start time of every
 * live worker) and, when the node starts again, stops the ones still running. The start
 * time tells a surviving worker from an unrelated process that was given the same PID.
 * @module
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@cdc/protocol';

export const WORKERS_FILE = 'workers.json';

export interface WorkerRecord {
  id: string;
  type: string;
  pid: number;
  /** Field 22 of `/proc/<pid>/stat`: clock ticks after boot; null where /proc is missing. */
  starttime: number | null;
}

/**
 * The start time of a running process; null when there is none with this PID (or /proc is
 * missing). A zombie counts as gone: it has exited, only its parent has not reaped it.
 */
export function processStartTime(pid: number): number | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name sits in parentheses and may contain spaces: count from after it.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  if (rest[0] === 'Z' || rest[0] === 'X') return null;
  const v = Number.parseInt(rest[22 - 3] ?? '', 10);
  return Number.isFinite(v) ? v : null;
}

function readRecords(path: string): WorkerRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  try {
    const v: unknown = JSON.parse(text);
    if (!Array.isArray(v)) return [];
    return v.filter(
      (r): r is WorkerRecord =>
        typeof r === 'object' &&
        r !== null &&
        typeof (r as WorkerRecord).id === 'string' &&
        Number.isInteger((r as WorkerRecord).pid) &&
        (r as WorkerRecord).pid > 1,
    );
  } catch {
    return [];
  }
}

/** The live-worker file of one node directory; written whole (tmp + rename) on every change. */
export class WorkerRegistry {
  private readonly path: string;
  private readonly records = new Map<string, WorkerRecord>();

  constructor(cbdir: string) {
    this.path = join(cbdir, WORKERS_FILE);
  }

  add(id: string, type: string, pid: number): void {
    this.records.set(id, { id, type, pid, starttime: processStartTime(pid) });
    this.flush();
  }

  remove(id: string, pid: number | undefined): void {
    // A restarted worker reuses the ID: drop the record only if it is this incarnation's.
    if (this.records.get(id)?.pid !== pid) return;
    this.records.delete(id);
    this.flush();
  }

  private flush(): void {
    try {
      if (this.records.size === 0) {
        rmSync(this.path, { force: true });
        return;
      }
      const tmp = `${this.path}.tmp`;
      writeFileSync(tmp, JSON.stringify([...this.records.values()]), { mode: 0o600 });
      renameSync(tmp, this.path);
    } catch {
      // Losing the file only loses orphan cleanup after a crash; never fail a worker for it.
    }
  }
}

/** A guest leads a process group of its own (`@cdc/supervisor`): what it forked goes too. */
function signalWorker(r: WorkerRecord, signal: NodeJS.Signals): void {
  if (r.type === 'guest') {
    try {
      process.kill(-r.pid, signal);
      return;
    } catch {
      // Not a group leader (a record of an older controller): the process alone.
    }
  }
  process.kill(r.pid, signal);
}

/**
 * Stop the workers a previous controller of this directory left running: SIGTERM, then
 * SIGKILL after `graceMs`. Returns the records of the processes it stopped.
 */
export async function reapOrphans(
  cbdir: string,
  logger: Logger,
  graceMs = 3000,
): Promise<WorkerRecord[]> {
  const path = join(cbdir, WORKERS_FILE);
  const found = readRecords(path).filter((r) => {
    // Same PID, other start time: the PID was reused by an unrelated process.
    return r.starttime !== null && processStartTime(r.pid) === r.starttime;
  });
  for (const r of found) {
    logger.warn(
      { worker: r.id, type: r.type, pid: r.pid },
      'stopping a worker left running by a previous controller',
    );
    try {
      signalWorker(r, 'SIGTERM');
    } catch {
      // Gone in the meantime.
    }
  }
  const deadline = Date.now() + graceMs;
  let left = found;
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    left = left.filter((r) => processStartTime(r.pid) === r.starttime);
  }
  for (const r of left) {
    logger.warn({ worker: r.id, pid: r.pid }, 'orphaned worker ignored SIGTERM: killing it');
    try {
      signalWorker(r, 'SIGKILL');
    } catch {
      // Gone in the meantime.
    }
  }
  rmSync(path, { force: true });
  return found;
}
