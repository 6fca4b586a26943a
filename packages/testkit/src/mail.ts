/**
 * Mail for tests: a real SMTP server on 127.0.0.1 (smtp-server) that keeps what it receives,
 * parsed (mailparser), and the `.eml` files of a center's outbox, parsed the same way.
 * @module
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import type { ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export type { ParsedMail } from 'mailparser';

export interface ReceivedMail {
  mail: ParsedMail;
  /** The envelope's recipients. */
  to: string[];
  /** Whether the session was encrypted (TLS from the start or STARTTLS). */
  secure: boolean;
  /** The authenticated user, if any. */
  user: string | undefined;
}

export interface SmtpSink {
  port: number;
  received: ReceivedMail[];
  close(): Promise<void>;
}

export interface SmtpSinkOptions {
  /** TLS from the first byte (smtps); otherwise plain with STARTTLS offered. */
  secure?: boolean;
  key?: string | Buffer;
  cert?: string | Buffer;
  /** Require this user and password. */
  auth?: { user: string; pass: string };
  /** Refuse these recipients with `550 <reason>`. */
  refuse?: (address: string) => string | undefined;
}

export async function startSmtpSink(o: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    secure: o.secure ?? false,
    ...(o.key !== undefined ? { key: o.key } : {}),
    ...(o.cert !== undefined ? { cert: o.cert } : {}),
    // Without a certificate of the test's own, plain SMTP (smtp-server's built-in one has expired).
    ...(o.cert === undefined && o.secure !== true ? { hideSTARTTLS: true } : {}),
    authOptional: o.auth === undefined,
    ...(o.auth === undefined ? { disabledCommands: ['AUTH'] } : {}),
    logger: false,
    onAuth(auth, _session, cb) {
      if (o.auth !== undefined && auth.username === o.auth.user && auth.password === o.auth.pass)
        cb(null, { user: auth.username });
      else cb(new Error('535 authentication failed'));
    },
    onRcptTo(address, _session, cb) {
      const why = o.refuse?.(address.address);
      if (why === undefined) return cb();
      const e = new Error(why) as Error & { responseCode: number };
      e.responseCode = 550;
      return cb(e);
    },
    onData(stream, session, cb) {
      simpleParser(stream, { keepCidLinks: true })
        .then((mail) => {
          received.push({
            mail,
            to: session.envelope.rcptTo.map((r) => r.address),
            secure: session.secure,
            user: typeof session.user === 'string' ? session.user : undefined,
          });
          cb();
        })
        .catch((e: unknown) => cb(e as Error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The mails in an outbox directory, oldest first. */
export async function readOutbox(dir: string): Promise<ParsedMail[]> {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort();
  return Promise.all(
    files.map((f) => simpleParser(readFileSync(join(dir, f)), { keepCidLinks: true })),
  );
}
