/**
 * Output for people (tables, aligned key/value lists) and for scripts (`--json`).
 * @module
 */

/** A CLI argument as a value: JSON when it parses, else the string itself. */
export function parseValue(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Rows of objects as an aligned table with the union of their keys as columns. */
export function table(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '(none)\n';
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cells = rows.map((r) => cols.map((c) => cell(r[c])));
  const widths = cols.map((c, i) =>
    Math.max(c.length, ...cells.map((row) => (row[i] ?? '').length)),
  );
  const line = (vals: string[]): string =>
    vals
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(cols.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n') + '\n';
}

/** An object as `key  value` lines. */
export function keyValues(obj: Record<string, unknown>): string {
  const keys = Object.keys(obj);
  const w = Math.max(0, ...keys.map((k) => k.length));
  return keys.map((k) => `${k.padEnd(w)}  ${cell(obj[k])}`).join('\n') + '\n';
}

export function printResult(value: unknown, json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(value, null, 2) + '\n');
    return;
  }
  if (
    Array.isArray(value) &&
    value.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v))
  ) {
    process.stdout.write(table(value as Record<string, unknown>[]));
  } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    process.stdout.write(keyValues(value as Record<string, unknown>));
  } else if (Array.isArray(value)) {
    process.stdout.write(value.map(cell).join('\n') + (value.length > 0 ? '\n' : '(none)\n'));
  } else process.stdout.write(`${cell(value)}\n`);
}
