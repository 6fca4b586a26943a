/**
 * Worker logs: each line a worker writes (split by `@cdc/supervisor`) becomes an entry in a
 * per-worker ring buffer (for `get_worker_log`) and goes out live on
 * `crossbar.worker.<id>.on_log`. Native workers log pino JSON lines; anything else (guests,
 * crashes) is kept as plain text.
 * @module
 */

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface LogEntry {
  /** ISO 8601 UTC. */
  time: string;
  level: LogLevel;
  message: string;
  /** Where the line came from. */
  source: 'stdout' | 'stderr' | 'controller';
  /** Structured fields of a JSON log line (without time/level/msg). */
  fields?: Record<string, unknown>;
}

const PINO_LEVELS: Record<number, LogLevel> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};
const SKIP = new Set(['level', 'time', 'msg', 'pid', 'hostname']);
/** Control characters other than tab (ANSI colour codes and the like) do not belong in a log. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /\u001b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** Parse one output line of a worker into a log entry. */
export function parseLogLine(line: string, source: 'stdout' | 'stderr'): LogEntry {
  const text = line.replace(CONTROL, '');
  if (text.startsWith('{')) {
    try {
      const rec = JSON.parse(text) as Record<string, unknown>;
      if (typeof rec['level'] === 'number' && typeof rec['msg'] === 'string') {
        const fields: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(rec)) if (!SKIP.has(k)) fields[k] = v;
        const time =
          typeof rec['time'] === 'number'
            ? new Date(rec['time']).toISOString()
            : new Date().toISOString();
        const entry: LogEntry = {
          time,
          level: PINO_LEVELS[rec['level']] ?? 'info',
          message: rec['msg'],
          source,
        };
        if (Object.keys(fields).length > 0) entry.fields = fields;
        return entry;
      }
    } catch {
      // Not JSON after all: keep it as text.
    }
  }
  return {
    time: new Date().toISOString(),
    level: source === 'stderr' ? 'warn' : 'info',
    message: text,
    source,
  };
}

export class LogBuffer {
  private readonly entries: LogEntry[] = [];
  private start = 0;

  constructor(readonly capacity = 1000) {}

  push(entry: LogEntry): void {
    if (this.entries.length < this.capacity) this.entries.push(entry);
    else {
      this.entries[this.start] = entry;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** The last `limit` entries, oldest first. */
  tail(limit = 100): LogEntry[] {
    const ordered = [...this.entries.slice(this.start), ...this.entries.slice(0, this.start)];
    return limit <= 0 ? [] : ordered.slice(-limit);
  }

  get size(): number {
    return this.entries.length;
  }
}
