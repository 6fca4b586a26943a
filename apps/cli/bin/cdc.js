#!/usr/bin/env node
// The `cdc` command: run the compiled CLI (`npm run build` first, as the README says).
//
// It runs the bundle (dist/bundle/, apps/cli/scripts/bundle.mjs), which starts faster than
// the ~150 files it is made of. A bundle older than the build of any project in it (a
// `tsc -b` since the last `npm run build`) is never run: the unbundled build runs instead,
// with a note, so a change is not silently ignored.
import { readFileSync, statSync } from 'node:fs';

const bundle = new URL('../dist/bundle/', import.meta.url);

function bundleState() {
  let built;
  try {
    built = statSync(new URL('main.js', bundle)).mtimeMs;
  } catch {
    return 'missing';
  }
  const stamps = JSON.parse(readFileSync(new URL('stamps.json', bundle), 'utf8'));
  for (const stamp of stamps)
    if (statSync(new URL(stamp, bundle), { throwIfNoEntry: false })?.mtimeMs > built)
      return 'stale';
  return 'fresh';
}

const state = bundleState();
if (state === 'fresh') await import('../dist/bundle/main.js');
else {
  process.stderr.write(
    `cdc: the bundle is ${state === 'missing' ? 'missing' : 'older than the build'}; ` +
      'running the unbundled build (npm run build makes it)\n',
  );
  await import('../dist/src/main.js');
}
