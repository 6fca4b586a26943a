import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloseReasons, CrossbarErrors, WampErrors } from '@cdc/protocol';
import { CdcErrors, ERROR_CATALOGUE } from '../src/index.js';
import { repoRoot } from '@cdc/testkit';

test('errors - every URI constant is in the catalogue with a meaning', () => {
  for (const uri of [
    ...Object.values(WampErrors),
    ...Object.values(CloseReasons),
    ...Object.values(CrossbarErrors),
    ...Object.values(CdcErrors),
  ]) {
    assert.ok((ERROR_CATALOGUE[uri] ?? '').length > 0, `${uri} has no entry in ERROR_CATALOGUE`);
  }
});

test('errors - docs/errors.md lists exactly the catalogue (run scripts/gen-errors-doc.mjs)', () => {
  const doc = readFileSync(join(repoRoot(), 'docs', 'errors.md'), 'utf8');
  const rows = new Map<string, string>();
  for (const m of doc.matchAll(/^\| `([^`]+)` \| (.*) \|$/gm)) rows.set(m[1]!, m[2]!);
  assert.deepEqual([...rows.keys()].sort(), Object.keys(ERROR_CATALOGUE).sort());
  for (const [uri, meaning] of Object.entries(ERROR_CATALOGUE))
    assert.equal(rows.get(uri), meaning, uri);
});
