/** Rendezvous placement: every instance agrees, realms spread, and only the necessary move. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ownerOf } from '../src/cluster/placement.js';

const REALMS = Array.from({ length: 600 }, (_, i) => `realm-${i}`);
const place = (instances: string[]) => new Map(REALMS.map((r) => [r, ownerOf(r, instances)]));

test('placement - the same answer whatever the order of the instance list', () => {
  const a = place(['c1', 'c2', 'c3']);
  const b = place(['c3', 'c1', 'c2']);
  assert.deepEqual([...a], [...b]);
  assert.equal(ownerOf('acme', []), undefined);
  assert.equal(ownerOf('acme', ['only']), 'only');
});

test('placement - realms spread over the instances', () => {
  const counts = new Map<string, number>();
  for (const owner of place(['c1', 'c2', 'c3']).values())
    counts.set(owner!, (counts.get(owner!) ?? 0) + 1);
  assert.equal(counts.size, 3);
  // 200 each on average; a fair hash stays well within ±25 %.
  for (const n of counts.values()) assert.ok(n > 150 && n < 250, `${n} realms on one instance`);
});

test('placement - an instance joining takes only realms it wins; one leaving gives only its own', () => {
  const before = place(['c1', 'c2', 'c3']);
  const joined = place(['c1', 'c2', 'c3', 'c4']);
  let moved = 0;
  for (const r of REALMS) {
    if (before.get(r) === joined.get(r)) continue;
    moved++;
    assert.equal(joined.get(r), 'c4', 'a realm moved between the old instances');
  }
  assert.ok(moved > 100 && moved < 200, `${moved} of 600 moved (expected ~150)`);
  const left = place(['c1', 'c3']);
  for (const r of REALMS)
    if (before.get(r) !== 'c2') assert.equal(left.get(r), before.get(r), 'a realm of c1/c3 moved');
});
