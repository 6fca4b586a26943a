/**
 * The registration service in-process, on a real SQLite domain store, with a clock the test
 * moves: expiry after 15 minutes, mails per hour, a failed delivery that leaves nothing
 * pending, and a mail that never shows the PIN even when the ID could.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SigningKey } from '@cdc/cryptosign';
import { WampError } from '@cdc/protocol';
import { CdcErrors } from '@cdc/api';
import { silentLogger } from '@cdc/protocol';
import { createStoreFactory } from '@cdc/store';
import type { DomainStore, StoreFactory } from '@cdc/store';
import { readOutbox, startSmtpSink } from '@cdc/testkit';
import { createMailer } from '../src/mail/mailer.js';
import type { Mailer } from '../src/mail/mailer.js';
import { limitsWith } from '../src/registration/limits.js';
import { RegistrationService } from '../src/registration/service.js';
import type { Caller } from '../src/registration/service.js';
import { rejectsWith } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'cdc-regsvc-'));
let factory: StoreFactory;
let domain: DomainStore;
let outbox: Mailer;
let clock = Date.parse('2026-03-01T12:00:00.000Z');
const pins: number[] = [];

before(async () => {
  factory = createStoreFactory({ dir: join(dir, 'data') });
  domain = await factory.domain();
  await domain.migrate();
  outbox = createMailer({ from: 'cdc@localhost', outboxDir: join(dir, 'outbox') });
});
after(async () => {
  outbox.close();
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

function service(o: { mailer?: Mailer; pin?: () => number; limits?: unknown } = {}) {
  return new RegistrationService({
    domain,
    mailer: o.mailer ?? outbox,
    log: silentLogger,
    limits: limitsWith(o.limits),
    now: () => new Date(clock),
    pins: () => {
      const pin = o.pin?.() ?? 10_000 + ((pins.length * 7919) % 90_000);
      pins.push(pin);
      return pin;
    },
  });
}

const caller = (key: SigningKey, source = '192.0.2.1'): Caller => ({
  pubkey: key.publicKeyHex,
  authrole: 'cdc-registrant',
  source,
});

test('service - a registration expires after 15 minutes; the PIN is then refused', async () => {
  const s = service();
  const key = SigningKey.generate();
  const id = await s.registerUser(caller(key), 'late', 'late@example.org', key.publicKeyHex);
  const pin = pins.at(-1)!;
  clock += 15 * 60_000;
  await rejectsWith(
    s.verify(caller(key), 'user', id, pin),
    CdcErrors.REGISTRATION_EXPIRED,
    /15 minutes/,
  );
  clock -= 1000;
  assert.equal(await s.verify(caller(key), 'user', id, pin), 'OK');
  clock += 60_000;
});

test('service - mails per hour are limited per key, with the time until the oldest leaves the window', async () => {
  const s = service({ limits: { key: { pending: 10, per_hour: 2 } } });
  const key = SigningKey.generate();
  const c = caller(key, '192.0.2.2');
  await s.registerUser(c, 'hourly', 'hourly1@example.org', key.publicKeyHex);
  clock += 600_000;
  await s.registerUser(c, 'hourly', 'hourly2@example.org', key.publicKeyHex);
  clock += 600_000;
  await assert.rejects(
    s.registerUser(c, 'hourly', 'hourly3@example.org', key.publicKeyHex),
    (e: unknown) => {
      assert.ok(e instanceof WampError);
      assert.equal(e.uri, CdcErrors.RATE_LIMITED);
      assert.equal(e.kwargs['retry_after'], 2400);
      assert.match(String(e.args[0]), /mails for this key in the last hour; try again in 2400 s/);
      return true;
    },
  );
  clock += 2400_000;
  await s.registerUser(c, 'hourly', 'hourly3@example.org', key.publicKeyHex);
});

test('service - a failed delivery is mail_failed with the reason, and leaves no registration', async () => {
  const sink = await startSmtpSink({ refuse: () => 'Mailbox unavailable' });
  const smtp = createMailer({
    smtpUrl: `smtp://127.0.0.1:${sink.port}`,
    from: 'cdc@example.org',
    outboxDir: dir,
  });
  try {
    const s = service({ mailer: smtp });
    const key = SigningKey.generate();
    const before = (await domain.listRegistrations()).length;
    await rejectsWith(
      s.registerUser(caller(key, '192.0.2.3'), 'nomail', 'nomail@example.org', key.publicKeyHex),
      CdcErrors.MAIL_FAILED,
      /nomail@example\.org could not be sent: .*550.*Mailbox unavailable/,
    );
    assert.equal((await domain.listRegistrations()).length, before);
    assert.equal(await domain.getUser('nomail'), undefined);
  } finally {
    smtp.close();
    await sink.close();
  }
});

test('service - the mail never shows the PIN, even when the random ID happens to contain it', async () => {
  // Every PIN is 12345 and every ID that contains it is thrown away: the ID shown is clean.
  const s = service({ pin: () => 12_345 });
  const key = SigningKey.generate();
  const id = await s.registerUser(
    caller(key, '192.0.2.4'),
    'clean',
    'clean@example.org',
    key.publicKeyHex,
  );
  assert.ok(!String(id).includes('12345'));
  const mail = (await readOutbox(join(dir, 'outbox'))).find((m) => m.text?.includes(String(id)));
  assert.ok(mail !== undefined && !(mail.text ?? '').includes('12345'));
  assert.equal(await s.verify(caller(key), 'user', id, 12_345), 'OK');
});

test("service - guessing someone's PIN: three registrations dead of wrong PINs a day per address, then no more mail", async () => {
  const s = service();
  const email = 'victim@example.org';
  for (let i = 0; i < 3; i++) {
    const key = SigningKey.generate();
    const c = caller(key, `192.0.2.${10 + i}`);
    const id = await s.registerUser(c, 'victim', email, key.publicKeyHex);
    const pin = pins.at(-1)!;
    for (let n = 0; n < 5; n++)
      await assert.rejects(s.verify(c, 'user', id, pin === 99_999 ? 10_000 : pin + 1));
    clock += 60_000;
  }
  const key = SigningKey.generate();
  await rejectsWith(
    s.registerUser(caller(key, '192.0.2.20'), 'victim', email, key.publicKeyHex),
    CdcErrors.RATE_LIMITED,
    /this email address ended with wrong PINs today; try again in \d+ s/,
  );
  clock += 86_400_000;
  await s.registerUser(caller(key, '192.0.2.20'), 'victim', email, key.publicKeyHex);
});
