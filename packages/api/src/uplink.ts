/**
 * The node ↔ center uplink protocol, as a Crossbar.io edge node speaks it (SPEC §5.1,
 * reference crossbar-master.md §1 and crossbar-master-wire.md).
 * @module
 */
import { LOCAL_PREFIX } from './node-uri.js';

/** Every controller procedure `crossbar.<suffix>` appears upstream under this prefix + node ID. */
export const NODE_PREFIX = 'crossbarfabriccenter.node.';

export function nodeProcedure(nodeId: string, suffix: string): string {
  return `${NODE_PREFIX}${nodeId}.${suffix}`;
}

/** `crossbar.worker.w1.get_status` → `crossbarfabriccenter.node.<id>.worker.w1.get_status`. */
export function upstreamUri(nodeId: string, localUri: string): string | undefined {
  return localUri.startsWith(LOCAL_PREFIX)
    ? nodeProcedure(nodeId, localUri.slice(LOCAL_PREFIX.length))
    : undefined;
}

/** Node heartbeat: `(node_id, heartbeat)`, every heartbeat period (10 s). */
export const HEARTBEAT_TOPIC = 'crossbarfabriccenter.node.on_heartbeat';
/** Worker heartbeat: `(node_id, worker_id, stats)`. */
export const WORKER_HEARTBEAT_TOPIC = 'crossbarfabriccenter.node.on_worker_heartbeat';
/** Registered by the center on each management realm; nodes poll it before they consider themselves managed. */
export const MREALM_GET_STATUS = 'crossbarfabriccenter.mrealm.get_status';

export const HEARTBEAT_PERIOD_S = 10;
export const HEARTBEAT_STARTUP_DELAY_S = 5;

/** What a node heartbeat carries (Crossbar.io's shape; `pubkey`, `type`, `version` are ours). */
export interface Heartbeat {
  /** Nanoseconds since the epoch. */
  timestamp: number;
  period: number;
  mrealm_id: string;
  seq: number;
  workers: Record<string, number>;
  /** The node's `get_system_stats` (`SystemStats`). */
  system?: Record<string, unknown>;
  state?: number;
  /** Our nodes say what they are; Crossbar.io nodes do not. */
  type?: 'cdc' | 'crossbar';
  version?: string;
}
