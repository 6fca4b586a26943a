#!/usr/bin/env node
// Writes docs/errors.md from the error catalogue in @cdc/api (run after `npm run build`).
// A test (packages/api/test/errors-doc.test.ts) fails when the two drift apart.
import { writeFileSync } from 'node:fs';
import { ERROR_CATALOGUE } from '@cdc/api';

const groups = new Map();
for (const [uri, meaning] of Object.entries(ERROR_CATALOGUE)) {
  const prefix = uri.split('.').slice(0, 2).join('.');
  if (!groups.has(prefix)) groups.set(prefix, []);
  groups.get(prefix).push([uri, meaning]);
}
let out = '# Error and close URIs\n\n';
out +=
  'Every error CDC raises carries one of these URIs and a human-readable message as its first\n';
out += 'argument. Generated from `ERROR_CATALOGUE` in `packages/api/src/errors.ts` by\n';
out += '`node scripts/gen-errors-doc.mjs`; a test keeps this file and the code in step.\n';
for (const [prefix, rows] of groups) {
  out += `\n## \`${prefix}.*\`\n\n| URI | Meaning |\n|---|---|\n`;
  for (const [uri, meaning] of rows) out += `| \`${uri}\` | ${meaning} |\n`;
}
writeFileSync(new URL('../docs/errors.md', import.meta.url), out);
console.log(`docs/errors.md: ${Object.keys(ERROR_CATALOGUE).length} URIs`);
