// Summarize a V8 .cpuprofile: self time per function, highest first.
// CLI: node bench/lib/profile.mjs FILE.cpuprofile [top]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function where(frame) {
  let url = frame.url ?? '';
  if (url.startsWith('file://')) url = fileURLToPath(url);
  if (url.startsWith(ROOT)) url = url.slice(ROOT.length);
  url = url.replace(/^node_modules\//, '').replace(/^packages\/([^/]+)\/dist\/src\//, '@cdc/$1/');
  return url === '' ? '' : `${url}:${frame.lineNumber + 1}`;
}

/** Self time per function as `{name, where, ms, pct}`; pct of non-idle time. */
export function summarize(profile, top = 20) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const dt = deltas[i] ?? 0;
    const f = node.callFrame;
    if (f.functionName === '(idle)') {
      idle += dt;
      return;
    }
    total += dt;
    const key = `${f.functionName || '(anonymous)'} ${where(f)}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  const rows = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, us]) => {
      const sp = key.indexOf(' ');
      return {
        name: key.slice(0, sp),
        where: key.slice(sp + 1),
        ms: us / 1000,
        pct: (100 * us) / total,
      };
    });
  return { busyMs: total / 1000, idleMs: idle / 1000, rows };
}

export function formatSummary(s) {
  const lines = [
    `  busy ${s.busyMs.toFixed(0)} ms, idle ${s.idleMs.toFixed(0)} ms; self time, % of busy:`,
  ];
  for (const r of s.rows) lines.push(`  ${r.pct.toFixed(1).padStart(5)}%  ${r.name}  ${r.where}`);
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  const top = Number(process.argv[3] ?? 25);
  console.log(formatSummary(summarize(JSON.parse(readFileSync(file, 'utf8')), top)));
}
