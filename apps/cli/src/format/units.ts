/**
 * Quantities for people: durations as `3m 12s`, times in local time on a terminal (ISO 8601
 * elsewhere, as `--json` always gives them), sizes in binary units.
 * @module
 */
import type { Style } from './style.js';

/** Seconds as the two largest units: `450 ms`, `44s`, `3m 12s`, `2h 5m`, `3d 4h`. */
export function duration(seconds: unknown): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return '-';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  const s = Math.floor(seconds);
  const parts: [number, string][] = [
    [Math.floor(s / 86_400), 'd'],
    [Math.floor((s % 86_400) / 3600), 'h'],
    [Math.floor((s % 3600) / 60), 'm'],
    [s % 60, 's'],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  return parts
    .slice(first, first + 2)
    .filter(([n], i) => i === 0 || n > 0)
    .map(([n, u]) => `${n}${u}`)
    .join(' ');
}

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * A point in time (ISO string, epoch milliseconds or Date): on a terminal in local time
 * (`2026-12-07 19:03:12`), else as ISO 8601 UTC, which scripts parse.
 */
export function timestamp(value: unknown, style: Style): string {
  if (value === null || value === undefined || value === '') return '-';
  const d =
    value instanceof Date
      ? value
      : typeof value === 'string' || typeof value === 'number'
        ? new Date(value)
        : undefined;
  if (d === undefined || Number.isNaN(d.getTime())) return JSON.stringify(value);
  if (!style.tty) return d.toISOString();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** How long ago a point in time was, as a duration (`3m 12s ago`). */
export function ago(value: unknown, now = Date.now()): string {
  const t =
    typeof value === 'string' || typeof value === 'number' ? new Date(value).getTime() : NaN;
  return Number.isNaN(t) ? '-' : `${duration(Math.max(0, now - t) / 1000)} ago`;
}

/** Bytes as `512 B`, `1.5 KiB`, `12.3 MiB`, `2.0 GiB`. */
export function bytes(n: unknown): string {
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}
