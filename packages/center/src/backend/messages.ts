/**
 * The center ↔ realm backend vocabulary on the backend's IPC channel (WAMP travels on the
 * same channel in `{wamp}` envelopes).
 * @module
 */

export interface StoreLocation {
  /** PostgreSQL URL, or none for SQLite files in `dir`. */
  url?: string | undefined;
  dir: string;
}

export type CenterCommand =
  | {
      cmd: 'init';
      realm: string;
      store: StoreLocation;
      started: string;
      version: string;
      heartbeatPeriodS: number;
      logLevel: string;
    }
  | { cmd: 'shutdown' };

export type BackendMessage =
  | { cmd: 'ready'; procedures: number }
  | { cmd: 'failed'; error: string }
  /** Node counts by status, for the center's metrics. */
  | { cmd: 'metrics'; nodes: Record<string, number> };

export function isCenterCommand(m: unknown): m is CenterCommand {
  return (
    typeof m === 'object' && m !== null && 'cmd' in m && (m.cmd === 'init' || m.cmd === 'shutdown')
  );
}

export function isBackendMessage(m: unknown): m is BackendMessage {
  return (
    typeof m === 'object' &&
    m !== null &&
    'cmd' in m &&
    ['ready', 'failed', 'metrics'].includes(String(m.cmd))
  );
}
