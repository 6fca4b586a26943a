/**
 * Delivery (SPEC §4.4): SMTP with nodemailer when a URL is configured (`smtp://` with
 * STARTTLS when the server offers it, `smtps://` for TLS from the start, user and password
 * from the URL, nodemailer's options as query parameters); otherwise every mail becomes an
 * `.eml` file in the outbox directory, so one machine works with no mail server. A failed
 * delivery is a `MailError` carrying the server's reason.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import type { MailMessage } from './compose.js';

export class MailError extends Error {
  override readonly name = 'MailError';
}

export interface Delivery {
  /** Where the mail went: `smtp://host:port` or the `.eml` file's path. */
  where: string;
  messageId: string;
}

export interface Mailer {
  readonly kind: 'smtp' | 'outbox';
  send(m: MailMessage): Promise<Delivery>;
  close(): void;
}

export interface MailerOptions {
  /** `CDC_SMTP_URL`; none: the outbox. */
  smtpUrl?: string | undefined;
  /** `CDC_MAIL_FROM`. */
  from: string;
  /** `<data dir>/outbox`. */
  outboxDir: string;
}

export const DEFAULT_MAIL_FROM = 'CDC <cdc@localhost>';

/** The URL without its password, for logs and messages. */
export function redactSmtpUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

function reason(e: unknown): string {
  const x = e as { response?: unknown; message?: unknown; code?: unknown };
  const text = typeof x.response === 'string' ? x.response : String(x.message ?? e);
  return typeof x.code === 'string' && !text.includes(x.code) ? `${text} (${x.code})` : text;
}

/** The SMTP URL parsed, or a MailError saying what is wrong with it. */
export function parseSmtpUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MailError(`the SMTP URL "${redactSmtpUrl(url)}" is not a URL`);
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:')
    throw new MailError(
      `the SMTP URL must start with smtp:// or smtps://, not ${parsed.protocol}//`,
    );
  return parsed;
}

function smtpMailer(url: string, from: string): Mailer {
  const parsed = parseSmtpUrl(url);
  const where = `${parsed.protocol}//${parsed.host}`;
  // A registration waits for its mail: fail in seconds, not nodemailer's minutes.
  const transport = createTransport({
    url,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    kind: 'smtp',
    async send(m) {
      try {
        const info = await transport.sendMail({ from, ...m });
        return { where, messageId: info.messageId };
      } catch (e) {
        throw new MailError(`${where}: ${reason(e)}`, { cause: e });
      }
    },
    close: () => transport.close(),
  };
}

function outboxMailer(dir: string, from: string): Mailer {
  const transport = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  let made: Promise<unknown> | undefined;
  return {
    kind: 'outbox',
    async send(m) {
      try {
        const info = await transport.sendMail({ from, ...m });
        made ??= mkdir(dir, { recursive: true, mode: 0o700 }).catch((e: unknown) => {
          made = undefined;
          throw e;
        });
        await made;
        const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`;
        const path = join(dir, name);
        await writeFile(path, info.message as Buffer, { mode: 0o600 });
        return { where: path, messageId: info.messageId };
      } catch (e) {
        throw new MailError(`cannot write to the outbox ${dir}: ${reason(e)}`, { cause: e });
      }
    },
    close: () => transport.close(),
  };
}

export function createMailer(o: MailerOptions): Mailer {
  const url = o.smtpUrl?.trim() ?? '';
  return url !== '' ? smtpMailer(url, o.from) : outboxMailer(o.outboxDir, o.from);
}
