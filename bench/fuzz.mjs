#!/usr/bin/env node
// The long run of the fast-check property tests (issue 14): the same properties the unit
// tier runs a few hundred times each, run CDC_FUZZ_RUNS times (default 20,000), each file in
// its own process. Figures only: the number of cases and the time; a failure prints the
// counterexample fast-check found (replay it with its seed).
//
//   node bench/fuzz.mjs [--runs=20000] [filter ...]
//
// Run `npm run build` first; the tests run from dist/.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const flags = {};
const filters = [];
for (const a of process.argv.slice(2)) {
  const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
  if (m) flags[m[1]] = m[2] ?? true;
  else filters.push(a);
}
const RUNS = Number(flags.runs ?? 20_000);
/** The property test files and what they fuzz. */
const FILES = [
  [
    'packages/protocol/dist/test/fuzz.test.js',
    'decoders (json, msgpack, cbor), nesting cap, RawSocket framing',
  ],
  ['packages/config/dist/test/fuzz.test.js', 'config validators'],
  ['packages/cryptosign/dist/test/fuzz.test.js', 'key file parsers'],
  ['packages/center/dist/test/merge-patch-fuzz.test.js', 'JSON Merge Patch'],
  ['packages/router/dist/test/fuzz-property.test.js', 'router: random frames, a bystander session'],
  ['packages/center/dist/test/http-fuzz.test.js', "the center's HTTP endpoints"],
];

let failed = 0;
console.log(`fast-check properties, ${RUNS} cases per property (HTTP: a tenth)`);
console.log('| target | time (s) | result |\n|---|---:|---|');
for (const [file, what] of FILES) {
  if (filters.length > 0 && !filters.some((f) => file.includes(f) || what.includes(f))) continue;
  const runs = file.includes('http-fuzz') ? Math.ceil(RUNS / 10) : RUNS;
  const tmp = mkdtempSync(join(tmpdir(), 'cdc-fuzz-'));
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=dot', join(root, file)], {
    cwd: root,
    env: { ...process.env, CDC_FUZZ_RUNS: String(runs), TMPDIR: tmp, CDC_REPO_ROOT: root },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  rmSync(tmp, { recursive: true, force: true });
  const ok = r.status === 0;
  if (!ok) failed++;
  console.log(`| ${what} | ${s} | ${ok ? `passed (${runs} cases each)` : 'FAILED'} |`);
  if (!ok) console.log(r.stdout.slice(-4000), r.stderr.slice(-2000));
}
process.exitCode = failed > 0 ? 1 : 0;
