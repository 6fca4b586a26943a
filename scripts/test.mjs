#!/usr/bin/env node
// Runs every compiled test file (`<pkg>/dist/test/**/*.test.js`) with node:test.
// Usage: node scripts/test.mjs [substring ...]   — only files whose path contains a substring.
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

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
const res = spawnSync(
  process.execPath,
  ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...selected],
  { stdio: 'inherit', cwd: root, env: { ...process.env, CDC_REPO_ROOT: root } },
);
process.exit(res.status ?? 1);
