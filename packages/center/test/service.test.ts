/**
 * The backend serves the whole contract: a procedure without an implementation (or an
 * implementation of no procedure) stops it at start-up instead of answering
 * `no_such_procedure` to whoever calls first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROCEDURES } from '@cdc/api';
import { managementProcedures } from '../src/backend/service.js';
import type { ImplementationTable } from '../src/backend/service.js';

function fullTable(): ImplementationTable {
  const t: ImplementationTable = {};
  for (const d of PROCEDURES)
    if (d.group !== 'registration') t[`${d.name}@${d.version}`] = () => null;
  return t;
}

test('service - a table with every management procedure is accepted, registration ones excluded', () => {
  const defs = managementProcedures(fullTable());
  assert.ok(defs.length > 50, `${defs.length} procedures`);
  assert.ok(defs.every(([d]) => d.group !== 'registration'));
});

test('service - a missing implementation fails at start-up, naming the procedure', () => {
  const t = fullTable();
  delete t['com.crossbario.cdc.get_nodes@3'];
  assert.throws(
    () => managementProcedures(t),
    /no implementation of com\.crossbario\.cdc\.get_nodes@3$/,
  );
});

test('service - an implementation of no contract procedure fails too', () => {
  const t = { ...fullTable(), 'com.crossbario.cdc.get_nodez@1': () => null };
  assert.throws(
    () => managementProcedures(t),
    /implementations of no contract procedure: com\.crossbario\.cdc\.get_nodez@1/,
  );
});
