/**
 * A plain process runs in a process group of its own (its PID is the group's ID), so that
 * stopping it stops what it forked too: a guest `sh -c "…; sleep 60"` must not leave its
 * `sleep` running under init.
 * @module
 */
import { readFileSync, readdirSync } from 'node:fs';

/** Send `signal` to every process of group `pgid`; false when the group is empty. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a process of group `pgid` still runs. Zombies do not count: an orphan that exited
 * waits for init to reap it, which is no business of ours (and some containers' init never
 * does). Without /proc, whatever the kernel still signals counts.
 */
export function groupAlive(pgid: number): boolean {
  let pids: string[];
  try {
    pids = readdirSync('/proc');
  } catch {
    return signalGroup(pgid, 0);
  }
  for (const pid of pids) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone while we looked
    }
    // After the command name in parentheses: state, ppid, pgrp, …
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true;
  }
  return false;
}
