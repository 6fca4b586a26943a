/**
 * Bad input and abuse of registration through a whole center (SPEC §4.4): each gets its
 * documented error with a message first, the router refuses registrants everything else,
 * and nothing is half-created — the tables are checked afterwards.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SigningKey } from '@cdc/cryptosign';
import { WampErrors } from '@cdc/protocol';
import { CdcErrors } from '@cdc/api';
import type { Session } from '@cdc/client';
import { rejectsWith } from './helpers.js';
import { CDC, joinGlobal, registerUser, startRegCenter } from './registration-helpers.js';
import type { RegCenter } from './registration-helpers.js';

let c: RegCenter;
// Tight limits, each scope hit separately below; the source is 127.0.0.1 for every test.
const LIMITS = {
  key: { pending: 2, per_hour: 3 },
  email: { pending: 3, per_hour: 4 },
  source: { pending: 40, per_hour: 60 },
};

before(async () => {
  c = await startRegCenter({ global: { registrationLimits: LIMITS } });
});
after(() => c.stop());

const register = (s: Session, key: SigningKey, name: string, email: string) =>
  s.call(`${CDC}.register_user@1`, [name, email, key.publicKeyHex]);
const verify = (s: Session, id: unknown, pin: unknown) =>
  s.call(`${CDC}.verify_user_registration@1`, [id, pin]);

/** A PIN that is not `pin`. */
const wrong = (pin: number): number => (pin === 99_999 ? 10_000 : pin + 1);

test('abuse - wrong PINs count down to too_many_attempts; then even the right PIN is refused', async () => {
  const key = SigningKey.generate();
  const s = await joinGlobal(c, key);
  const id = (await register(s, key, 'wrongpin', 'wrongpin@example.org')).value;
  const pin = await c.pins.pinFor('wrongpin@example.org');
  for (let left = 4; left >= 1; left--)
    await rejectsWith(
      verify(s, id, wrong(pin)),
      CdcErrors.INVALID_PIN,
      new RegExp(`${left} tries left`),
    );
  await rejectsWith(verify(s, id, wrong(pin)), CdcErrors.TOO_MANY_ATTEMPTS, /5 wrong PINs/);
  await rejectsWith(verify(s, id, pin), CdcErrors.TOO_MANY_ATTEMPTS);
  assert.equal(await c.center.domain.getUser('wrongpin'), undefined);
  await rejectsWith(verify(s, id, 'one two'), WampErrors.INVALID_ARGUMENT, /pin/);
  await rejectsWith(verify(s, 'x', pin), WampErrors.INVALID_ARGUMENT, /registration_id/);
  await s.leave();
});

test("abuse - a PIN for someone else's registration finds nothing and costs them no try", async () => {
  const victim = SigningKey.generate();
  const v = await joinGlobal(c, victim);
  const id = (await register(v, victim, 'victim', 'victim@example.org')).value as number;
  const pin = await c.pins.pinFor('victim@example.org');
  const thief = SigningKey.generate();
  const t = await joinGlobal(c, thief);
  await rejectsWith(verify(t, id, pin), CdcErrors.NO_SUCH_REGISTRATION, /no user registration/);
  await rejectsWith(verify(t, id + 1, pin), CdcErrors.NO_SUCH_REGISTRATION);
  assert.equal((await c.center.domain.getRegistration(id))?.attempts, 0);
  assert.equal((await verify(v, id, pin)).value, 'OK');
  assert.deepEqual(
    (await c.center.domain.listUserKeys('victim')).map((k) => k.pubkey),
    [victim.publicKeyHex],
  );
  await v.leave();
  await t.leave();
});

test('abuse - a key the caller does not hold, bad names, a non-email, taken names', async () => {
  const key = SigningKey.generate();
  const s = await joinGlobal(c, key);
  const other = SigningKey.generate();
  await rejectsWith(
    register(s, other, 'mallory', 'mallory@example.org'),
    WampErrors.NOT_AUTHORIZED,
    /proof of possession/,
  );
  for (const name of ['Mallory', 'ab', '1abc', 'a'.repeat(33), 'mal lory'])
    await rejectsWith(register(s, key, name, 'm@example.org'), CdcErrors.INVALID_NAME, /user name/);
  for (const email of ['not-an-email', 'a@b', 'two words@example.org', ''])
    await rejectsWith(
      register(s, key, 'mallory', email),
      WampErrors.INVALID_ARGUMENT,
      /user_email/,
    );
  await rejectsWith(
    s.call(`${CDC}.register_user@1`, ['mallory', 'm@example.org', 'not a key']),
    WampErrors.INVALID_ARGUMENT,
    /Ed25519 public key/,
  );
  await registerUser(c, SigningKey.generate(), 'taken', 'taken@example.org');
  await rejectsWith(
    register(s, key, 'taken', 'someone-else@example.org'),
    CdcErrors.NAME_TAKEN,
    /"taken" is taken/,
  );
  await rejectsWith(
    register(s, key, 'newname', 'TAKEN@example.org'),
    CdcErrors.ALREADY_EXISTS,
    /address of another user/,
  );
  assert.equal(
    (await c.center.domain.listRegistrations()).filter((r) => r.pubkey === key.publicKeyHex).length,
    0,
  );
  assert.equal(await c.center.domain.getUser('mallory'), undefined);
  await s.leave();
});

