/**
 * The entry point of the global realm's backend process (`com.crossbario.cdc`): forked by
 * the center like a management realm's backend (`ensure(realm, 'global')`), it alone serves
 * registration and the account API, renders the captchas and sends the mail, so neither
 * blocks the center's router. Joined to the global realm as `trusted` over its WAMP socket;
 * its lifecycle (`init`, `ready`, `shutdown`) is `serveChild`'s.
 * @module
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { CENTER_REALM_CREATED, GLOBAL_REALM } from '@cdc/api';
import { joinSession } from '@cdc/client';
import { createStoreFactory } from '@cdc/store';
// The child's side alone: a child loads none of the parent's machinery.
import { serveChild } from '@cdc/supervisor/child';
import type { BackendLifecycle } from '../backend/messages.js';
import { DEFAULT_MAIL_FROM, createMailer, redactSmtpUrl } from '../mail/mailer.js';
import { registerGlobalApi } from './api.js';
import { limitsWith } from './limits.js';
import { randomPin } from './pin.js';
import type { PinSource } from './pin.js';
import { RegistrationService } from './service.js';

/** What the center passes in `init.options` (see `globalBackendOptions` in center-link.ts). */
interface Options {
  smtpUrl?: string;
  mailFrom?: string;
  limits?: unknown;
  /** Tests only: a module whose default export is the PinSource (see center-link.ts). */
  pinModule?: string;
}

async function pinSource(module: string | undefined): Promise<PinSource> {
  if (module === undefined) return randomPin;
  const url = /^[a-z]+:/.test(module) ? module : pathToFileURL(module).href;
  const m = (await import(url)) as { default?: unknown };
  if (typeof m.default !== 'function') throw new Error(`${module} exports no PIN source`);
  return m.default as PinSource;
}

serveChild<BackendLifecycle>({ name: 'global realm backend' }, async (init, child) => {
  const o = (init.options ?? {}) as Options;
  const log = pino({ level: init.logLevel, base: { realm: init.realm } });
  process.title = 'cdc-global-realm';
  process.on('uncaughtException', (e) => {
    log.fatal({ err: e }, 'uncaught exception');
    void child.exit(1);
  });
  const factory = createStoreFactory(init.store);
  child.onStop(() => factory.close());
  const domain = await factory.domain();
  await domain.migrate();
  const outboxDir = join(init.store.dir, 'outbox');
  const mailer = createMailer({
    smtpUrl: o.smtpUrl,
    from: o.mailFrom ?? DEFAULT_MAIL_FROM,
    outboxDir,
  });
  child.onStop(() => Promise.resolve(mailer.close()));
  const session = await joinSession(child.connect('ipc:center'), { realm: GLOBAL_REALM });
  session.onLeave(() => void child.exit(0));
  const service = new RegistrationService({
    domain,
    mailer,
    log,
    limits: limitsWith(o.limits),
    pins: await pinSource(o.pinModule),
    realmCreated: async (realm) => {
      await session.call(CENTER_REALM_CREATED, [realm]);
    },
  });
  const procedures = await registerGlobalApi(session, service, log);
  const smtp = mailer.kind === 'smtp';
  log.info(
    { procedures, mail: smtp ? redactSmtpUrl(o.smtpUrl ?? '') : outboxDir },
    smtp
      ? 'global realm backend ready; mail over SMTP'
      : 'global realm backend ready; mail to the outbox',
  );
  return { procedures };
});
