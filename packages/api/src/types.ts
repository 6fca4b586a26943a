/**
 * Result types of the public API.
 * @module
 */
import type { NativeWorkerOptions, RouterWorkerConfig } from '@cdc/config';

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

/** SPEC §7: what `create_token` answers; `token` (the secret) is shown this once. */
export interface CreatedToken {
  token_id: string;
  token: string;
  expires_at: string | null;
}

/** SPEC §7: a token as `list_tokens` shows it (never its secret). */
export interface TokenInfo {
  token_id: string;
  label: string;
  role: string;
  created: string;
  created_by: string;
  expires_at: string | null;
  last_used: string | null;
}

/** What `revoke_token` answers. */
export interface RevokedToken {
  token_id: string;
  label: string;
  sessions_closed: number;
}

/** What the configuration API stores per worker: should it run. */
export type DesiredStatus = 'started' | 'stopped';

/** `list_workers`: the workers configured for a node in the database. */
export interface ConfiguredWorker {
  worker_id: string;
  type: 'router' | 'container' | 'guest';
  status: DesiredStatus;
}

/** `list_node_workers`: a worker running on the node now. */
export interface LiveWorkerInfo {
  worker_id: string;
  type: string;
  status: string;
  pid: number | null;
  started: string | null;
  uptime: number | null;
  /** Worker options, where the node reports them (ours do). */
  options: NativeWorkerOptions | undefined;
}

/** `get_router`: stored against running, and whether they differ. */
export interface RouterState {
  node_id: string;
  router_id: string;
  config: RouterWorkerConfig;
  desired: DesiredStatus;
  /** `started`, `stopped`, `offline` (the node is not connected), or the worker's own status. */
  status: string;
  /** The router as the node runs it, every part with its ID. */
  running_config: RouterWorkerConfig | null;
  /** Running other than stored, or not running though it should. */
  drift: boolean;
  /** The differences, one line each (`realm realm2 added`). */
  changes: string[];
  /**
   * Some of the changes only a restart of the worker applies (its options): `reload_router`
   * refuses them with `restart_required` unless asked to restart.
   */
  restart_required?: boolean;
}

/** `create_router`, `modify_router`: the router as stored now. */
export interface StoredRouter {
  node_id: string;
  router_id: string;
  config: RouterWorkerConfig;
  desired: DesiredStatus;
}

/** `start_router`, `stop_router`. */
export interface RouterAction {
  node_id: string;
  router_id: string;
  status: string;
  desired?: DesiredStatus;
  started_at?: string;
}

/** `reload_router`. */
export interface ReloadResult {
  node_id: string;
  router_id: string;
  restarted: boolean;
  changes: string[];
}

/** `get_stats`: process statistics of a worker (less for a guest). */
export interface WorkerStats {
  worker_id: string;
  type: string;
  status: string;
  pid: number | null;
  uptime: number | null;
  cpu_affinity?: unknown;
  cpu_times?: { user: unknown; system: unknown };
  memory?: Record<string, number | null>;
  open_files?: unknown;
  threads?: unknown;
  io?: { read_bytes: unknown; write_bytes: unknown };
  ctx_switches?: { voluntary: unknown; involuntary: unknown };
  created?: unknown;
}

/** What `profile_worker` returns: a V8 CPU profile summarized by the node. */
export interface FunctionSummary {
  name: string;
  url: string;
  /** 1-based; 0 when unknown (native and VM entries). */
  line: number;
  /** ms spent in the function itself. */
  self: number;
  /** ms spent in it and its callees (recursion counted once). */
  total: number;
  self_percent: number;
  total_percent: number;
}

export interface TreeNode {
  name: string;
  url: string;
  line: number;
  self_percent: number;
  total_percent: number;
  children: TreeNode[];
}

export interface ProfileSummary {
  samples: number;
  /** Wall-clock span of the profile. */
  duration_ms: number;
  sampling_interval_us: number;
  /** Active (non-idle) time: the base of every percentage. */
  total_ms: number;
  idle_ms: number;
  /** Functions with at least `prunePercent` total share, by total share descending. */
  functions: FunctionSummary[];
  /** The call tree from `(root)`: children below `prunePercent` and below `pruneLevel` cut. */
  tree: TreeNode;
}

/** A record of the audit log (`get_audit_log`, SPEC §4.7). */
export interface AuditEntry {
  id: number;
  /** ISO 8601 UTC. */
  time: string;
  authid: string;
  role: string;
  /** `name@version`. */
  procedure: string;
  /** The arguments, secrets removed. */
  args: unknown[];
  kwargs: Record<string, unknown>;
  outcome: 'ok' | 'error';
  /** The error URI when the outcome is `error`. */
  error: string | null;
  message: string | null;
}

/** `get_audit_log`'s filter: only the keys given apply; newest first. */
export interface AuditFilter {
  /** ISO 8601: records from this time on. */
  since?: string;
  /** ISO 8601: records up to this time. */
  until?: string;
  authid?: string;
  /** `name@version`. */
  procedure?: string;
  outcome?: 'ok' | 'error';
  /** At most this many records. */
  limit?: number;
}
