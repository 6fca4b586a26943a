/**
 * What the shared store suite needs from a dialect's test file: fresh, isolated centers,
 * and a way around the store (raw SQL) to set up what the store itself would never write,
 * such as a migration from the future or a trigger that makes a write fail.
 * @module
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { isStoreError } from '../../src/index.js';
import type { StoreErrorCode, StoreFactory } from '../../src/index.js';

export interface Center {
  factory: StoreFactory;
  /** Another factory on the same data, as a restart or another process opens it. */
  reopen(options?: { readOnly?: boolean }): StoreFactory;
  /** Run SQL on the domain database, or on a realm's (after its store was migrated). */
  exec(statement: string, realm?: string): Promise<void>;
  /** From now on, the database itself fails every `op` on `table` (a trigger). */
  failWrites(table: string, op: 'insert' | 'update' | 'delete', realm?: string): Promise<void>;
  /** Close every factory made for this center. */
  close(): Promise<void>;
}

export interface SuiteHarness {
  dialect: 'sqlite' | 'postgres';
  /** A new center sharing nothing with any other. */
  make(): Promise<Center>;
  /** Set when the backend cannot run here: every test is skipped with this message. */
  skip?: string;
}

export type Case = (area: string, behaviour: string, fn: (c: Center) => Promise<void>) => void;

/** Declares `<dialect> <area> - <behaviour>` tests, each on a fresh center closed after it. */
export function cases(h: SuiteHarness): Case {
  return (area, behaviour, fn) => {
    test(`${h.dialect} ${area} - ${behaviour}`, { skip: h.skip ?? false }, async (t) => {
      const c = await h.make();
      t.after(() => c.close());
      await fn(c);
    });
  };
}

/** A distinct, valid 64-hex public key per seed. */
export function key(seed: string | number): string {
  return createHash('sha256').update(String(seed)).digest('hex');
}

/** Assert that `p` rejects with a StoreError of `code` whose message matches `message`. */
export async function rejectsWith(
  p: Promise<unknown>,
  code: StoreErrorCode,
  message?: RegExp,
): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isStoreError(e), `expected a StoreError ${code}, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

/** `value`, asserted to be there. */
export function must<T>(value: T | undefined): T {
  assert.ok(value !== undefined, 'expected a value');
  return value;
}

export const T0 = '2026-01-01T00:00:00.000Z';

/** `T0` plus `s` seconds, as the store writes timestamps. */
export function at(s: number): string {
  return new Date(Date.parse(T0) + s * 1000).toISOString();
}

/** A migrated domain with user alice (one key) and her realm `realm-a`. */
export async function seed(c: Center) {
  const domain = await c.factory.domain();
  await domain.migrate();
  await domain.createUser({ name: 'alice', email: 'alice@example.org' });
  await domain.addUserKey('alice', key('alice-1'), 'laptop');
  await domain.createRealm({ name: 'realm-a', owner: 'alice' });
  return domain;
}
