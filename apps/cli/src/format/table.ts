/**
 * Tables and key/value lists with named columns: each column says how its cells read and
 * may colour them; widths count the visible text, not escape codes.
 * @module
 */
import { paint } from './style.js';
import type { Paint, Style } from './style.js';

export interface Column<T> {
  header: string;
  cell: (row: T) => string;
  /** Numbers read best right-aligned. */
  align?: 'left' | 'right';
  paint?: (row: T) => Paint | undefined;
}

export function renderTable<T>(rows: readonly T[], columns: Column<T>[], style: Style): string {
  if (rows.length === 0) return '(none)\n';
  const cells = rows.map((r) => columns.map((c) => c.cell(r)));
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...cells.map((row) => (row[i] ?? '').length)),
  );
  const line = (vals: string[], row?: T): string =>
    columns
      .map((c, i) => {
        const v = vals[i] ?? '';
        const w = widths[i] ?? 0;
        // Colour the text, not its padding, so a line's end trims the same either way.
        const text = row !== undefined ? paint(style, c.paint?.(row), v) : v;
        const pad = ' '.repeat(Math.max(0, w - v.length));
        return c.align === 'right' ? pad + text : text + pad;
      })
      .join('  ')
      .trimEnd();
  const header = paint(style, 'bold', line(columns.map((c) => c.header)));
  return [header, ...cells.map((vals, i) => line(vals, rows[i]))].join('\n') + '\n';
}

/** `name  value` lines; a value may be coloured. */
export function renderFields(
  fields: [name: string, value: string, how?: Paint | undefined][],
  style: Style,
): string {
  const w = Math.max(0, ...fields.map(([k]) => k.length));
  return fields.map(([k, v, how]) => `${k.padEnd(w)}  ${paint(style, how, v)}`).join('\n') + '\n';
}
