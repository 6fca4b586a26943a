/**
 * Management realms are isolated (nothing crosses them) and each has its own backend
 * process: killing one leaves the other realms serving, and the center brings it back.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SigningKey } from '@cdc/cryptosign';
import { WampError } from '@cdc/protocol';
import { join, ownedRealm, startCenter, until } from './helpers.js';
import type { TestCenter } from './helpers.js';

let c: TestCenter;
let ka: SigningKey;
let kb: SigningKey;

before(async () => {
  c = await startCenter();
  ka = await ownedRealm(c, 'realm-a', 'anna');
  kb = await ownedRealm(c, 'realm-b', 'bert');
});
after(() => c.stop());

test('isolation - each realm has its own backend process', () => {
  const pa = c.center.supervisor.pid('realm-a');
  const pb = c.center.supervisor.pid('realm-b');
  assert.ok(pa !== undefined && pb !== undefined && pa !== pb && pa !== process.pid);
  // Its `ready` told the center how many procedures it registered.
  const ready = c.log.records.find(
    (r) => r.msg === 'realm backend ready' && r.obj['realm'] === 'realm-a' && r.obj['pid'] === pa,
  );
  assert.ok(typeof ready?.obj['procedures'] === 'number' && ready.obj['procedures'] > 0);
});

test('isolation - nothing of one realm is visible from another', async () => {
  const a = await join(c, ka, 'realm-a');
  const b = await join(c, kb, 'realm-b');
  await b.call('com.crossbario.cdc.management.pair_node@1', [
    SigningKey.generate().publicKeyHex,
    'secret-node',
  ]);
  // A's owner can neither join B nor see B's node through its own realm.
  await assert.rejects(
    join(c, ka, 'realm-b'),
    (e: unknown) => e instanceof WampError && e.uri === 'wamp.error.not_authorized',
  );
  await assert.rejects(
    a.call('com.crossbario.cdc.get_node_status@1', ['secret-node']),
    (e: unknown) => e instanceof WampError && e.uri === 'com.crossbario.cdc.error.no_such_node',
  );
  assert.deepEqual((await a.call('com.crossbario.cdc.get_nodes@1')).value, []);
  // Events do not cross either.
  const seen: unknown[] = [];
  await a.subscribe('com.crossbario.cdc.remote.on_node_status@1', (args) => void seen.push(args));
  await b.call('com.crossbario.cdc.management.pair_node@1', [
    SigningKey.generate().publicKeyHex,
    'other-node',
  ]);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(seen, []);
  // Nor the audit log.
  const audit = (await a.call('com.crossbario.cdc.management.get_audit_log@1')).value as {
    procedure: string;
  }[];
  assert.ok(!audit.some((e) => e.procedure.includes('pair_node')));
  await a.leave();
  await b.leave();
});

test('isolation - a killed realm backend is restarted while the other realm keeps working', async () => {
  const b = await join(c, kb, 'realm-b');
  const pid = c.center.supervisor.pid('realm-a');
  assert.ok(pid !== undefined);
  process.kill(pid, 'SIGKILL');
  // realm-b answers throughout.
  for (let i = 0; i < 5; i++) {
    assert.ok(Array.isArray((await b.call('com.crossbario.cdc.get_nodes@1')).value));
    await new Promise((r) => setTimeout(r, 50));
  }
  // Held while it starts again (it takes a few hundred ms to load), the backend is not ready:
  // a session for its realm is refused with backend_unavailable, not admitted to a realm
  // whose procedures are missing.
  let next: number | undefined;
  const deadline = Date.now() + 15_000;
  while ((next = c.center.supervisor.pid('realm-a')) === undefined || next === pid) {
    if (Date.now() > deadline) throw new Error('realm-a was not started again');
    await new Promise((r) => setImmediate(r));
  }
  process.kill(next, 'SIGSTOP');
  try {
    assert.notEqual(c.center.supervisor.status()['realm-a']?.status, 'ready');
    await assert.rejects(
      join(c, ka, 'realm-a'),
      (e: unknown) =>
        e instanceof WampError && e.uri === 'com.crossbario.cdc.error.backend_unavailable',
    );
  } finally {
    process.kill(next, 'SIGCONT');
  }
  await until(
    () => {
      const st = c.center.supervisor.status()['realm-a'];
      return st?.status === 'ready' && st.pid === next && st.restarts === 1;
    },
    15_000,
    'realm-a to be back',
  );
  const a = await join(c, ka, 'realm-a');
  assert.equal(
    ((await a.call('com.crossbario.cdc.get_status@1')).value as { realm: string }).realm,
    'realm-a',
  );
  await a.leave();
  await b.leave();
});
