/**
 * Where the management uplink goes, and how often it reports: the center's URL from the
 * node's `config.json` (`controller.cdc` / `controller.fabric`, Crossbar.io's blocks) or the
 * environment (`CDC_URL`, `CROSSBAR_FABRIC_URL`), and the heartbeat settings.
 * @module
 */
import { addressList } from '@cdc/client';
import type { ClientTransportConfig, NodeConfig, UplinkConfig } from '@cdc/config';
import { HEARTBEAT_PERIOD_S, HEARTBEAT_STARTUP_DELAY_S } from '@cdc/api';

export interface HeartbeatSettings {
  /** Seconds from joining to the first heartbeat. */
  startupDelay: number;
  /** Seconds between heartbeats. */
  period: number;
  /** Whether heartbeats carry `crossbar.get_system_stats`. */
  includeSystemStats: boolean;
}

export interface UplinkTarget {
  /**
   * `ws://…/ws`, `wss://…`, `rs://host:port`, …: one, or several instances of a clustered
   * center, tried in turn (SPEC §9).
   */
  urls: string[];
  /** Where the URL came from (for the log): a config path or an environment variable. */
  source: string;
  heartbeat: HeartbeatSettings;
  /** TLS client options from the transport's `endpoint.tls` (its `hostname` → SNI name). */
  tls?: { servername?: string } | undefined;
}

/** The outcome of resolving: a target, or why the node runs unmanaged. */
export type UplinkResolution =
  { kind: 'managed'; target: UplinkTarget } | { kind: 'unmanaged'; reason: string };

const ENV_VARS = ['CDC_URL', 'CROSSBAR_FABRIC_URL'] as const;

function heartbeatOf(block: UplinkConfig | undefined): HeartbeatSettings {
  const hb = block?.heartbeat;
  return {
    startupDelay: hb?.startup_delay ?? HEARTBEAT_STARTUP_DELAY_S,
    period: hb?.heartbeat_period ?? HEARTBEAT_PERIOD_S,
    includeSystemStats: hb?.include_system_stats ?? true,
  };
}

/**
 * The URL of a Crossbar.io client transport config. Its `url` is what Crossbar.io uses;
 * without one the endpoint gives host and port (WebSocket then on `/ws`, the CDC default).
 */
export function transportUrl(t: ClientTransportConfig): string | undefined {
  if (typeof t.url === 'string' && t.url !== '') return t.url;
  const e = t.endpoint;
  const tls = e.tls !== undefined;
  if (e.type === 'unix' && e.path !== undefined)
    return t.type === 'websocket' ? `ws+unix:${e.path}:/ws` : `unix:${e.path}`;
  if (e.type !== 'tcp' || e.port === undefined) return undefined;
  const host = e.host ?? '127.0.0.1';
  const h = host.includes(':') ? `[${host}]` : host;
  return t.type === 'websocket'
    ? `${tls ? 'wss' : 'ws'}://${h}:${e.port}/ws`
    : `${tls ? 'rss' : 'rs'}://${h}:${e.port}`;
}

function tlsOf(t: ClientTransportConfig): UplinkTarget['tls'] {
  const tls = t.endpoint.tls;
  if (tls === undefined) return undefined;
  const out: NonNullable<UplinkTarget['tls']> = {};
  if (typeof tls['hostname'] === 'string') out.servername = tls['hostname'];
  return out;
}

/**
 * Resolve the uplink. The config comes first, in this order: `controller.cdc.url`,
 * `controller.cdc.transport`, `controller.fabric.url`, `controller.fabric.transport`; a
 * transport of `null` there is an explicit "run unmanaged" that the environment does not
 * override. Then `CDC_URL`, then `CROSSBAR_FABRIC_URL`. Heartbeat settings come from the
 * block that gave the URL, else from whichever block has them. An explicit `url` (a program
 * embedding the node) beats all of these.
 */
export function resolveUplink(
  config: NodeConfig,
  env: Record<string, string | undefined> = process.env,
  url?: string,
): UplinkResolution {
  const c = config.controller ?? {};
  const fallbackHb = heartbeatOf(c.cdc?.heartbeat !== undefined ? c.cdc : c.fabric);
  if (url !== undefined)
    return {
      kind: 'managed',
      target: { urls: addressList(url), source: 'options', heartbeat: fallbackHb },
    };
  for (const name of ['cdc', 'fabric'] as const) {
    const block = c[name];
    if (block === undefined) continue;
    const hb = block.heartbeat !== undefined ? heartbeatOf(block) : fallbackHb;
    const urls = block.url === undefined ? [] : addressList(block.url);
    if (urls.length > 0)
      return {
        kind: 'managed',
        target: { urls, source: `controller.${name}.url`, heartbeat: hb },
      };
    if (block.transport === null)
      return { kind: 'unmanaged', reason: `controller.${name}.transport is null` };
    if (block.transport !== undefined) {
      const url = transportUrl(block.transport);
      if (url !== undefined)
        return {
          kind: 'managed',
          target: {
            urls: [url],
            source: `controller.${name}.transport`,
            heartbeat: hb,
            tls: tlsOf(block.transport),
          },
        };
    }
  }
  for (const v of ENV_VARS) {
    const urls = addressList(env[v] ?? '');
    if (urls.length > 0)
      return { kind: 'managed', target: { urls, source: v, heartbeat: fallbackHb } };
  }
  return {
    kind: 'unmanaged',
    reason: 'no controller.cdc.url, controller.fabric.transport, CDC_URL or CROSSBAR_FABRIC_URL',
  };
}
