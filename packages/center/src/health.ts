/**
 * What the center's `/health` says: its database, its connections, each realm's backend and
 * sessions and, in cluster mode, its leases. Unhealthy (503) only when the database does
 * not answer: a backend restarting is reported, not failed on.
 * @module
 */
import type { Router } from '@cdc/router';
import type { DomainStore } from '@cdc/store';
import { errorMessage } from '@cdc/protocol';
import type { ClusterMember } from './cluster/member.js';
import type { BackendSupervisor } from './supervisor.js';

export interface HealthSources {
  domain: DomainStore;
  supervisor: BackendSupervisor;
  router: Router;
  member: ClusterMember | undefined;
  version: string;
  started: Date;
}

export async function centerHealth(
  h: HealthSources,
): Promise<{ ok: boolean; body: Record<string, unknown> }> {
  let database = 'ok';
  try {
    await h.domain.probe();
  } catch (e) {
    database = `error: ${errorMessage(e)}`;
  }
  const ok = database === 'ok';
  return {
    ok,
    body: {
      status: ok ? 'ok' : 'degraded',
      version: h.version,
      started: h.started.toISOString(),
      uptime: (Date.now() - h.started.getTime()) / 1000,
      database,
      connections: h.router.connectionCount,
      ...(h.member !== undefined ? { cluster: h.member.health() } : {}),
      realms: Object.fromEntries(
        Object.entries(h.supervisor.status()).map(([r, b]) => [
          r,
          {
            backend: b.status,
            restarts: b.restarts,
            sessions: h.router.getRealm(r)?.sessions.size ?? 0,
          },
        ]),
      ),
    },
  };
}
