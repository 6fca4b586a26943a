/**
 * Registration test helpers: a center whose global backend takes PINs from a recorder, the
 * mails it wrote to its outbox (parsed with mailparser), and a registrant's round trip.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { GLOBAL_REALM } from '@cdc/api';
import type { SigningKey } from '@cdc/cryptosign';
import type { Session } from '@cdc/client';
import { pinRecorder, readOutbox } from '@cdc/testkit';
import type { ParsedMail, PinRecorder } from '@cdc/testkit';
import type { GlobalBackendOptions } from '../src/index.js';
import { join, startCenter } from './helpers.js';
import type { TestCenter } from './helpers.js';

export const CDC = 'com.crossbario.cdc';

export interface RegCenter extends TestCenter {
  pins: PinRecorder;
  /** The mails in the outbox, oldest first. */
  outbox(): Promise<ParsedMail[]>;
}

export async function startRegCenter(
  opts: { databaseUrl?: string; global?: GlobalBackendOptions; logLevel?: string } = {},
): Promise<RegCenter> {
  const pinDir = mkdtempSync(joinPath(tmpdir(), 'cdc-pins-'));
  const pins = pinRecorder(pinDir);
  const c = await startCenter({
    ...(opts.databaseUrl !== undefined ? { databaseUrl: opts.databaseUrl } : {}),
    ...(opts.logLevel !== undefined ? { logLevel: opts.logLevel } : {}),
    global: { ...opts.global, pinModule: pins.module },
  });
  const stop = c.stop.bind(c);
  return Object.assign(c, {
    pins,
    async stop() {
      await stop();
      rmSync(pinDir, { recursive: true, force: true });
    },
    outbox: () => readOutbox(joinPath(c.dir, 'data', 'outbox')),
  });
}

/** Join the global realm with `key` (a registrant while the key is unknown). */
export function joinGlobal(c: TestCenter, key: SigningKey): Promise<Session> {
  return join(c, key, GLOBAL_REALM);
}

/** The PIN is in neither text part of the mail, and the picture is inline by CID. */
export function assertPinMail(mail: ParsedMail, pin: number, to: string): void {
  assert.equal(mail.to && !Array.isArray(mail.to) ? mail.to.text : undefined, to);
  const text = mail.text ?? '';
  const html = typeof mail.html === 'string' ? mail.html : '';
  assert.ok(text.length > 0 && html.length > 0, 'a text and an HTML part');
  assert.ok(!text.includes(String(pin)), 'the text part does not contain the PIN');
  assert.ok(!html.includes(String(pin)), 'the HTML part does not contain the PIN');
  assert.match(text, /cdc verify \d+ PIN/);
  const png = mail.attachments.find((a) => a.contentType === 'image/png');
  assert.ok(png !== undefined, 'a PNG attachment');
  assert.ok(png.cid !== undefined && html.includes(`cid:${png.cid}`), 'shown inline by CID');
  assert.deepEqual(
    [...png.content.subarray(0, 8)],
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  );
}

/** Register `name` with `key` and verify it; the registration ID. */
export async function registerUser(
  c: RegCenter,
  key: SigningKey,
  name: string,
  email: string,
  /** Where the PIN goes: a known user's registered address. */
  mailedTo = email,
): Promise<number> {
  const s = await joinGlobal(c, key);
  try {
    const id = (await s.call(`${CDC}.register_user@1`, [name, email, key.publicKeyHex])).value;
    assert.equal(typeof id, 'number');
    const pin = await c.pins.pinFor(mailedTo, 'user');
    assert.equal((await s.call(`${CDC}.verify_user_registration@1`, [id, pin])).value, 'OK');
    return id as number;
  } finally {
    await s.leave().catch(() => undefined);
  }
}

/** Register and verify realm `realm` owned by `key`'s user. */
export async function registerRealm(
  c: RegCenter,
  key: SigningKey,
  realm: string,
  email: string,
): Promise<void> {
  const s = await joinGlobal(c, key);
  try {
    const id = (await s.call(`${CDC}.register_management_realm@1`, [realm, key.publicKeyHex]))
      .value;
    const pin = await c.pins.pinFor(email, 'realm');
    assert.equal(
      (await s.call(`${CDC}.verify_management_realm_registration@1`, [id, pin])).value,
      'OK',
    );
  } finally {
    await s.leave().catch(() => undefined);
  }
}
