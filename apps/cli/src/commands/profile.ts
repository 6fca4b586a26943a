/**
 * A worker's process through the center (SPEC §4.3): `cdc stats NODE WORKER` (`get_stats`,
 * each figure with its unit)
 * and `cdc profile NODE WORKER` (`profile_worker`), which prints the pruned profile: the
 * functions by total share, then the call tree. The node summarizes V8 profiles as
 * `packages/node/src/system/profile-summary.ts` describes; the result may be that summary or
 * a profile record holding it in `profile`.
 * @module
 */
import type { Command } from 'commander';
import type { ProfileSummary, TreeNode, WorkerStats } from '@cdc/api';
import { runCall } from '../center-api.js';
import type { CenterFlags } from '../center-api.js';
import { intArg, numberArg } from '../input.js';
import { printResult, table } from '../output.js';
import { styleFor } from '../format/style.js';
import { statsView } from '../format/views.js';
import { connectionOptions } from './api.js';

type Flags = CenterFlags & { runtime: string; prunePercent: string; pruneLevel: string };

/** A profile as received: the contract's shape, read defensively (only `functions` is sure). */
type Summary = Pick<ProfileSummary, 'functions'> & Partial<Omit<ProfileSummary, 'functions'>>;

const PROFILER = 'v8';

function isSummary(v: unknown): v is Summary {
  return typeof v === 'object' && v !== null && Array.isArray((v as Summary).functions);
}

const where = (f: { url: string; line: number }): string =>
  f.url === '' ? '' : `${f.url.replace(/^file:\/\//, '')}${f.line > 0 ? `:${f.line}` : ''}`;
const pct = (x: number): string => `${x.toFixed(1)}%`;

/** The call tree, one line per frame, indented by depth (iterative: trees can be deep). */
function treeLines(root: TreeNode): string[] {
  const out: string[] = [];
  const stack: { t: TreeNode; depth: number }[] = [{ t: root, depth: 0 }];
  while (stack.length > 0) {
    const { t, depth } = stack.pop() as { t: TreeNode; depth: number };
    const loc = where(t);
    out.push(
      `${pct(t.total_percent).padStart(6)} ${pct(t.self_percent).padStart(6)}  ${'  '.repeat(depth)}${t.name}${loc === '' ? '' : `  ${loc}`}`,
    );
    const kids = t.children;
    for (let i = kids.length - 1; i >= 0; i--)
      stack.push({ t: kids[i] as TreeNode, depth: depth + 1 });
  }
  return out;
}

/** The profile for people: a header, the functions table, the call tree. */
export function formatProfile(result: unknown): string | undefined {
  const record =
    typeof result === 'object' && result !== null ? (result as Record<string, unknown>) : {};
  const summary = isSummary(result)
    ? result
    : isSummary(record['profile'])
      ? record['profile']
      : undefined;
  if (summary === undefined) return undefined;
  const head: string[] = [];
  for (const k of ['id', 'profiler', 'status', 'started', 'finished'])
    if (record[k] !== undefined && record[k] !== null)
      head.push(`${k} ${typeof record[k] === 'string' ? record[k] : JSON.stringify(record[k])}`);
  if (summary.samples !== undefined) head.push(`${summary.samples} samples`);
  if (summary.duration_ms !== undefined) head.push(`${(summary.duration_ms / 1000).toFixed(1)} s`);
  if (summary.total_ms !== undefined) head.push(`active ${summary.total_ms} ms`);
  if (summary.idle_ms !== undefined) head.push(`idle ${summary.idle_ms} ms`);
  let out = head.length > 0 ? `${head.join(', ')}\n\n` : '';
  out += table(
    summary.functions.map((f) => ({
      total: pct(f.total_percent),
      self: pct(f.self_percent),
      total_ms: f.total,
      self_ms: f.self,
      function: f.name,
      location: where(f),
    })),
  );
  if (summary.tree !== undefined)
    out += `\ncall tree (total, self):\n${treeLines(summary.tree).join('\n')}\n`;
  return out;
}

export function registerProfileCommands(program: Command): void {
  connectionOptions(
    program
      .command('profile <node> <worker>')
      .description(
        'profile a worker (V8 CPU profiler) and print functions by their share of CPU time',
      ),
  )
    .option('--runtime <s>', 'how long to profile, in seconds', '10')
    .option('--prune-percent <p>', 'leave out functions below this share (0-100)', '5')
    .option('--prune-level <n>', 'cut the call tree below this depth', '1000')
    .action((node: string, worker: string, flags: Flags) => {
      const runtime = numberArg(flags.runtime, '--runtime', { min: 0, minExclusive: true });
      const prunePercent = numberArg(flags.prunePercent, '--prune-percent', { min: 0, max: 100 });
      const pruneLevel = intArg(flags.pruneLevel, '--prune-level', 0);
      const options = { profiler: PROFILER, runtime, prunePercent, pruneLevel };
      return runCall(
        flags,
        (cdc) => cdc.config.profileWorker(node, worker, options),
        (v) => {
          const text = formatProfile(v);
          if (text === undefined) printResult(v, false);
          else process.stdout.write(text);
        },
      );
    });

  connectionOptions(
    program
      .command('stats <node> <worker>')
      .description("a worker's process statistics: pid, uptime, CPU, memory, open files"),
  ).action((node: string, worker: string, flags: CenterFlags) =>
    runCall(
      flags,
      (cdc) => cdc.config.getStats(node, worker),
      (v) => process.stdout.write(statsView(v as WorkerStats, styleFor())),
    ),
  );
}
