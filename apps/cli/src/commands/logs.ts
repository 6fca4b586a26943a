/**
 * `cdc logs NODE WORKER [--limit N] [--follow]`: a worker's recent log through the center
 * (SPEC §4.2 `get_worker_log`), and with `--follow` its live log topic until Ctrl-C.
 * @module
 */
import type { Command } from 'commander';
import type { CenterFlags } from '../center-api.js';
import { intArg } from '../input.js';
import { printResult } from '../output.js';
import { untilInterrupted, withCenter } from '../profile.js';
import { connectionOptions } from './api.js';

type Flags = CenterFlags & { limit: string; follow?: boolean };

/** A log line as people read it: `time LEVEL message` (the node's log entries). */
export function logLine(e: unknown): string {
  if (typeof e === 'string') return e;
  if (typeof e !== 'object' || e === null) return JSON.stringify(e);
  const r = e as Record<string, unknown>;
  const str = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v ?? null));
  const level = str(r['level'] ?? 'info').toUpperCase();
  return `${str(r['time'] ?? '-')} ${level.padEnd(5)} ${str(r['message'] ?? r['msg'] ?? '')}`;
}

async function logs(node: string, worker: string, flags: Flags): Promise<void> {
  const limit = intArg(flags.limit, '--limit', 0);
  const json = flags.json === true;
  // With --follow and --json every line is one JSON document (NDJSON), history included.
  const print = (e: unknown): void => {
    process.stdout.write(`${json ? JSON.stringify(e) : logLine(e)}\n`);
  };
  await withCenter(flags, async (cdc) => {
    // Subscribe first so nothing falls between the history and the live lines.
    const early: unknown[] = [];
    let live = false;
    if (flags.follow === true)
      await cdc.onWorkerLog(node, worker, (entry) => {
        if (live) print(entry);
        else early.push(entry);
      }).ready;
    const history: unknown = await cdc.remote.getWorkerLog(node, worker, { limit });
    if (flags.follow !== true) {
      if (json || !Array.isArray(history)) printResult(history, json);
      else for (const e of history) print(e);
      return;
    }
    const lines: unknown[] = Array.isArray(history) ? history : [];
    for (const e of lines) print(e);
    const seen = new Set(lines.map((e) => JSON.stringify(e)));
    for (const e of early) if (!seen.has(JSON.stringify(e))) print(e);
    live = true;
    await untilInterrupted(cdc);
  });
}

export function registerLogsCommand(program: Command): void {
  connectionOptions(
    program
      .command('logs <node> <worker>')
      .description("a worker's log through the center; --follow keeps printing until Ctrl-C"),
  )
    .option('-n, --limit <n>', 'how many recent lines', '100')
    .option('-f, --follow', 'keep printing new lines (with --json: one JSON line each)')
    .action((node: string, worker: string, flags: Flags) => logs(node, worker, flags));
}