test('abuse - realm registrations: bad, reserved and taken names, keys not the caller’s', async () => {
  const key = SigningKey.generate();
  await registerUser(c, key, 'dora', 'dora@example.org');
  const s = await joinGlobal(c, key);
  assert.equal(s.authrole, 'cdc-user');
  const realm = (name: string, k = key.publicKeyHex) =>
    s.call(`${CDC}.register_management_realm@1`, [name, k]);
  for (const name of ['ab', '1realm', 'com.crossbario.cdc', 'wamp.mine', 'crossbar-x', 'a b c'])
    await rejectsWith(realm(name), CdcErrors.INVALID_NAME, /management realm name/);
  await rejectsWith(realm('dora-realm', SigningKey.generate().publicKeyHex), CdcErrors.UNKNOWN_KEY);
  const someone = SigningKey.generate();
  await registerUser(c, someone, 'erin', 'erin@example.org');
  await rejectsWith(
    realm('dora-realm', someone.publicKeyHex),
    WampErrors.NOT_AUTHORIZED,
    /your own keys/,
  );
  const e = await joinGlobal(c, someone);
  const id = (
    await e.call(`${CDC}.register_management_realm@1`, ['erin-realm', someone.publicKeyHex])
  ).value;
  const pin = await c.pins.pinFor('erin@example.org', 'realm');
  // Dora cannot verify Erin's realm, not even with the right PIN.
  await rejectsWith(
    s.call(`${CDC}.verify_management_realm_registration@1`, [id, pin]),
    CdcErrors.NO_SUCH_REGISTRATION,
  );
  assert.equal(
    (await e.call(`${CDC}.verify_management_realm_registration@1`, [id, pin])).value,
    'OK',
  );
  await rejectsWith(realm('erin-realm'), CdcErrors.REALM_TAKEN, /exists already/);
  assert.deepEqual(
    (await c.center.domain.listRealms()).map((r) => [r.name, r.owner]),
    [['erin-realm', 'erin']],
  );
  await e.leave();
  await s.leave();
});

test('abuse - a registrant may call nothing but its own procedures: the router says not_authorized', async () => {
  const key = SigningKey.generate();
  const s = await joinGlobal(c, key);
  for (const uri of [
    `${CDC}.get_user@1`,
    `${CDC}.list_management_realms`,
    `${CDC}.register_management_realm@1`,
    `${CDC}.verify_management_realm_registration@1`,
    `${CDC}.get_status@1`,
    `${CDC}.management.pair_node@1`,
    'crossbarfabriccenter.center.realm_created',
    'wamp.session.list',
  ])
    await rejectsWith(s.call(uri, []), WampErrors.NOT_AUTHORIZED);
  await s.leave();
});

test('abuse - floods: per key, per email address and per source address, with the time to wait', async () => {
  const key = SigningKey.generate();
  const s = await joinGlobal(c, key);
  await register(s, key, 'flood-a', 'flood-a@example.org');
  await register(s, key, 'flood-b', 'flood-b@example.org');
  await assert.rejects(register(s, key, 'flood-c', 'flood-c@example.org'), (e: unknown) => {
    const w = e as { uri: string; args: unknown[]; kwargs: Record<string, unknown> };
    assert.equal(w.uri, CdcErrors.RATE_LIMITED);
    assert.match(String(w.args[0]), /pending registrations for this key; try again in \d+ s/);
    assert.equal(w.kwargs['scope'], 'key');
    assert.ok(Number(w.kwargs['retry_after']) > 800 && Number(w.kwargs['retry_after']) <= 900);
    return true;
  });
  // The same address from different keys.
  const sessions: Session[] = [];
  for (let i = 0; i < 3; i++) {
    const k = SigningKey.generate();
    const t = await joinGlobal(c, k);
    sessions.push(t);
    await register(t, k, `flood-mail${i}`, 'flood-mail@example.org');
  }
  const k4 = SigningKey.generate();
  const t4 = await joinGlobal(c, k4);
  await rejectsWith(
    register(t4, k4, 'flood-mail4', 'flood-mail@example.org'),
    CdcErrors.RATE_LIMITED,
    /this email address/,
  );
  const before = (await c.center.domain.listRegistrations()).length;
  // Nothing of the refused ones was stored.
  assert.ok(
    !(await c.center.domain.listRegistrations()).some(
      (r) => r.user === 'flood-c' || r.user === 'flood-mail4',
    ),
  );
  for (const t of [...sessions, t4, s]) await t.leave();
  assert.equal((await c.center.domain.listRegistrations()).length, before);
});

test('abuse - floods from one source address, whatever the keys and addresses', async () => {
  const tight = await startRegCenter({
    global: { registrationLimits: { source: { pending: 2 } } },
  });
  try {
    const sessions: Session[] = [];
    for (let i = 0; i < 3; i++) {
      const k = SigningKey.generate();
      const t = await joinGlobal(tight, k);
      sessions.push(t);
      const call = register(t, k, `source${i}`, `source${i}@example.org`);
      if (i < 2) await call;
      else
        await rejectsWith(call, CdcErrors.RATE_LIMITED, /your network address; try again in \d+ s/);
    }
    const rows = await tight.center.domain.listRegistrations();
    assert.deepEqual(
      rows.map((r) => r.source),
      ['127.0.0.1', '127.0.0.1'],
    );
    for (const t of sessions) await t.leave();
  } finally {
    await tight.stop();
  }
});
