/**
 * What a clustered center does when it takes or loses a realm's lease: a realm is served
 * here (its router realm and its backend, whose store is fenced by the lease) only while
 * this instance holds the lease. A session for a realm served by another instance is
 * forwarded to it over the internal link (`forwarding.ts`).
 * @module
 */
import { GLOBAL_REALM } from '@cdc/api';
import { errorMessage } from '@cdc/protocol';
import type { Logger } from '@cdc/protocol';
import type { Router } from '@cdc/router';
import type { DomainStore, Lease, StoreFactory } from '@cdc/store';
import type { Registry } from 'prom-client';
import type { BackendSupervisor } from '../supervisor.js';
import type { LossReason } from './lease-keeper.js';
import { ClusterMember } from './member.js';
import type { ClusterOptions } from './member.js';

export interface RealmHost {
  router: Router;
  supervisor: BackendSupervisor;
  logger: Logger;
  /** Add the router realm (with its roles) for a realm about to be served here. */
  addRealm: (name: string) => void;
  /** The global realm's extras: the center's own session there, and its backend's options. */
  global: { serveCenterSession: () => Promise<unknown>; options: Record<string, unknown> };
}

/**
 * Serve `lease.realm` here: router realm, then its backend with the lease as its fence. The
 * backend comes up in the background: waiting for it here would hold up the lease keeper's
 * pass, and with it the renewal of every lease, for as long as a process takes to start.
 */
export async function serveRealm(h: RealmHost, lease: Lease): Promise<void> {
  const name = lease.realm;
  if (!h.router.hasRealm(name)) h.addRealm(name);
  if (name === GLOBAL_REALM) {
    await h.global.serveCenterSession();
    void h.supervisor.ensure(name, 'global', h.global.options, lease);
  } else {
    void h.supervisor.ensure(name, 'realm', undefined, lease);
  }
  h.logger.info({ realm: name, token: lease.token }, 'management realm started (lease taken)');
}

/**
 * How long letting a realm go waits for its backend to stop. Safety does not need the wait
 * (once the lease is gone every write of the old backend is fenced); it lets calls in flight
 * finish cleanly. Longer would hold up the lease pass, and with it the beat and every other
 * lease's renewal, for a backend slow to stop (one still starting on a loaded machine).
 */
const STOP_WAIT_MS = 2000;

/** Stop serving `realm` here: its backend first (its writes end), then its sessions. */
export async function unserveRealm(h: RealmHost, realm: string, reason: LossReason): Promise<void> {
  const stopped = h.supervisor.stop(realm).catch((e: unknown) => {
    h.logger.error({ realm, err: errorMessage(e) }, 'stopping a realm backend failed');
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Stopping the whole instance has time: its backends end before it exits.
  const wait =
    reason === 'stopped' ? undefined : new Promise((r) => (timer = setTimeout(r, STOP_WAIT_MS)));
  await Promise.race(wait === undefined ? [stopped] : [stopped, wait]);
  clearTimeout(timer);
  const why =
    reason === 'stopped'
      ? 'this center instance is stopping; reconnect'
      : 'the realm moved to another center instance; reconnect';
  h.router.removeRealm(realm, why);
  h.logger.info({ realm, reason }, 'management realm stopped (lease given up)');
}

/** This instance's membership: every realm (and the global realm) served here under its lease. */
export async function openMember(
  host: RealmHost,
  o: {
    options: ClusterOptions;
    factory: StoreFactory;
    domain: () => DomainStore;
    metrics: Registry;
  },
): Promise<ClusterMember> {
  return new ClusterMember({
    ...o.options,
    store: await o.factory.cluster(),
    realms: async () => [GLOBAL_REALM, ...(await o.domain().listRealms()).map((r) => r.name)],
    serve: (lease) => serveRealm(host, lease),
    unserve: (realm, reason) => unserveRealm(host, realm, reason),
    metrics: o.metrics,
    logger: host.logger,
  });
}
