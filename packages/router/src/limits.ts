/**
 * What one peer may cost the router: connections from one source address that have not
 * authenticated yet (TCP peers), failed authentications (slowed per source address and per authid, so
 * no ticket, secret or key can be tried at wire speed), and registrations and subscriptions
 * per session. Each check is a map lookup on a path that is not per message (accept,
 * HELLO, REGISTER, SUBSCRIBE); figures in docs/RELIABILITY.md.
 * @module
 */
import { LimitErrors, WampErrors } from '@cdc/protocol';

export interface RouterLimits {
  /** Connections per source address between accept and WELCOME; default 256. */
  maxPendingPerAddress?: number;
  /** Failed authentications from one address before each further one is slowed; default 20. */
  authFailuresPerAddress?: number;
  /** Failed authentications for one authid before each further one is slowed; default 10. */
  authFailuresPerAuthid?: number;
  /** The longest wait a run of failures earns, ms; default 60 s. Doubles from 1 s. */
  authLockoutMaxMs?: number;
  /** Registrations one session may hold; default 10,000. */
  maxRegistrationsPerSession?: number;
  /** Subscriptions one session may hold; default 10,000. */
  maxSubscriptionsPerSession?: number;
}

/**
 * The same as a config block (a router worker's `options.limits`, the center's `--limits`):
 * CDC's keys, Crossbar.io has none of them. Defaults in {@link DEFAULT_LIMITS}.
 */
export interface RouterLimitsConfig {
  max_pending_per_address?: number;
  auth_failures_per_address?: number;
  auth_failures_per_authid?: number;
  /** The longest wait after failed authentications, ms. */
  auth_lockout_max?: number;
  max_registrations_per_session?: number;
  max_subscriptions_per_session?: number;
  /** Bytes a peer may leave unread before it is disconnected (read by the listeners). */
  max_write_buffer?: number;
}

const CONFIG_KEYS: readonly string[] = [
  'max_pending_per_address',
  'auth_failures_per_address',
  'auth_failures_per_authid',
  'auth_lockout_max',
  'max_registrations_per_session',
  'max_subscriptions_per_session',
  'max_write_buffer',
];

/**
 * A config block as {@link RouterLimits}.
 * @throws TypeError naming the key, for an unknown key or a value that is not a whole number
 * (at least 1; `auth_lockout_max` at least 0).
 */
export function limitsFromConfig(c: RouterLimitsConfig = {}): RouterLimits {
  for (const [k, v] of Object.entries(c) as [string, unknown][]) {
    if (!CONFIG_KEYS.includes(k))
      throw new TypeError(`unknown limit "${k}"; the limits are ${CONFIG_KEYS.join(', ')}`);
    const least = k === 'auth_lockout_max' ? 0 : 1;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < least)
      throw new TypeError(`limit "${k}" must be a whole number of at least ${least}`);
  }
  const out: RouterLimits = {};
  if (c.max_pending_per_address !== undefined) out.maxPendingPerAddress = c.max_pending_per_address;
  if (c.auth_failures_per_address !== undefined)
    out.authFailuresPerAddress = c.auth_failures_per_address;
  if (c.auth_failures_per_authid !== undefined)
    out.authFailuresPerAuthid = c.auth_failures_per_authid;
  if (c.auth_lockout_max !== undefined) out.authLockoutMaxMs = c.auth_lockout_max;
  if (c.max_registrations_per_session !== undefined)
    out.maxRegistrationsPerSession = c.max_registrations_per_session;
  if (c.max_subscriptions_per_session !== undefined)
    out.maxSubscriptionsPerSession = c.max_subscriptions_per_session;
  return out;
}

export const DEFAULT_LIMITS: Required<RouterLimits> = {
  maxPendingPerAddress: 256,
  authFailuresPerAddress: 20,
  authFailuresPerAuthid: 10,
  authLockoutMaxMs: 60_000,
  maxRegistrationsPerSession: 10_000,
  maxSubscriptionsPerSession: 10_000,
};

/** Failures are forgotten after this long without a new one. */
const FAILURE_MEMORY_MS = 10 * 60_000;
/** At most this many addresses and authids are remembered (oldest forgotten first). */
const MAX_TRACKED = 100_000;

/** The denials that count as a wrong guess (not, e.g., an unknown realm). */
const GUESSES: ReadonlySet<string> = new Set([
  WampErrors.AUTHENTICATION_FAILED,
  WampErrors.AUTHENTICATION_DENIED,
  WampErrors.NO_SUCH_PRINCIPAL,
  WampErrors.NOT_AUTHORIZED,
]);

/** The source address of a transport's peer (`tcp4:1.2.3.4:5678` → `tcp4:1.2.3.4`). */
export function addressOf(peer: string): string {
  if (!peer.startsWith('tcp')) return peer;
  const colon = peer.lastIndexOf(':');
  return colon > 4 ? peer.slice(0, colon) : peer;
}

interface Failures {
  count: number;
  last: number;
  /** No attempt before this time (ms since the epoch). */
  until: number;
}

