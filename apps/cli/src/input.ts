/**
 * Reading what the operator typed: JSON files, JSON on the command line, numbers, CPU lists
 * and times. Every problem is a CliError naming the file or option, raised before the CLI
 * connects anywhere.
 * @module
 */
import { readFileSync } from 'node:fs';
import { CliError } from './errors.js';
import { errorMessage } from '@cdc/protocol';

export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${path}: ${errorMessage(e)}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${path} is not valid JSON: ${errorMessage(e)}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A JSON file that must hold an object (a config). */
export function readJsonObject(path: string): Record<string, unknown> {
  const v = readJsonFile(path);
  if (!isObject(v)) throw new CliError(`${path} must hold a JSON object`);
  return v;
}

/** JSON given inline (starting with `{` or `[`) or as a file name, holding an object. */
export function jsonObjectArg(value: string, option: string): Record<string, unknown> {
  const text = value.trimStart();
  let v: unknown;
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new CliError(`${option} is not valid JSON: ${errorMessage(e)}`);
    }
    if (!isObject(v)) throw new CliError(`${option} must be a JSON object`);
    return v;
  }
  return readJsonObject(value);
}

/** An integer from `min` up (to `max`), e.g. `--limit`. */
export function intArg(value: string, option: string, min: number, max?: number): number {
  const n = /^[+-]?\d+$/.test(value.trim()) ? Number(value) : NaN;
  const range = max === undefined ? `${min} or more` : `from ${min} to ${max}`;
  if (!Number.isSafeInteger(n) || n < min || (max !== undefined && n > max))
    throw new CliError(`${option} takes an integer ${range}, got "${value}"`);
  return n;
}

/** A number in a range, e.g. `--prune-percent`; `minExclusive` for "more than `min`". */
export function numberArg(
  value: string,
  option: string,
  range: { min: number; max?: number; minExclusive?: boolean },
): number {
  const n = value.trim() === '' ? NaN : Number(value);
  const low = range.minExclusive === true ? n > range.min : n >= range.min;
  if (!Number.isFinite(n) || !low || (range.max !== undefined && n > range.max)) {
    const from = range.minExclusive === true ? `more than ${range.min}` : `from ${range.min}`;
    const to = range.max !== undefined ? ` to ${range.max}` : range.minExclusive ? '' : ' up';
    throw new CliError(`${option} takes a number ${from}${to}, got "${value}"`);
  }
  return n;
}

/** CPU numbers: `0,1,4` or ranges `0-3,6`. */
export function cpuListArg(value: string, option: string): number[] {
  const cpus = new Set<number>();
  for (const part of value.split(',').map((p) => p.trim())) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    const from = Number(m?.[1]);
    const to = m?.[2] !== undefined ? Number(m[2]) : from;
    if (m === null || to < from || to > 4095)
      throw new CliError(`${option} takes CPU numbers like 0,1 or 0-3, got "${value}"`);
    for (let c = from; c <= to; c++) cpus.add(c);
  }
  return [...cpus].sort((a, b) => a - b);
}

/** A point in time, as ISO 8601 UTC (`2024-05-01`, `2024-05-01T12:00:00+02:00`, …). */
export function isoTimeArg(value: string, option: string): string {
  const t = /^\d{4}-\d{2}-\d{2}/.test(value.trim()) ? Date.parse(value) : NaN;
  if (Number.isNaN(t))
    throw new CliError(
      `${option} takes an ISO 8601 time like 2024-05-01T12:00:00Z, got "${value}"`,
    );
  return new Date(t).toISOString();
}

/** One of a few words. */
export function choiceArg<T extends string>(
  value: string,
  option: string,
  choices: readonly T[],
): T {
  if (!(choices as readonly string[]).includes(value))
    throw new CliError(`${option} takes one of ${choices.join(', ')}, got "${value}"`);
  return value as T;
}
