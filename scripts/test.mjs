#!/usr/bin/env node
// Runs every compiled test file (`<pkg>/dist/test/**/*.test.js`) with node:test.
// Usage: node scripts/test.mjs [substring ...]   — only files whose path contains a substring.
//
// The tests get a temporary directory of their own (TMPDIR) that must be empty when they
// end: a test that leaves files behind fails the run. With CI=true a skipped test fails it
// too — on CI every tool and service (PostgreSQL, autobahn-python, OpenSSH…) must be there.
import {
  readdirSync,
  statSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { availableParallelism, tmpdir } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const files = [];
for (const group of ['packages', 'apps']) {
  const g = join(root, group);
  if (!existsSync(g)) continue;
  for (const pkg of readdirSync(g)) {
    const testDir = join(g, pkg, 'dist', 'test');
    if (existsSync(testDir)) walk(testDir, files);
  }
}
if (existsSync(join(root, 'conformance', 'dist', 'test')))
  walk(join(root, 'conformance', 'dist', 'test'), files);
const selected = files
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (selected.length === 0) {
  console.error('no test files found (did `npm run build` run?)');
  process.exit(1);
}
const concurrency = Math.max(2, Math.min(4, availableParallelism()));
const work = mkdtempSync(join(tmpdir(), 'cdc-test-run-'));
const testTmp = join(work, 'tmp');
const skipsFile = join(work, 'skipped.jsonl');
mkdirSync(testTmp);
const res = spawnSync(
  process.execPath,
  [
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts', 'skip-reporter.mjs')}`,
    `--test-reporter-destination=${skipsFile}`,
    ...selected,
  ],
  {
    stdio: 'inherit',
    cwd: root,
    env: { ...process.env, CDC_REPO_ROOT: root, TMPDIR: testTmp },
  },
);
let status = res.status ?? 1;

const leftovers = readdirSync(testTmp);
if (leftovers.length > 0) {
  console.error(`\nThe tests left ${leftovers.length} entries in their temporary directory:`);
  for (const name of leftovers.slice(0, 20)) console.error(`  ${name}`);
  status ||= 1;
}
const skipped = existsSync(skipsFile)
  ? readFileSync(skipsFile, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l))
  : [];
if (process.env.CI === 'true' && skipped.length > 0) {
  console.error(
    `\nCI=true and ${skipped.length} tests were skipped (a tool or service is missing):`,
  );
  for (const s of skipped.slice(0, 20))
    console.error(
      `  ${s.name}${s.why !== '' ? ` — ${s.why}` : ''} (${relative(root, s.file ?? '')})`,
    );
  status ||= 1;
}
rmSync(work, { recursive: true, force: true });
process.exit(status);