export interface Refusal {
  uri: string;
  message: string;
}

export class LimitKeeper {
  limits: Required<RouterLimits>;
  private readonly pending = new Map<string, number>();
  /** The address each counted connection was counted under. */
  private readonly pendingOf = new Map<object, string>();
  private readonly failures = new Map<string, Failures>();

  constructor(limits: RouterLimits = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...definedOnly(limits) };
  }

  /** Change the limits (a router worker's config arrives after its router is made). */
  configure(limits: RouterLimits): void {
    this.limits = { ...DEFAULT_LIMITS, ...definedOnly(limits) };
  }

  /** Count a new connection from `peer`; a refusal when its address has too many pending. */
  enter(conn: object, peer: string): Refusal | undefined {
    // Local peers (Unix sockets, a process's own children) are not counted by address.
    if (!peer.startsWith('tcp')) return undefined;
    const address = addressOf(peer);
    const n = this.pending.get(address) ?? 0;
    if (n >= this.limits.maxPendingPerAddress)
      return {
        uri: LimitErrors.TOO_MANY_CONNECTIONS,
        message:
          `${n} connections from ${address} have not authenticated yet ` +
          `(at most ${this.limits.maxPendingPerAddress}); try again later`,
      };
    this.pending.set(address, n + 1);
    this.pendingOf.set(conn, address);
    return undefined;
  }

  /** The connection authenticated or closed. Idempotent. */
  leave(conn: object): void {
    const address = this.pendingOf.get(conn);
    if (address === undefined) return;
    this.pendingOf.delete(conn);
    const n = (this.pending.get(address) ?? 1) - 1;
    if (n <= 0) this.pending.delete(address);
    else this.pending.set(address, n);
  }

  /** Connections from `peer`'s address not authenticated yet. */
  pendingFrom(peer: string): number {
    return this.pending.get(addressOf(peer)) ?? 0;
  }

  /** A refusal when `peer`'s address or `authid` must wait before trying again. */
  throttled(peer: string, authid: string | undefined, now = Date.now()): Refusal | undefined {
    for (const key of keys(peer, authid)) {
      const f = this.failures.get(key);
      if (f === undefined || f.until <= now) continue;
      const s = Math.ceil((f.until - now) / 1000);
      return {
        uri: LimitErrors.AUTHENTICATION_THROTTLED,
        message:
          `too many failed authentications ${key.startsWith('a:') ? `from ${key.slice(2)}` : `for authid "${key.slice(2)}"`}; ` +
          `try again in ${s} s`,
      };
    }
    return undefined;
  }

  /** An authentication ended in `uri`: a wrong guess counts against address and authid. */
  denied(peer: string, authid: string | undefined, uri: string, now = Date.now()): void {
    if (!GUESSES.has(uri)) return;
    for (const key of keys(peer, authid)) {
      let f = this.failures.get(key);
      if (f === undefined || now - f.last > FAILURE_MEMORY_MS)
        f = { count: 0, last: now, until: 0 };
      else this.failures.delete(key); // re-inserted last: the map stays in age order
      f.count++;
      f.last = now;
      const free = key.startsWith('a:')
        ? this.limits.authFailuresPerAddress
        : this.limits.authFailuresPerAuthid;
      if (f.count >= free) {
        const wait = Math.min(
          1000 * 2 ** Math.min(f.count - free, 20),
          this.limits.authLockoutMaxMs,
        );
        f.until = now + wait;
      }
      this.failures.set(key, f);
      if (this.failures.size > MAX_TRACKED) {
        const oldest = this.failures.keys().next();
        if (oldest.done !== true) this.failures.delete(oldest.value);
      }
    }
  }

  /** The authid authenticated: its run of failures ends (its address's does not). */
  succeeded(authid: string | undefined): void {
    if (authid !== undefined) this.failures.delete(`i:${authid}`);
  }

  /** A refusal when a session holding `held` registrations may not make another. */
  registration(held: number): Refusal | undefined {
    return this.cap(held, this.limits.maxRegistrationsPerSession, 'registrations');
  }

  /** A refusal when a session holding `held` subscriptions may not make another. */
  subscription(held: number): Refusal | undefined {
    return this.cap(held, this.limits.maxSubscriptionsPerSession, 'subscriptions');
  }

  private cap(held: number, max: number, what: string): Refusal | undefined {
    if (held < max) return undefined;
    return {
      uri: LimitErrors.LIMIT_EXCEEDED,
      message: `this session holds ${held} ${what}, the most one session may hold (${max})`,
    };
  }
}

function keys(peer: string, authid: string | undefined): string[] {
  const out = peer.startsWith('tcp') ? [`a:${addressOf(peer)}`] : [];
  if (authid !== undefined && authid !== '') out.push(`i:${authid}`);
  return out;
}

function definedOnly(o: RouterLimits): Partial<Required<RouterLimits>> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(o)) if (typeof v === 'number') out[k] = v;
  return out;
}
