/**
 * Two (or more) routers in one process joined by real cluster links on 127.0.0.1, each
 * with a real WebSocket/RawSocket listener clients connect to.
 */
import { randomBytes } from 'node:crypto';
import { joinSession } from '@cdc/client';
import type { JoinOptions, Session } from '@cdc/client';
import { Router } from '@cdc/router';
import type { AuthConfig, RealmConfig } from '@cdc/router';
import { connect, listen } from '@cdc/transport';
import type { ConnectOptions, Listener } from '@cdc/transport';
import { captureLogger } from '@cdc/testkit';
import type { CapturedLog } from '@cdc/testkit';
import { ClusterLink } from '../src/cluster/link/index.js';
import type { ClusterLinkOptions } from '../src/cluster/link/index.js';

export const SECRET = randomBytes(32);

/** Ticket principals every instance authenticates (as the center's authenticators would). */
export const AUTH: AuthConfig = {
  ticket: {
    type: 'static',
    principals: {
      joe: { ticket: 's3cret', role: 'user' },
      ann: { ticket: 'an0ther', role: 'user' },
    },
  },
  anonymous: { type: 'static', role: 'anonymous' },
};

export function realm(name: string): RealmConfig {
  const everything = {
    uri: '',
    match: 'prefix' as const,
    allow: { call: true, register: true, publish: true, subscribe: true },
    disclose: { caller: true, publisher: true },
  };
  return {
    name,
    roles: [
      { name: 'user', permissions: [everything] },
      { name: 'anonymous', permissions: [everything] },
    ],
  };
}

export interface Instance {
  name: string;
  router: Router;
  listener: Listener;
  link: ClusterLink;
  log: CapturedLog;
  url: string;
  /** The raw socket URL of the listener. */
  rsUrl: string;
  close(): Promise<void>;
}

/** Realm → owning instance's link address, shared by all instances of a test. */
export type Placement = Map<string, string>;

export async function startInstance(
  name: string,
  realms: string[],
  placement: Placement,
  extra: Partial<ClusterLinkOptions> = {},
): Promise<Instance> {
  const log = captureLogger();
  const router = new Router({ helloTimeoutMs: 2000, goodbyeTimeoutMs: 200, logger: log });
  for (const r of realms) router.addRealm(realm(r));
  const listener = await listen({
    endpoint: { type: 'tcp', host: '127.0.0.1', port: 0 },
    websocket: { '/ws': {} },
    rawsocket: {},
    onTransport: (t) => router.accept(t, { auth: AUTH }),
  });
  const link = await ClusterLink.start({
    instance: name,
    secret: SECRET,
    router,
    logger: log,
    ownerOf: (r) => {
      const at = placement.get(r);
      return at === undefined || router.hasRealm(r) ? undefined : at;
    },
    ...extra,
  });
  for (const r of realms) placement.set(r, link.address);
  return {
    name,
    router,
    listener,
    link,
    log,
    url: listener.url('/ws'),
    rsUrl: listener.url(),
    async close() {
      await link.close();
      router.close();
      await listener.close();
    },
  };
}

export async function join(
  url: string,
  realmName: string,
  options: Partial<JoinOptions> = {},
  transport: ConnectOptions = {},
): Promise<Session> {
  return joinSession(await connect(url, transport), {
    realm: realmName,
    authid: 'joe',
    authmethods: ['ticket'],
    ticket: 's3cret',
    ...options,
  });
}

/** Resolves with the session's close info once it ends. */
export function left(s: Session): Promise<{ reason: string; message?: string | undefined }> {
  return new Promise((resolve) => s.onLeave((info) => resolve(info)));
}
