/**
 * Result types of the public API.
 * @module
 */

/** `created` (paired, never seen), `online` (connected), `running` (online, all configured workers running), `offline`. */
export type NodeStatus = 'created' | 'online' | 'running' | 'offline';
export const NODE_STATUSES: readonly NodeStatus[] = ['created', 'online', 'running', 'offline'];

export interface NodeInfo {
  node_id: string;
  status: NodeStatus;
  extra: Record<string, unknown>;
  pubkey: string | null;
  created: string;
  last_seen: string | null;
  heartbeat: number | null;
  heartbeat_time: string | null;
  workers: { router: number; container: number; guest: number };
  version: string | null;
  /** `cdc` for our nodes, `crossbar` for Crossbar.io nodes. */
  type: string | null;
}

export interface RealmStatus {
  realm: string;
  now: string;
  started: string;
  /** Seconds. */
  uptime: number;
  nodes: { total: number; online: number; offline: number };
  version: string;
}

export interface AccessInfo {
  pubkey: string;
  role: string;
  authid: string;
  label: string | null;
  created: string;
}
