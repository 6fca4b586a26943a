/**
 * One instance's side of realm placement (SPEC §9): a control loop that, every tick, beats,
 * renews the leases it holds, gives up realms that placement now gives to another live
 * instance (a few per tick, so a joining instance does not make every realm move at once),
 * and takes the realms placement gives it once they are free or their lease expired. The
 * lease in PostgreSQL is the truth; the loop reconciles what this instance serves with it.
 * @module
 */
import { errorMessage, silentLogger } from '@cdc/protocol';
import type { Logger } from '@cdc/protocol';
import type { ClusterStore, InstanceInfo, Lease } from '@cdc/store';
import { ownerOf } from './placement.js';

/** Why an instance stopped serving a realm. */
export type LossReason =
  /** Placement gave it to another live instance; released after we stopped serving it. */
  | 'handed_over'
  /** The lease could not be renewed (expired while we were paused, or taken over). */
  | 'lost'
  /** This instance is stopping. */
  | 'stopped';

export interface LeaseKeeperOptions {
  store: ClusterStore;
  instance: InstanceInfo;
  /** Every realm to place (the management realms and the global realm). */
  realms: () => Promise<readonly string[]>;
  /** Lease time; an instance silent this long counts as dead (default 10 s). */
  ttlMs?: number | undefined;
  /** Between ticks (default a quarter of the lease time, so three ticks can fail). */
  tickMs?: number | undefined;
  /** Realms handed over per tick at most (default 8). */
  handoverPerTick?: number | undefined;
  /** Start serving a realm; the lease's token goes with every write. */
  onAcquired: (lease: Lease) => Promise<void> | void;
  /** Stop serving a realm (called before a handed-over realm's lease is released). */
  onLost: (realm: string, reason: LossReason) => Promise<void> | void;
  logger?: Logger | undefined;
}

type Settings = LeaseKeeperOptions & {
  ttlMs: number;
  tickMs: number;
  handoverPerTick: number;
  logger: Logger;
};

export class LeaseKeeper {
  readonly #o: Settings;
  readonly #held = new Map<string, Lease>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(options: LeaseKeeperOptions) {
    const ttlMs = options.ttlMs ?? 10_000;
    this.#o = {
      ...options,
      ttlMs,
      tickMs: options.tickMs ?? Math.max(1, Math.floor(ttlMs / 4)),
      handoverPerTick: options.handoverPerTick ?? 8,
      logger: options.logger ?? silentLogger,
    };
  }

  /** The leases this instance holds now, by realm. */
  get held(): ReadonlyMap<string, Lease> {
    return this.#held;
  }

  /** Run the first tick now, then keep ticking until `stop()`. */
  async start(): Promise<void> {
    await this.tick();
    this.#schedule();
  }

  /** One reconciliation pass (also what the timer runs); never two at once. */
  tick(): Promise<void> {
    this.#running ??= this.#pass().finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** Stop ticking; with `handover`, stop serving every realm and release its lease at once. */
  async stop(handover = true): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await this.#running;
    if (!handover) return;
    const o = this.#o;
    // All at once: a backend may take seconds to stop, and every realm waits for its own.
    await Promise.all(
      [...this.#held.values()].map(async (lease) => {
        await this.#lose(lease.realm, 'stopped');
        await o.store.release(lease).catch((e: unknown) => {
          o.logger.warn({ realm: lease.realm, err: errorMessage(e) }, 'lease release failed');
        });
      }),
    );
    await o.store.forgetInstance(o.instance.id).catch(() => undefined);
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      void this.tick().finally(() => this.#schedule());
    }, this.#o.tickMs);
    this.#timer.unref();
  }

  async #pass(): Promise<void> {
    const o = this.#o;
    try {
      await o.store.beat(o.instance);
      await this.#renew();
      const live = (await o.store.liveInstances(o.ttlMs)).map((i) => i.id);
      if (!live.includes(o.instance.id)) live.push(o.instance.id);
      const realms = await o.realms();
      await this.#handOver(realms, live);
      await this.#take(realms, live);
    } catch (e) {
      // The database is away: keep serving what we hold until the leases run out (the
      // next renewal says so), and try again next tick.
      o.logger.warn({ err: errorMessage(e) }, 'cluster: lease pass failed');
    }
  }

  async #renew(): Promise<void> {
    const o = this.#o;
    const held = [...this.#held.values()];
    const renewed = await o.store.renew(o.instance.id, held, o.ttlMs);
    const kept = new Set(renewed.map((l) => l.realm));
    for (const l of renewed) this.#held.set(l.realm, l);
    // At once: each waits for its backend to stop, and the other leases for this pass.
    await Promise.all(
      held.filter((l) => !kept.has(l.realm)).map((l) => this.#lose(l.realm, 'lost')),
    );
  }

  async #handOver(realms: readonly string[], live: readonly string[]): Promise<void> {
    const o = this.#o;
    const known = new Set(realms);
    let moved = 0;
    for (const lease of [...this.#held.values()]) {
      const owner = ownerOf(lease.realm, live);
      // A realm that no longer exists is dropped as well.
      if (owner === o.instance.id && known.has(lease.realm)) continue;
      if (moved++ >= o.handoverPerTick) break;
      await this.#lose(lease.realm, 'handed_over');
      await o.store.release(lease);
    }
  }

  async #take(realms: readonly string[], live: readonly string[]): Promise<void> {
    const o = this.#o;
    for (const realm of realms) {
      if (this.#stopped) return;
      if (this.#held.has(realm) || ownerOf(realm, live) !== o.instance.id) continue;
      const lease = await o.store.acquire(realm, o.instance.id, o.ttlMs);
      if (lease === undefined) continue; // its previous owner's lease has not expired yet
      this.#held.set(realm, lease);
      try {
        await o.onAcquired(lease);
        o.logger.info({ realm, token: lease.token }, 'cluster: serving realm');
      } catch (e) {
        // Could not start serving it: let another instance (or the next tick) have it.
        o.logger.error({ realm, err: errorMessage(e) }, 'cluster: starting a realm failed');
        this.#held.delete(realm);
        await o.store.release(lease);
      }
    }
  }

  async #lose(realm: string, reason: LossReason): Promise<void> {
    const o = this.#o;
    this.#held.delete(realm);
    try {
      await o.onLost(realm, reason);
    } catch (e) {
      o.logger.error({ realm, reason, err: errorMessage(e) }, 'cluster: stopping a realm failed');
    }
    o.logger.info({ realm, reason }, 'cluster: realm no longer served here');
  }
}
