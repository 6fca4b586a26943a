/**
 * Self-service registration through a whole center (its global backend a real process,
 * mail to the outbox): a user with a PIN from the mail, more keys, a realm that is live at
 * once, and the signed-in user's account.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SigningKey } from '@cdc/cryptosign';
import { CdcErrors } from '@cdc/api';
import { join, rejectsWith, until } from './helpers.js';
import {
  CDC,
  assertPinMail,
  joinGlobal,
  registerRealm,
  registerUser,
  startRegCenter,
} from './registration-helpers.js';
import type { RegCenter } from './registration-helpers.js';

let c: RegCenter;

before(async () => {
  c = await startRegCenter();
});
after(() => c.stop());

test('registration - an unknown key registers a user with the PIN from the mail, then joins as cdc-user', async () => {
  const key = SigningKey.generate();
  const s = await joinGlobal(c, key);
  assert.equal(s.authrole, 'cdc-registrant');
  const id = (await s.call(`${CDC}.register_user@1`, ['bob', 'bob@example.org', key.publicKeyHex]))
    .value as number;
  const pin = await c.pins.pinFor('bob@example.org');
  const row = await c.center.domain.getRegistration(id);
  assert.match(row?.pin_hash ?? '', /^scrypt\$/, 'only a hash of the PIN is stored');
  assert.ok(!JSON.stringify(row).includes(String(pin)));
  const mails = (await c.outbox()).filter((m) => m.text?.includes(String(id)));
  assert.equal(mails.length, 1);
  assertPinMail(mails[0]!, pin, 'bob@example.org');
  assert.ok(
    c.log.records.some((r) => /outbox/.test(r.msg ?? '') && String(r.obj['mail']).endsWith('.eml')),
    'the outbox path is logged',
  );
  // The bare name is @1, as the seed calls it.
  assert.equal((await s.call(`${CDC}.verify_user_registration`, [id, pin])).value, 'OK');
  await rejectsWith(
    s.call(`${CDC}.verify_user_registration@1`, [id, pin]),
    CdcErrors.INVALID_PIN,
    /only once/,
  );
  await s.leave();
  const u = await joinGlobal(c, key);
  assert.equal(u.authrole, 'cdc-user');
  assert.equal(u.authid, 'bob');
  const me = (await u.call(`${CDC}.get_user@1`)).value as Record<string, unknown>;
  assert.equal(me['name'], 'bob');
  assert.equal(me['email'], 'bob@example.org');
  assert.deepEqual(
    (me['keys'] as { pubkey: string }[]).map((k) => k.pubkey),
    [key.publicKeyHex],
  );
  assert.deepEqual(me['realms'], []);
  await u.leave();
});

test('registration - a known name with its email adds a key; the realm is live at once for both keys', async () => {
  const first = SigningKey.generate();
  await registerUser(c, first, 'carol', 'carol@example.org');
  await registerRealm(c, first, 'carol-realm', 'carol@example.org');
  // No reconcile wait: the owner joins at once.
  const s = await join(c, first, 'carol-realm');
  assert.equal(s.authrole, 'cdc-owner');
  assert.equal(
    ((await s.call(`${CDC}.get_status@1`)).value as { realm: string }).realm,
    'carol-realm',
  );
  await s.leave();
  const second = SigningKey.generate();
  await registerUser(c, second, 'carol', 'Carol@Example.org', 'carol@example.org');
  const t = await join(c, second, 'carol-realm');
  assert.equal(t.authrole, 'cdc-owner');
  await t.leave();
  const u = await joinGlobal(c, second);
  const realms = (await u.call(`${CDC}.list_management_realms@1`)).value as Record<
    string,
    unknown
  >[];
  assert.deepEqual(
    realms.map((r) => [r['realm'], r['role'], r['owner']]),
    [['carol-realm', 'cdc-owner', 'carol']],
  );
  const me = (await u.call(`${CDC}.get_user@1`)).value as { keys: unknown[]; realms: unknown[] };
  assert.equal(me.keys.length, 2);
  assert.deepEqual(me.realms, [{ realm: 'carol-realm', role: 'cdc-owner' }]);
  await u.leave();
});

test('registration - a crashed global realm backend is restarted and registration goes on', async () => {
  const pid = c.center.supervisor.pid('com.crossbario.cdc');
  assert.ok(pid !== undefined);
  process.kill(pid, 'SIGKILL');
  await until(
    () => {
      const b = c.center.supervisor.status()['com.crossbario.cdc'];
      return b?.status === 'ready' && b.restarts === 1 && b.pid !== pid;
    },
    10_000,
    'the global realm backend to come back',
  );
  await registerUser(c, SigningKey.generate(), 'after-crash', 'after-crash@example.org');
  assert.ok((await c.center.domain.getUser('after-crash')) !== undefined);
});
