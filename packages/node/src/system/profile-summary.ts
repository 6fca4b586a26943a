/**
 * Turns a V8 CPU profile (`.cpuprofile`, as `Profiler.stop` returns it) into what
 * `profile_worker(…, prune_percent, prune_level)` returns: per-function self and total
 * shares, and the call tree pruned to what matters. Pure: no I/O, no Node built-ins.
 *
 * Shares are of the *active* time: `(idle)` samples (the thread waiting in the event loop)
 * are reported as `idle_ms` and left out, so a busy function's share does not depend on
 * how long the worker sat idle. `(program)` (VM work outside JS) and
 * `(garbage collector)` stay in: they are CPU the worker spent.
 * @module
 */
import type { FunctionSummary, ProfileSummary, TreeNode } from '@cdc/api';
import { invalidArgument } from './errors.js';

export type { ProfileSummary, TreeNode } from '@cdc/api';

/** The parts of a V8 `Profiler.Profile` this module reads. */
export interface CpuProfile {
  nodes: CpuProfileNode[];
  /** µs, V8 monotonic clock. */
  startTime: number;
  endTime: number;
  /** Node id of each sample, in order. */
  samples?: number[];
  /** µs between consecutive samples (the first: since `startTime`). */
  timeDeltas?: number[];
}

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface SummaryOptions {
  /** Drop functions and subtrees with a smaller total share (percent, 0–100). */
  prunePercent?: number;
  /** Cut the tree below this depth (the root is depth 0). */
  pruneLevel?: number;
  /** The interval the profiler was asked for; otherwise the mean sample spacing. */
  samplingIntervalUs?: number;
}

const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

function checkOptions(o: SummaryOptions): { prunePercent: number; pruneLevel: number } {
  const prunePercent = o.prunePercent ?? 5;
  const pruneLevel = o.pruneLevel ?? 1000;
  if (typeof prunePercent !== 'number' || !(prunePercent >= 0 && prunePercent <= 100)) {
    throw invalidArgument('prune_percent', 'must be a number from 0 to 100');
  }
  if (typeof pruneLevel !== 'number' || !Number.isInteger(pruneLevel) || pruneLevel < 0) {
    throw invalidArgument('prune_level', 'must be a non-negative integer');
  }
  return { prunePercent, pruneLevel };
}

/** Self time per node in µs, from the sample timeline when present, else hit counts. */
function selfTimes(p: CpuProfile, byId: Map<number, CpuProfileNode>): Map<number, number> {
  const self = new Map<number, number>();
  const add = (id: number, us: number): void => {
    self.set(id, (self.get(id) ?? 0) + us);
  };
  const { samples, timeDeltas } = p;
  if (samples && timeDeltas && samples.length > 0 && samples.length === timeDeltas.length) {
    // Sample i lasts until sample i+1 (the last one until endTime). V8 can emit slightly
    // out-of-order timestamps; negative spans count as 0.
    let t = p.startTime + (timeDeltas[0] ?? 0);
    for (let i = 0; i < samples.length; i++) {
      const next = i + 1 < samples.length ? t + (timeDeltas[i + 1] ?? 0) : p.endTime;
      add(samples[i] ?? -1, Math.max(0, next - t));
      t = next;
    }
  } else {
    let hits = 0;
    for (const n of byId.values()) hits += n.hitCount ?? 0;
    const perHit = hits > 0 ? (p.endTime - p.startTime) / hits : 0;
    for (const n of byId.values()) if (n.hitCount) add(n.id, n.hitCount * perHit);
  }
  return self;
}

const keyOf = (n: CpuProfileNode): string => {
  const f = n.callFrame;
  return `${f.functionName}\0${f.url}\0${f.lineNumber}\0${f.columnNumber}`;
};

const labelOf = (n: CpuProfileNode): { name: string; url: string; line: number } => ({
  name: n.callFrame.functionName || '(anonymous)',
  url: n.callFrame.url,
  line: n.callFrame.lineNumber >= 0 ? n.callFrame.lineNumber + 1 : 0,
});

