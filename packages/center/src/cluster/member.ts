/**
 * One center instance's membership in a cluster (SPEC §9): it registers and beats, takes
 * part in realm placement through the {@link LeaseKeeper}, and keeps a picture of who owns
 * which realm (refreshed every lease pass) so a session for a realm served elsewhere can be
 * sent there. The Center gives it what to serve and how: `serve` on a lease taken, `unserve`
 * on a lease lost.
 * @module
 */
import { hostname } from 'node:os';
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import { errorMessage } from '@cdc/protocol';
import type { Logger } from '@cdc/protocol';
import type { ClusterStore, Lease } from '@cdc/store';
import { LeaseKeeper } from './lease-keeper.js';
import type { LossReason } from './lease-keeper.js';

export interface ClusterOptions {
  /** This instance's id (default `<hostname>-<pid>`); unique among the live instances. */
  instanceId?: string | undefined;
  /** Lease time (default 10 s): how long a dead owner's realms wait for a new one. */
  leaseTtlMs?: number | undefined;
  /** Where other instances reach this one's internal link (default 127.0.0.1, any free port). */
  linkHost?: string | undefined;
  linkPort?: number | undefined;
}

export interface ClusterMemberOptions extends ClusterOptions {
  store: ClusterStore;
  /** Every realm to place: the management realms and the global realm. */
  realms: () => Promise<readonly string[]>;
  serve: (lease: Lease) => Promise<void>;
  unserve: (realm: string, reason: LossReason) => Promise<void>;
  metrics: Registry;
  logger: Logger;
}

/** Another instance that serves a realm: where to send its sessions. */
export interface RealmOwner {
  instance: string;
  address: string;
}

export class ClusterMember {
  readonly id: string;
  readonly ttlMs: number;
  #keeper: LeaseKeeper | undefined;
  #owners = new Map<string, RealmOwner>();
  /** The last instance seen serving each realm (this one included); a gap does not reset it. */
  #lastOwner = new Map<string, string>();
  #alive = 0;
  #reachable: { ok: boolean; at: Date; error?: string } | undefined;
  #secret: string | undefined;
  readonly #moves: Counter;

  constructor(private readonly o: ClusterMemberOptions) {
    this.id = o.instanceId ?? `${hostname()}-${process.pid}`;
    this.ttlMs = o.leaseTtlMs ?? 10_000;
    const held = (): number => this.#keeper?.held.size ?? 0;
    const idOf = (): string => this.id;
    const alive = (): number => this.#alive;
    new Gauge({
      name: 'cdc_cluster_leases_held',
      help: 'Realm leases this center instance holds',
      labelNames: ['instance'],
      registers: [o.metrics],
      collect: function (this: Gauge) {
        this.reset();
        this.set({ instance: idOf() }, held());
      },
    });
    new Gauge({
      name: 'cdc_cluster_instances_alive',
      help: 'Center instances that beat within the lease time, as this instance last saw',
      labelNames: ['instance'],
      registers: [o.metrics],
      collect: function (this: Gauge) {
        this.reset();
        this.set({ instance: idOf() }, alive());
      },
    });
    this.#moves = new Counter({
      name: 'cdc_cluster_lease_moves_total',
      help: 'Realms this instance took or let go, by direction and reason',
      labelNames: ['instance', 'direction', 'reason'],
      registers: [o.metrics],
    });
  }

  /** The realms this instance serves now, with their leases. */
  get held(): ReadonlyMap<string, Lease> {
    return this.#keeper?.held ?? new Map();
  }

  /**
   * Called when the instance serving a realm changes as this one sees it (taken here, or
   * another owner in a pass): sessions forwarded to the old owner are closed then.
   */
  onMoved: ((realm: string) => void) | undefined;

  /** The secret the instances share for their internal link (made once, in PostgreSQL). */
  async linkSecret(): Promise<string> {
    this.#secret ??= await this.o.store.secret('link');
    return this.#secret;
  }

  /** Register at `address` (this instance's internal link) and start taking realms. */
  async start(address: string): Promise<void> {
    const o = this.o;
    this.#keeper = new LeaseKeeper({
      store: o.store,
      instance: { id: this.id, address },
      ttlMs: this.ttlMs,
      logger: o.logger,
      realms: async () => {
        const [realms] = await Promise.all([o.realms(), this.#refresh()]);
        return realms;
      },
      onAcquired: async (lease) => {
        this.#owners.delete(lease.realm);
        this.#seen(lease.realm, this.id);
        await o.serve(lease);
        this.#moves.inc({ instance: this.id, direction: 'taken', reason: 'placement' });
      },
      onLost: async (realm, reason) => {
        await o.unserve(realm, reason);
        this.#moves.inc({ instance: this.id, direction: 'given', reason });
      },
    });
    await this.#keeper.start();
  }

  /** One lease pass now (the reconcile loop's, or a backend's write was fenced). */
  async tick(): Promise<void> {
    await this.#keeper?.tick();
  }

  /**
   * The instance serving `realm` when it is not this one (from the last pass), so a session
   * for it can be sent there; undefined when it is served here or by nobody right now.
   */
  ownerElsewhere(realm: string): RealmOwner | undefined {
    return this.#owners.get(realm);
  }

  /**
   * A realm seen served by `instance`: when that is not who served it before, it moved, and
   * `onMoved` is told. A realm nobody holds for a moment (a renewal late under load, an owner
   * gone until its lease expires) is no move: only a different owner is, so sessions are not
   * closed for a lease that is merely late.
   */
  #seen(realm: string, instance: string): void {
    const last = this.#lastOwner.get(realm);
    this.#lastOwner.set(realm, instance);
    if (last !== undefined && last !== instance) this.onMoved?.(realm);
  }

  /** Who owns what, as of the last lease pass: from the leases and the instances' rows. */
  async #refresh(): Promise<void> {
    const store = this.o.store;
    try {
      const [leases, live] = await Promise.all([store.leases(), store.liveInstances(this.ttlMs)]);
      const address = new Map(live.map((i) => [i.id, i.address]));
      const owners = new Map<string, RealmOwner>();
      for (const l of leases) {
        const at = address.get(l.owner);
        if (l.owner === this.id || l.remainingMs <= 0 || at === undefined) continue;
        owners.set(l.realm, { instance: l.owner, address: at });
      }
      this.#owners = owners;
      for (const [realm, o] of owners) this.#seen(realm, o.instance);
      this.#alive = live.length;
      this.#reachable = { ok: true, at: new Date() };
    } catch (e) {
      this.#reachable = { ok: false, at: new Date(), error: errorMessage(e) };
      throw e;
    }
  }

  /** For `/health`: this instance, its leases, and whether PostgreSQL answered last time. */
  health(): Record<string, unknown> {
    const r = this.#reachable;
    return {
      instance: this.id,
      lease_ttl_s: this.ttlMs / 1000,
      holds_leases: this.held.size > 0,
      leases: Object.fromEntries(
        [...this.held.values()].map((l) => [l.realm, { token: l.token, expires: l.expires }]),
      ),
      instances_alive: this.#alive,
      postgres: r === undefined ? 'unknown' : r.ok ? 'ok' : `error: ${r.error ?? ''}`,
      postgres_checked: r?.at.toISOString() ?? null,
    };
  }

  /** Stop taking part: with `handover`, every realm is let go and its lease released now. */
  async stop(handover = true): Promise<void> {
    await this.#keeper?.stop(handover);
  }
}
