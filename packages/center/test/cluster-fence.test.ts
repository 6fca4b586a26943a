/**
 * Cluster mode's fence as a realm backend sees it: a write refused with StoreError `FENCED`
 * reaches the caller as `realm_moved`, and the backend tells the center once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CdcErrors } from '@cdc/api';
import { WampError } from '@cdc/protocol';
import { StoreError } from '@cdc/store';
import { storeToWamp } from '../src/backend/errors.js';
import { watchFence } from '../src/backend/fence.js';

const fenced = (): StoreError =>
  new StoreError('FENCED', 'realm "acme" is no longer served by instance "a"; nothing was written');

test('cluster fence - FENCED is realm_moved for the caller, with the store message', () => {
  const e = storeToWamp(fenced());
  assert.ok(e instanceof WampError);
  assert.equal(e.uri, CdcErrors.REALM_MOVED);
  assert.match(String(e.args[0]), /no longer served by instance "a"/);
});

test('cluster fence - the backend hears of the first refusal once; callers still get each', async () => {
  let told = 0;
  const store = {
    size: 3,
    write: (ok: boolean): Promise<string> =>
      ok ? Promise.resolve('written') : Promise.reject(fenced()),
    other: (): Promise<never> => Promise.reject(new StoreError('UNAVAILABLE', 'down')),
    sync: (): number => 7,
  };
  const w = watchFence(store, () => told++);
  assert.equal(w.size, 3);
  assert.equal(w.sync(), 7, 'a method that returns no promise passes through');
  assert.equal(await w.write(true), 'written');
  await assert.rejects(w.other(), /down/);
  assert.equal(told, 0, 'other failures are not a fence');
  await assert.rejects(
    w.write(false),
    (e: unknown) => e instanceof StoreError && e.code === 'FENCED',
  );
  await assert.rejects(w.write(false), /no longer served/);
  assert.equal(told, 1);
});
