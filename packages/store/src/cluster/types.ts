/**
 * What the instances of a clustered center share in PostgreSQL (SPEC §9): who is alive, and
 * which instance serves each realm. The lease is the truth about ownership; its token grows
 * by one with every change of owner, so a write carrying an older token is a stale owner's.
 * All times are the database server's, so the instances' clocks need not agree.
 * @module
 */

/** An instance as it announces itself. */
export interface InstanceInfo {
  id: string;
  /** Where other instances reach it (its internal link), e.g. `rs://10.0.0.5:9100`. */
  address: string;
}

export interface InstanceRow extends InstanceInfo {
  /** ISO 8601 UTC. */
  started: string;
  /** ISO 8601 UTC: the instance's last beat. */
  lastBeat: string;
  /** Milliseconds since the last beat, by the database's clock. */
  ageMs: number;
}

/** A lease an instance holds: its proof of ownership for writes. */
export interface Lease {
  realm: string;
  owner: string;
  /** The fencing token: greater than every token an earlier owner of this realm held. */
  token: number;
  /** ISO 8601 UTC. */
  expires: string;
}

export interface LeaseRow extends Lease {
  /** Milliseconds until expiry by the database's clock (negative: expired). */
  remainingMs: number;
  /** Milliseconds since this owner took the realm. */
  heldMs: number;
}

export interface ClusterStore {
  /** Announce this instance or renew its beat (its `started` is kept from the first beat). */
  beat(instance: InstanceInfo): Promise<void>;
  /** Instances that beat within `withinMs`, by id. */
  liveInstances(withinMs: number): Promise<InstanceRow[]>;
  /** Every instance row, with its age. */
  instances(): Promise<InstanceRow[]>;
  /** Remove an instance's row (it left cleanly). */
  forgetInstance(id: string): Promise<void>;
  /**
   * Take `realm` for `owner` for `ttlMs` if nobody holds it or its lease expired; the token
   * grows by one. An owner that still holds it gets its lease back unchanged but renewed.
   * Undefined when another instance holds a lease that has not expired.
   */
  acquire(realm: string, owner: string, ttlMs: number): Promise<Lease | undefined>;
  /**
   * Extend `owner`'s leases by `ttlMs`, in one statement; returns those still ours. A
   * lease missing from the answer is lost: taken over, or expired (its owner may have been
   * paused; it must take the realm afresh, with a new token).
   */
  renew(owner: string, leases: readonly Lease[], ttlMs: number): Promise<Lease[]>;
  /** Give a lease up now (it expires at once), so another instance can take the realm. */
  release(lease: Lease): Promise<void>;
  /** Every lease, by realm. */
  leases(): Promise<LeaseRow[]>;
  /**
   * The cluster's secret `name` (64 hex): made by the first instance that asks, the same
   * for every instance after (the internal link authenticates instances with `link`).
   */
  secret(name: string): Promise<string>;
  /** Whether `lease` is still the realm's current, unexpired lease. */
  holds(lease: Lease): Promise<boolean>;
  close(): Promise<void>;
}
