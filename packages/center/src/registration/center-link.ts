/**
 * The center's side of the global realm: what its backend is started with, and the one procedure
 * the center serves there itself, `crossbarfabriccenter.center.realm_created`, which the
 * backend calls after a realm registration is verified so the realm is live (its router
 * realm and backend up) before the owner hears "OK" — no waiting for the reconcile loop.
 * Only `trusted` sessions may call it: the global realm's roles do not name it.
 * @module
 */
import { CENTER_REALM_CREATED, GLOBAL_REALM } from '@cdc/api';
import { joinSession } from '@cdc/client';
import type { Session } from '@cdc/client';
import { WampError, WampErrors } from '@cdc/protocol';
import { CdcErrors } from '@cdc/api';
import type { Router } from '@cdc/router';
import { createMemoryPair } from '@cdc/transport';
import type { LimitsOverride } from './limits.js';

/** What the global realm's backend needs from the center's options. */
export interface GlobalBackendOptions {
  /** `CDC_SMTP_URL`: mail over SMTP; none: `.eml` files in `<data dir>/outbox/`. */
  smtpUrl?: string | undefined;
  /** `CDC_MAIL_FROM`. */
  mailFrom?: string | undefined;
  registrationLimits?: LimitsOverride | undefined;
  /**
   * For tests that run a whole center: a module (path or file URL) whose default export
   * makes the PINs, so the test knows them without reading the captcha. Only code that
   * constructs a `Center` can set this; no flag, file or environment variable reaches it.
   */
  pinModule?: string | undefined;
}

/** The global backend's `init.options` (read back in `registration/main.ts`). */
export function globalBackendOptions(o: GlobalBackendOptions): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  if (o.smtpUrl !== undefined && o.smtpUrl !== '') options['smtpUrl'] = o.smtpUrl;
  if (o.mailFrom !== undefined && o.mailFrom !== '') options['mailFrom'] = o.mailFrom;
  if (o.registrationLimits !== undefined) options['limits'] = o.registrationLimits;
  if (o.pinModule !== undefined) options['pinModule'] = o.pinModule;
  return options;
}

/**
 * Serve `realm_created` on the global realm from an in-process trusted session: reconcile
 * (twice if a pass that began before the realm's commit was running) and answer when the
 * realm's backend is up.
 */
export async function serveRealmCreated(
  router: Router,
  reconcile: () => Promise<void>,
  isLive: (realm: string) => boolean,
): Promise<Session> {
  const [client, server] = createMemoryPair({ serialize: false });
  router.accept(server, {
    auth: { anonymous: { type: 'static', role: 'trusted', authid: 'center' } },
  });
  const session = await joinSession(client, { realm: GLOBAL_REALM });
  await session.register(CENTER_REALM_CREATED, async (args) => {
    const realm = args[0];
    if (typeof realm !== 'string')
      throw WampError.of(WampErrors.INVALID_ARGUMENT, 'argument "realm" must be a realm name');
    for (let pass = 0; pass < 2 && !isLive(realm); pass++) await reconcile();
    if (!isLive(realm))
      throw WampError.of(CdcErrors.BACKEND_UNAVAILABLE, `realm "${realm}" is not live yet`);
    return 'OK';
  });
  return session;
}
