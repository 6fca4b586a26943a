/**
 * Structured logs with pino: JSON lines when stdout is not a terminal (for collectors),
 * one readable line per record on a terminal.
 * @module
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger as PinoLogger } from 'pino';

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const SKIP = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'name']);

function human(line: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = new Date(rec['time'] as number).toISOString();
  const level = LEVELS[rec['level'] as number] ?? String(rec['level']);
  const name = typeof rec['name'] === 'string' ? ` [${rec['name']}]` : '';
  const extra = Object.entries(rec)
    .filter(([k]) => !SKIP.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${time} ${level.padEnd(5)}${name} ${typeof rec['msg'] === 'string' ? rec['msg'] : ''}${extra !== '' ? ` ${extra}` : ''}\n`;
}

export function createLogger(
  options: { level?: string; name?: string; json?: boolean } = {},
): PinoLogger {
  const json = options.json ?? !process.stdout.isTTY;
  const base = {
    level: options.level ?? process.env['CDC_LOG_LEVEL'] ?? 'info',
    ...(options.name !== undefined ? { name: options.name } : {}),
  };
  if (json) return pino(base);
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line !== '') process.stdout.write(human(line));
      cb();
    },
  });
  return pino(base, out);
}
