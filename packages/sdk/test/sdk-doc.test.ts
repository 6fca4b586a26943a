/** docs/SDK.md is what `scripts/gen-sdk-doc.mjs` renders from the contract and the SDK's types. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '@cdc/testkit';

test('docs/SDK.md is up to date (node scripts/gen-sdk-doc.mjs writes it)', async () => {
  const gen = (await import(
    pathToFileURL(join(repoRoot(), 'scripts', 'gen-sdk-doc.mjs')).href
  )) as {
    renderSdkDoc(): string;
  };
  const file = readFileSync(join(repoRoot(), 'docs', 'SDK.md'), 'utf8');
  assert.equal(file, gen.renderSdkDoc(), 'run: npm run build && node scripts/gen-sdk-doc.mjs');
});
