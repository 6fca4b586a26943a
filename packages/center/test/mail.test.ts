/**
 * The PIN mail and its delivery: the captcha (a PNG of paths, different every time), the
 * mail's parts (the PIN only in the picture), SMTP with STARTTLS and AUTH from the URL,
 * smtps, the server's reason on failure, and the outbox.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOutbox, startSmtpSink } from '@cdc/testkit';
import type { ParsedMail } from '@cdc/testkit';
import { captchaPng, captchaSvg } from '../src/mail/captcha.js';
import { pinMail } from '../src/mail/compose.js';
import { MailError, createMailer } from '../src/mail/mailer.js';

const dir = mkdtempSync(join(tmpdir(), 'cdc-mail-'));
let key: string;
let cert: string;

before(() => {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  key = readFileSync(join(dir, 'key.pem'), 'utf8');
  cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const request = {
  to: 'bob@example.org',
  kind: 'user' as const,
  user: 'bob',
  registrationId: 123_456_789,
  pin: 48_213,
  expires: '2026-01-01T00:15:00.000Z',
};

function checkMail(m: ParsedMail): void {
  assert.ok(!(m.text ?? '').includes('48213'));
  assert.ok(!String(m.html).includes('48213'));
  assert.match(m.text ?? '', /cdc verify 123456789 PIN/);
  const png = m.attachments.find((a) => a.contentType === 'image/png');
  assert.ok(png !== undefined && String(m.html).includes(`cid:${png.cid ?? '?'}`));
}

/** Width and height from a PNG's IHDR. */
const size = (png: Buffer): [number, number] => [png.readUInt32BE(16), png.readUInt32BE(20)];

test('captcha - glyphs are paths (no text), every picture differs, PNG at 1.5x', async () => {
  const svg = captchaSvg('48213');
  assert.doesNotMatch(svg, /<text|48213|font-family/);
  assert.equal((svg.match(/<path fill=/g) ?? []).length, 5, 'one path per digit');
  assert.notEqual(captchaSvg('48213'), svg);
  const png = await captchaPng('48213');
  assert.deepEqual(size(png), [390, 144]);
  assert.notDeepEqual(await captchaPng('48213'), png);
});

test('compose - a text part that explains and an HTML part with the captcha by CID; the PIN in neither', async () => {
  const m = await pinMail({ ...request, kind: 'realm', realm: 'my-realm' });
  assert.match(m.subject, /my-realm/);
  assert.match(m.text, /verify_management_realm_registration\(123456789, PIN\)/);
  assert.match(m.text, /ignore this mail/);
  assert.ok(!m.text.includes('48213') && !m.html.includes('48213'));
  assert.equal(m.attachments[0]?.cid, 'pin@cdc');
  assert.ok(m.html.includes('src="cid:pin@cdc"'));
});

test('smtp - STARTTLS and AUTH from the URL; the mail arrives whole', async () => {
  const sink = await startSmtpSink({ key, cert, auth: { user: 'cdc', pass: 'p@ss word' } });
  try {
    const url = `smtp://cdc:${encodeURIComponent('p@ss word')}@127.0.0.1:${sink.port}?requireTLS=true&tls.rejectUnauthorized=false`;
    const mailer = createMailer({ smtpUrl: url, from: 'CDC <cdc@example.org>', outboxDir: dir });
    const sent = await mailer.send(await pinMail(request));
    assert.equal(sent.where, `smtp://127.0.0.1:${sink.port}`);
    mailer.close();
    const [r] = sink.received;
    assert.ok(r !== undefined);
    assert.deepEqual(r.to, ['bob@example.org']);
    assert.equal(r.secure, true, 'upgraded with STARTTLS');
    assert.equal(r.user, 'cdc');
    assert.deepEqual(r.mail.from?.value, [{ address: 'cdc@example.org', name: 'CDC' }]);
    checkMail(r.mail);
  } finally {
    await sink.close();
  }
});

test('smtps - TLS from the start', async () => {
  const sink = await startSmtpSink({ secure: true, key, cert });
  try {
    const mailer = createMailer({
      smtpUrl: `smtps://127.0.0.1:${sink.port}?tls.rejectUnauthorized=false`,
      from: 'cdc@example.org',
      outboxDir: dir,
    });
    await mailer.send(await pinMail(request));
    mailer.close();
    assert.equal(sink.received[0]?.secure, true);
  } finally {
    await sink.close();
  }
});

test("smtp - failures carry the server's reason: a refused recipient, a wrong password, no server", async () => {
  const sink = await startSmtpSink({
    key,
    cert,
    auth: { user: 'cdc', pass: 'right' },
    refuse: (a) => (a === 'nobody@example.org' ? 'No such mailbox here' : undefined),
  });
  const send = async (url: string, to = 'nobody@example.org') => {
    const smtpUrl = `${url}?tls.rejectUnauthorized=false`;
    const mailer = createMailer({ smtpUrl, from: 'cdc@example.org', outboxDir: dir });
    try {
      await mailer.send(await pinMail({ ...request, to }));
    } finally {
      mailer.close();
    }
  };
  try {
    await assert.rejects(send(`smtp://cdc:right@127.0.0.1:${sink.port}`), (e: unknown) => {
      assert.ok(e instanceof MailError);
      assert.match(e.message, /550.*No such mailbox here/);
      return true;
    });
    await assert.rejects(send(`smtp://cdc:wrong@127.0.0.1:${sink.port}`, 'x@example.org'), /535/);
  } finally {
    await sink.close();
  }
  await assert.rejects(send(`smtp://127.0.0.1:${sink.port}`, 'x@example.org'), /ECONNREFUSED/);
  assert.throws(
    () => createMailer({ smtpUrl: 'http://x', from: 'a@b.c', outboxDir: dir }),
    /smtp:\/\/ or smtps:\/\//,
  );
});

test('outbox - each mail an .eml file, readable by its owner only', async () => {
  const outbox = join(dir, 'outbox');
  const mailer = createMailer({ from: 'cdc@localhost', outboxDir: outbox });
  const sent = await mailer.send(await pinMail(request));
  assert.ok(sent.where.startsWith(outbox) && sent.where.endsWith('.eml'));
  assert.equal(statSync(sent.where).mode & 0o777, 0o600);
  assert.equal(readdirSync(outbox).length, 1);
  const [m] = await readOutbox(outbox);
  assert.ok(m !== undefined);
  checkMail(m);
});
