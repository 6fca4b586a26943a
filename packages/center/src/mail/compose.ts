/**
 * The PIN mail (SPEC §4.4): an HTML part with the captcha inline (by Content-ID) and a
 * plain-text part that says what to do. The PIN itself appears only as the picture: mail
 * travels and is stored in the clear, and the text parts are what filters, previews and
 * machines read.
 * @module
 */
import { CAPTCHA_HEIGHT, CAPTCHA_WIDTH, captchaPng } from './captcha.js';

export interface PinMailRequest {
  to: string;
  /** What the PIN confirms. */
  kind: 'user' | 'realm';
  user: string;
  realm?: string | null | undefined;
  registrationId: number;
  pin: number;
  /** When the registration expires (ISO 8601). */
  expires: string;
  /** The center, for people with several ("ws://cdc.example.com/ws"); optional. */
  center?: string | undefined;
}

/** A message as nodemailer takes it. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments: { filename: string; content: Buffer; cid: string; contentType: string }[];
}

export const CAPTCHA_CID = 'pin@cdc';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function what(r: PinMailRequest): string {
  return r.kind === 'user'
    ? `register the user "${r.user}" (or a new key for that user)`
    : `create the management realm "${r.realm ?? ''}" owned by the user "${r.user}"`;
}

export async function pinMail(r: PinMailRequest): Promise<MailMessage> {
  const png = await captchaPng(String(r.pin));
  const verify = `cdc verify ${r.registrationId} PIN`;
  const where = r.center !== undefined ? ` at ${r.center}` : '';
  const lines = [
    `Someone, hopefully you, asked the Crossbar.io DevOps Center (CDC)${where} to ${what(r)}.`,
    '',
    `The registration ID is ${r.registrationId}. The five-digit PIN is shown as a picture in`,
    'the HTML part of this mail; open the mail in a program that shows HTML mail to read it.',
    '',
    'To confirm, run',
    '',
    `    ${verify}`,
    '',
    'with the PIN from the picture in place of "PIN", or call',
    r.kind === 'user'
      ? `com.crossbario.cdc.verify_user_registration(${r.registrationId}, PIN)`
      : `com.crossbario.cdc.verify_management_realm_registration(${r.registrationId}, PIN)`,
    `with the same key. The PIN is good until ${r.expires} (15 minutes) and for five tries.`,
    '',
    'If you did not ask for this, ignore this mail: nothing happens without the PIN.',
  ];
  const html =
    '<!doctype html><html><body style="font-family: sans-serif">' +
    `<p>Someone, hopefully you, asked the Crossbar.io DevOps Center (CDC)${escapeHtml(where)} ` +
    `to ${escapeHtml(what(r))}.</p>` +
    `<p>Registration ID: <b>${r.registrationId}</b>. Your PIN:</p>` +
    `<p><img src="cid:${CAPTCHA_CID}" width="${CAPTCHA_WIDTH * 1.5}" ` +
    `height="${CAPTCHA_HEIGHT * 1.5}" alt="the five-digit PIN, as a picture"></p>` +
    `<p>To confirm, run <code>${escapeHtml(verify)}</code> with the PIN in place of ` +
    `<code>PIN</code>, with the same key, before ${escapeHtml(r.expires)} (15 minutes; five ` +
    'tries).</p><p>If you did not ask for this, ignore this mail: nothing happens without the ' +
    'PIN.</p></body></html>';
  return {
    to: r.to,
    subject:
      r.kind === 'user'
        ? `CDC: your PIN to register "${r.user}"`
        : `CDC: your PIN to create the realm "${r.realm ?? ''}"`,
    text: lines.join('\n') + '\n',
    html,
    attachments: [
      { filename: 'pin.png', content: png, cid: CAPTCHA_CID, contentType: 'image/png' },
    ],
  };
}