/** Summarizes a V8 CPU profile; see the module comment for what the shares mean. */
export function summarizeProfile(
  profile: CpuProfile,
  options: SummaryOptions = {},
): ProfileSummary {
  const { prunePercent, pruneLevel } = checkOptions(options);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const isChild = new Set(profile.nodes.flatMap((n) => n.children ?? []));
  const root = profile.nodes.find((n) => !isChild.has(n.id)) ?? profile.nodes[0];
  const self = selfTimes(profile, byId);
  const childrenOf = (n: CpuProfileNode): CpuProfileNode[] =>
    (n.children ?? []).map((id) => byId.get(id)).filter((c): c is CpuProfileNode => !!c);
  const isIdle = (n: CpuProfileNode): boolean => n.callFrame.functionName === '(idle)';

  // Depth-first without recursion: profiles of deeply recursive code nest thousands deep.
  // Parents come before children in `order`, so walking it backwards sums totals bottom-up.
  const order: CpuProfileNode[] = [];
  const stack = root ? [root] : [];
  while (stack.length > 0) {
    const n = stack.pop() as CpuProfileNode;
    order.push(n);
    stack.push(...childrenOf(n));
  }
  const total = new Map<number, number>();
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i] as CpuProfileNode;
    let t = self.get(n.id) ?? 0;
    for (const c of childrenOf(n)) t += total.get(c.id) ?? 0;
    total.set(n.id, t);
  }
  let idleUs = 0;
  for (const n of order) if (isIdle(n)) idleUs += total.get(n.id) ?? 0;
  const activeUs = Math.max(0, (root ? (total.get(root.id) ?? 0) : 0) - idleUs);
  const pct = (us: number): number => (activeUs > 0 ? round((100 * us) / activeUs, 2) : 0);

  // Per function: self everywhere it ran; total only where it is not already on the stack
  // above, so recursion is not counted twice.
  const fns = new Map<string, { node: CpuProfileNode; self: number; total: number }>();
  const onStack = new Map<string, number>();
  const walk: { n: CpuProfileNode; exit: boolean }[] = root ? [{ n: root, exit: false }] : [];
  while (walk.length > 0) {
    const { n, exit } = walk.pop() as { n: CpuProfileNode; exit: boolean };
    const key = keyOf(n);
    if (exit) {
      onStack.set(key, (onStack.get(key) ?? 1) - 1);
      continue;
    }
    if (n !== root && !isIdle(n)) {
      const f = fns.get(key) ?? { node: n, self: 0, total: 0 };
      f.self += self.get(n.id) ?? 0;
      if (!onStack.get(key)) f.total += total.get(n.id) ?? 0;
      fns.set(key, f);
    }
    onStack.set(key, (onStack.get(key) ?? 0) + 1);
    walk.push({ n, exit: true });
    for (const c of childrenOf(n)) walk.push({ n: c, exit: false });
  }
  const functions: FunctionSummary[] = [...fns.values()]
    .map((f) => ({
      ...labelOf(f.node),
      self: round(f.self / 1000, 3),
      total: round(f.total / 1000, 3),
      self_percent: pct(f.self),
      total_percent: pct(f.total),
    }))
    .filter((f) => f.total_percent >= prunePercent)
    .sort((a, b) => b.total - a.total || b.self - a.self);

  const makeTree = (n: CpuProfileNode): TreeNode => ({
    ...labelOf(n),
    self_percent: pct(self.get(n.id) ?? 0),
    total_percent: n === root ? pct(activeUs) : pct(total.get(n.id) ?? 0),
    children: [],
  });
  const tree: TreeNode = root ? makeTree(root) : { ...emptyRoot(), children: [] };
  const build: { n: CpuProfileNode; t: TreeNode; depth: number }[] = root
    ? [{ n: root, t: tree, depth: 0 }]
    : [];
  while (build.length > 0) {
    const { n, t, depth } = build.pop() as { n: CpuProfileNode; t: TreeNode; depth: number };
    if (depth >= pruneLevel) continue;
    const kids = childrenOf(n)
      .filter((c) => !isIdle(c))
      .map((c) => ({ c, t: makeTree(c) }))
      .filter(({ t: ct }) => ct.total_percent >= prunePercent)
      .sort((a, b) => b.t.total_percent - a.t.total_percent);
    for (const { c, t: ct } of kids) {
      t.children.push(ct);
      build.push({ n: c, t: ct, depth: depth + 1 });
    }
  }

  const samples =
    profile.samples?.length ?? profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
  const durationUs = Math.max(0, profile.endTime - profile.startTime);
  return {
    samples,
    duration_ms: round(durationUs / 1000, 3),
    sampling_interval_us:
      options.samplingIntervalUs ?? (samples > 0 ? Math.round(durationUs / samples) : 0),
    total_ms: round(activeUs / 1000, 3),
    idle_ms: round(idleUs / 1000, 3),
    functions,
    tree,
  };
}

function emptyRoot(): Omit<TreeNode, 'children'> {
  return { name: '(root)', url: '', line: 0, self_percent: 0, total_percent: 0 };
}
