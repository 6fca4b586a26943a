#!/usr/bin/env node
// Precompiles the config JSON Schemas into standalone validator code (ajv standalone), one
// CommonJS module per kind, so a worker process validates without compiling schemas at
// start (ajv compilation costs ~1 s) and loads only the kinds it uses. Runs after `tsc -b`
// (it reads the compiled schemas); `validate.ts` compiles on demand when a module is missing.
import { writeFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { SCHEMAS, AJV_OPTIONS, rootSchema, sharedSchemas } from '../dist/src/schemas.js';

let total = 0;
for (const kind of Object.keys(SCHEMAS)) {
  const ajv = new Ajv({ ...AJV_OPTIONS, schemas: sharedSchemas(), code: { source: true } });
  const code = standaloneCode(ajv, ajv.compile(rootSchema(kind)));
  writeFileSync(new URL(`../dist/src/validator-${kind}.generated.cjs`, import.meta.url), code);
  total += code.length;
}
console.log(
  `config validators: ${Object.keys(SCHEMAS).length} schemas, ${(total / 1024).toFixed(0)} KiB`,
);
