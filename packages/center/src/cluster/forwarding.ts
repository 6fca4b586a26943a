/**
 * A clustered instance's internal link put to work (SPEC §9): sessions authenticated here for
 * a realm another instance serves are forwarded to it; sessions other instances forward here
 * join our router. The owner is whoever the member's last lease pass saw; when that changes,
 * the sessions forwarded to the old owner are closed so their clients reconnect (and are
 * forwarded to the new one, or served here). The link's figures go to `/metrics`.
 * @module
 */
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Logger } from '@cdc/protocol';
import type { Router } from '@cdc/router';
import { ClusterLink } from './link/index.js';
import type { ClusterMember } from './member.js';

export interface ForwardingOptions {
  member: ClusterMember;
  router: Router;
  metrics: Registry;
  logger: Logger;
  /** Where other instances reach this one (default 127.0.0.1, any free port). */
  host?: string | undefined;
  port?: number | undefined;
  /** Whether a session forwarded here for a realm can be served now (its backend is ready). */
  admits: (realm: string) => boolean;
}

export async function startForwarding(o: ForwardingOptions): Promise<ClusterLink> {
  const { member } = o;
  const link = await ClusterLink.start({
    instance: member.id,
    secret: Buffer.from(await member.linkSecret(), 'utf8'),
    router: o.router,
    host: o.host,
    port: o.port,
    ownerOf: (realm) => member.ownerElsewhere(realm)?.address,
    admits: o.admits,
    logger: o.logger,
  });
  member.onMoved = (realm) => {
    const closed = link.closeRealm(realm);
    if (closed > 0)
      o.logger.info({ realm, sessions: closed }, 'realm moved: its forwarded sessions closed');
  };
  const figures: [string, string, (s: ReturnType<ClusterLink['stats']>) => number][] = [
    ['cdc_cluster_links', 'Internal links to other center instances', (s) => s.links],
    [
      'cdc_cluster_forwarded_sessions',
      'Sessions accepted here and forwarded to the instance that owns their realm',
      (s) => s.forwarded,
    ],
    [
      'cdc_cluster_hosted_sessions',
      'Sessions other instances forward here (this instance owns their realm)',
      (s) => s.hosted,
    ],
  ];
  for (const [name, help, pick] of figures)
    new Gauge({
      name,
      help,
      labelNames: ['instance'],
      registers: [o.metrics],
      collect: function (this: Gauge) {
        this.reset();
        this.set({ instance: member.id }, pick(link.stats()));
      },
    });
  for (const [dir, pick] of [
    ['in', (s: ReturnType<ClusterLink['stats']>) => s.framesIn],
    ['out', (s: ReturnType<ClusterLink['stats']>) => s.framesOut],
  ] as const) {
    // The link counts since it started; the counter takes what was added since it last looked.
    let seen = 0;
    new Counter({
      name: `cdc_cluster_link_frames_${dir}_total`,
      help: `Frames ${dir === 'in' ? 'received' : 'sent'} on internal links`,
      labelNames: ['instance'],
      registers: [o.metrics],
      collect: function (this: Counter) {
        const now = pick(link.stats());
        this.inc({ instance: member.id }, Math.max(0, now - seen));
        seen = now;
      },
    });
  }
  return link;
}
