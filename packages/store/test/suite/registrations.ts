/**
 * Shared suite, registrations (SPEC §4.4): the rate limits by key, email and source, wrong
 * PINs up to death, completion making exactly the user, key or realm asked for (once), and
 * nothing made when completion cannot happen.
 * @module
 */
import assert from 'node:assert/strict';
import type { NewRegistration, RegistrationLimits, RegistrationScope } from '../../src/index.js';
import type { Case } from './harness.js';
import { at, key, must, rejectsWith, seed } from './harness.js';

const LIMITS: Record<RegistrationScope, RegistrationLimits> = {
  key: { pending: 2, per_hour: 3, failed_per_day: 5 },
  email: { pending: 2, per_hour: 3, failed_per_day: 2 },
  source: { pending: 3, per_hour: 4, failed_per_day: 5 },
};

function reg(over: Partial<NewRegistration> = {}, t = 0): NewRegistration {
  return {
    kind: 'user',
    user: 'bob',
    email: 'bob@example.org',
    pubkey: key('bob-1'),
    source: '10.0.0.1',
    pin_hash: 'scrypt$test',
    created: at(t),
    expires: at(t + 900),
    ...over,
  };
}

export function registrationCases(it: Case): void {
  it('registrations', 'are made pending with a random ID and found again', async (c) => {
    const d = await seed(c);
    const out = await d.createRegistration(reg(), LIMITS);
    assert.ok(out.ok);
    const r = out.registration;
    assert.ok(Number.isSafeInteger(r.id) && r.id > 0);
    assert.deepEqual(
      { ...r, id: 0 },
      {
        id: 0,
        kind: 'user',
        user: 'bob',
        email: 'bob@example.org',
        pubkey: key('bob-1'),
        realm: null,
        source: '10.0.0.1',
        pin_hash: 'scrypt$test',
        attempts: 0,
        state: 'pending',
        created: at(0),
        expires: at(900),
      },
    );
    assert.deepEqual(await d.getRegistration(r.id), r);
    assert.deepEqual(await d.listRegistrations(), [r]);
    assert.equal(await d.getRegistration(r.id + 1), undefined);
    assert.equal(await d.getRegistration(-1), undefined);
    assert.ok(await d.deleteRegistration(r.id));
    assert.deepEqual(await d.listRegistrations(), []);
    await rejectsWith(d.createRegistration(reg({ user: 'Bob!' }), LIMITS), 'INVALID', /user name/);
    await rejectsWith(d.createRegistration(reg({ email: 'nope' }), LIMITS), 'INVALID', /email/);
    await rejectsWith(
      d.createRegistration(reg({ kind: 'realm', realm: 'wamp.x' }), LIMITS),
      'INVALID',
      /reserved/,
    );
    assert.deepEqual(await d.listRegistrations(), []);
  });

  it('registrations', 'pending ones are limited per key, email and source', async (c) => {
    const d = await seed(c);
    assert.ok((await d.createRegistration(reg({}, 0), LIMITS)).ok);
    assert.ok((await d.createRegistration(reg({}, 10), LIMITS)).ok);
    // Same key a third time: the first frees up when it expires, 900 - 20 s from now.
    assert.deepEqual(await d.createRegistration(reg({ email: 'b2@example.org' }, 20), LIMITS), {
      ok: false,
      scope: 'key',
      limit: 'pending',
      retry_after_s: 880,
    });
    assert.deepEqual(await d.createRegistration(reg({ pubkey: key('bob-2') }, 20), LIMITS), {
      ok: false,
      scope: 'email',
      limit: 'pending',
      retry_after_s: 880,
    });
    const other = { pubkey: key('carol'), email: 'carol@example.org', user: 'carol' };
    assert.ok((await d.createRegistration(reg(other, 30), LIMITS)).ok);
    const fourth = { pubkey: key('dave'), email: 'dave@example.org', user: 'dave' };
    assert.deepEqual(await d.createRegistration(reg(fourth, 40), LIMITS), {
      ok: false,
      scope: 'source',
      limit: 'pending',
      retry_after_s: 860,
    });
    assert.ok((await d.createRegistration(reg({ ...fourth, source: '10.0.0.2' }, 40), LIMITS)).ok);
    assert.equal((await d.listRegistrations()).length, 4);
  });

  it('registrations', 'expired and dead ones do not count as pending, but as mails', async (c) => {
    const d = await seed(c);
    const a = await d.createRegistration(reg({}, 0), LIMITS);
    assert.ok(a.ok);
    assert.equal((await d.failRegistrationAttempt(a.registration.id, 1))?.state, 'dead');
    assert.ok((await d.createRegistration(reg({}, 10), LIMITS)).ok);
    // Past the expiry of the second: nothing pending, but three mails within the hour.
    assert.ok((await d.createRegistration(reg({}, 1000), LIMITS)).ok);
    assert.deepEqual(await d.createRegistration(reg({}, 1100), LIMITS), {
      ok: false,
      scope: 'key',
      limit: 'per_hour',
      retry_after_s: 2500,
    });
    assert.ok((await d.createRegistration(reg({}, 3601), LIMITS)).ok);
    // A day later the old rows are gone.
    assert.ok((await d.createRegistration(reg({}, 100_000), LIMITS)).ok);
    assert.equal((await d.listRegistrations()).length, 1);
  });

  it('registrations', 'those dead of wrong PINs are limited per day', async (c) => {
    const d = await seed(c);
    for (const t of [0, 4000]) {
      const out = await d.createRegistration(reg({}, t), LIMITS);
      assert.ok(out.ok);
      await d.failRegistrationAttempt(out.registration.id, 1);
    }
    // Two died for this address: the third waits until the first is a day old.
    assert.deepEqual(await d.createRegistration(reg({ pubkey: key('bob-2') }, 8000), LIMITS), {
      ok: false,
      scope: 'email',
      limit: 'failed_per_day',
      retry_after_s: 86_400 - 8000,
    });
    // A registration ended for another reason (killed, no wrong PIN) does not count.
    const other = { email: 'bob2@example.org', pubkey: key('bob-3') };
    const out = await d.createRegistration(reg(other, 8000), LIMITS);
    assert.ok(out.ok);
    await d.killRegistration(out.registration.id);
    assert.ok((await d.createRegistration(reg(other, 8100), LIMITS)).ok);
  });

  it('registrations', 'wrong PINs are counted until the registration dies', async (c) => {
    const d = await seed(c);
    const out = await d.createRegistration(reg(), LIMITS);
    assert.ok(out.ok);
    const id = out.registration.id;
    for (let n = 1; n < 3; n++) {
      const r = must(await d.failRegistrationAttempt(id, 3));
      assert.deepEqual([r.attempts, r.state], [n, 'pending']);
    }
    const dead = must(await d.failRegistrationAttempt(id, 3));
    assert.deepEqual([dead.attempts, dead.state], [3, 'dead']);
    assert.deepEqual(must(await d.failRegistrationAttempt(id, 3)).attempts, 3);
    assert.equal(await d.failRegistrationAttempt(id + 1, 3), undefined);
    await rejectsWith(d.completeRegistration(id, 'user', at(1)), 'CONFLICT', /no longer pending/);
    assert.equal(await d.getUser('bob'), undefined);
  });

  it('registrations', 'completing makes the user with the key, once', async (c) => {
    const d = await seed(c);
    const out = await d.createRegistration(reg(), LIMITS);
    assert.ok(out.ok);
    const id = out.registration.id;
    await rejectsWith(d.completeRegistration(id, 'realm', at(1)), 'NOT_FOUND');
    await rejectsWith(d.completeRegistration(id, 'user', at(900)), 'CONFLICT');
    const done = await d.completeRegistration(id, 'user', at(1));
    assert.equal(done.state, 'verified');
    assert.equal(must(await d.getUser('bob')).email, 'bob@example.org');
    assert.deepEqual(
      (await d.listUserKeys('bob')).map((k) => k.pubkey),
      [key('bob-1')],
    );
    await rejectsWith(d.completeRegistration(id, 'user', at(2)), 'CONFLICT', /no longer pending/);
    assert.equal(must(await d.getRegistration(id)).state, 'verified');
  });

  it('registrations', "a key registration adds the key with the user's realms", async (c) => {
    const d = await seed(c);
    const out = await d.createRegistration(
      reg({ user: 'alice', email: 'ALICE@example.org', pubkey: key('alice-2') }),
      LIMITS,
    );
    assert.ok(out.ok);
    await d.completeRegistration(out.registration.id, 'user', at(1));
    assert.deepEqual(
      (await d.listUserKeys('alice')).map((k) => k.pubkey).sort(),
      [key('alice-1'), key('alice-2')].sort(),
    );
    const access = await d.listAccess('realm-a');
    assert.ok(access.some((a) => a.pubkey === key('alice-2') && a.role === 'cdc-owner'));
  });

  it('registrations', 'a name taken meanwhile makes nothing', async (c) => {
    const d = await seed(c);
    const out = await d.createRegistration(reg({ user: 'alice' }), LIMITS);
    assert.ok(out.ok);
    await rejectsWith(
      d.completeRegistration(out.registration.id, 'user', at(1)),
      'ALREADY_EXISTS',
      /user "alice"/,
    );
    assert.deepEqual(
      (await d.listUserKeys('alice')).map((k) => k.pubkey),
      [key('alice-1')],
    );
    assert.equal(must(await d.getRegistration(out.registration.id)).state, 'pending');
    await d.killRegistration(out.registration.id);
    assert.equal(must(await d.getRegistration(out.registration.id)).state, 'dead');
  });

  it('registrations', 'a realm registration makes the realm with its owner, once', async (c) => {
    const d = await seed(c);
    const make = async (realm: string) => {
      const out = await d.createRegistration(
        reg({
          kind: 'realm',
          user: 'alice',
          email: 'alice@example.org',
          pubkey: key('alice-1'),
          realm,
        }),
        LIMITS,
      );
      assert.ok(out.ok);
      return out.registration.id;
    };
    const first = await make('realm-b');
    const second = await make('realm-b');
    const done = await d.completeRegistration(first, 'realm', at(1));
    assert.equal(done.realm, 'realm-b');
    assert.equal(must(await d.getRealm('realm-b')).owner, 'alice');
    assert.deepEqual(
      (await d.listAccess('realm-b')).map((a) => [a.pubkey, a.role]),
      [[key('alice-1'), 'cdc-owner']],
    );
    await rejectsWith(d.completeRegistration(second, 'realm', at(2)), 'ALREADY_EXISTS', /realm-b/);
    assert.equal((await d.listRealms()).length, 2);
  });

  it('registrations', 'concurrent ones never pass a limit together', async (c) => {
    const d = await seed(c);
    const outs = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        d.createRegistration(
          reg({ user: `user${i}`, email: `u${i}@example.org`, pubkey: key(`u${i}`) }, i),
          LIMITS,
        ),
      ),
    );
    assert.equal(outs.filter((o) => o.ok).length, LIMITS.source.pending);
    assert.equal((await d.listRegistrations()).length, LIMITS.source.pending);
  });
}
