/**
 * What a realm backend process and the center say on the backend's lifecycle channel (Node's
 * IPC channel, `@cdc/supervisor`): the init payload, the ready payload and the node counts
 * the backend reports for the center's metrics. Its WAMP session travels on a socket pair of
 * its own. Both ends are typed by {@link BackendLifecycle}.
 * @module
 */
import type { Lease } from '@cdc/store';
import type { Lifecycle } from '@cdc/supervisor';

export interface StoreLocation {
  /** PostgreSQL URL, or none for SQLite files in `dir`. */
  url?: string | undefined;
  dir: string;
}

export interface BackendInit {
  realm: string;
  store: StoreLocation;
  /** When the center started (ISO 8601), for `get_status`. */
  started: string;
  version: string;
  heartbeatPeriodS: number;
  logLevel: string;
  /** What only this kind of backend needs (the global realm's: mail, limits). */
  options?: Record<string, unknown>;
  /** Cluster mode: the realm's lease; every write of the realm's store is fenced by it. */
  fence?: Lease;
}

export type BackendLifecycle = Lifecycle<
  BackendInit,
  /** Up: the number of procedures it registered. */
  { procedures: number },
  /**
   * Node counts by status, for the center's metrics; or, in cluster mode, that a write was
   * refused because the realm's lease passed to another instance (the center lets it go).
   */
  { kind: 'metrics'; nodes: Record<string, number> } | { kind: 'fenced' }
>;
