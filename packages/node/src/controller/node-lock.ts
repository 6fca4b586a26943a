/**
 * One controller per node directory, as Crossbar.io's `node.pid`: two controllers on one
 * directory would share a key, fight over the management socket and stop each other's
 * workers. The file holds the PID and kernel start time of the owner, so a file left by a
 * killed controller (or naming a PID since reused) does not block the next start.
 * @module
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processStartTime } from './orphans.js';

export const PID_FILE = 'node.pid';

/** Another controller runs from this directory. */
export class NodeRunningError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`a node is already running from ${dir} (PID ${pid})`);
    this.name = 'NodeRunningError';
  }
}

interface PidRecord {
  pid: number;
  starttime: number | null;
}

/** Directories locked by controllers of this very process (their PID is ours). */
const heldHere = new Set<string>();

function readOwner(path: string): PidRecord | null {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<PidRecord>;
    if (typeof v.pid !== 'number' || !Number.isInteger(v.pid)) return null;
    return { pid: v.pid, starttime: typeof v.starttime === 'number' ? v.starttime : null };
  } catch {
    return null;
  }
}

function running(owner: PidRecord): boolean {
  if (owner.pid === process.pid) return false;
  const now = processStartTime(owner.pid);
  // Without /proc (starttime null on both sides) fall back to "the PID is alive".
  if (owner.starttime === null) {
    try {
      process.kill(owner.pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  return now === owner.starttime;
}

/** Take the directory; returns the release function. @throws NodeRunningError */
export function lockNodeDirectory(dir: string): () => void {
  const path = join(dir, PID_FILE);
  if (heldHere.has(dir)) throw new NodeRunningError(dir, process.pid);
  for (let attempt = 0; ; attempt++) {
    const record: PidRecord = { pid: process.pid, starttime: processStartTime(process.pid) };
    try {
      writeFileSync(path, JSON.stringify(record), { flag: 'wx', mode: 0o644 });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = readOwner(path);
    // A second EEXIST means another controller took the stale file in between.
    if (owner !== null && (attempt > 0 || running(owner)))
      throw new NodeRunningError(dir, owner.pid);
    rmSync(path, { force: true }); // stale: its controller is gone
  }
  heldHere.add(dir);
  return () => {
    if (!heldHere.delete(dir)) return;
    if (readOwner(path)?.pid === process.pid) rmSync(path, { force: true });
  };
}
