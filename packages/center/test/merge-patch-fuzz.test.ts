/**
 * Property tests (fast-check) of JSON Merge Patch (RFC 7396), what `modify_router` applies:
 * it never throws on JSON, never changes its inputs, a patch applied twice is applied once,
 * a patch's own values (but `null`) end up in the result, and `null` removes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fuzzRuns } from '@cdc/testkit';
import { mergePatch } from '../src/backend/merge-patch.js';

const RUNS = fuzzRuns(500);
const json = fc.jsonValue({ maxDepth: 4 });
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

test('fuzz - merge patch: total, pure and idempotent on any JSON', () => {
  fc.assert(
    fc.property(json, json, (target, patch) => {
      const t = JSON.stringify(target);
      const p = JSON.stringify(patch);
      const once = mergePatch(target, patch);
      assert.equal(JSON.stringify(target), t);
      assert.equal(JSON.stringify(patch), p);
      assert.deepEqual(mergePatch(once, patch), once);
    }),
    { numRuns: RUNS },
  );
});

test('fuzz - merge patch: what the patch sets is there, what it nulls is gone, the rest is kept', () => {
  fc.assert(
    fc.property(
      fc.dictionary(fc.string(), json, { maxKeys: 6 }),
      fc.dictionary(fc.string(), fc.oneof(fc.constant(null), json), { maxKeys: 6 }),
      (target, patch) => {
        const out = mergePatch(target, patch) as Record<string, unknown>;
        for (const [k, v] of Object.entries(patch)) {
          if (v === null) assert.ok(!Object.hasOwn(out, k), k);
          else if (!isObject(v)) assert.deepEqual(out[k], v);
        }
        for (const [k, v] of Object.entries(target))
          if (!Object.hasOwn(patch, k)) assert.deepEqual(out[k], v);
      },
    ),
    { numRuns: RUNS },
  );
});
