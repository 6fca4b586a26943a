/**
 * Reading Linux `/proc` and `/sys`: file access with the errors that matter told apart,
 * line counting without buffering whole files, and the small text formats shared by
 * several files (`Key:\tvalue` lines, CPU range lists like `0-3,8`).
 * @module
 */
import { open, readFile } from 'node:fs/promises';
import { errnoCode, featureUnavailable, runtimeError } from './errors.js';

/**
 * Clock ticks per second of the `/proc` tick counters (USER_HZ). It is part of the
 * kernel ABI and 100 on every mainstream architecture; Node cannot call sysconf().
 */
export const USER_HZ = 100;

/** Errors meaning "not there or not for us": the caller reports `null` or "no such process". */
const ABSENT = new Set(['ENOENT', 'ESRCH', 'EACCES', 'EPERM', 'EINVAL', 'ENOTDIR']);

/** The file's text, or `null` when it does not exist or may not be read. */
export async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (ABSENT.has(errnoCode(err) ?? '')) return null;
    throw runtimeError(`cannot read ${path}: ${String(err)}`, err);
  }
}

let procChecked: boolean | undefined;

/** Throws `feature_unavailable` when /proc is not mounted (containers without it, non-Linux). */
export async function requireProc(): Promise<void> {
  if (procChecked === undefined) procChecked = (await readOptional('/proc/self/stat')) !== null;
  if (!procChecked) throw featureUnavailable('/proc is not available on this host');
}

/** A free list of read buffers, so counting lines of big files allocates nothing per call. */
const buffers: Buffer[] = [];
const CHUNK = 64 * 1024;

/**
 * Number of newline-terminated lines in a file, or 0 when it is absent. Used for
 * `/proc/net/tcp` and friends, which can be megabytes on busy hosts (one line per socket,
 * TIME_WAIT included): counting chunk by chunk keeps that off the heap.
 */
export async function countLines(path: string): Promise<number> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    if (ABSENT.has(errnoCode(err) ?? '')) return 0;
    throw runtimeError(`cannot open ${path}: ${String(err)}`, err);
  }
  const buf = buffers.pop() ?? Buffer.allocUnsafe(CHUNK);
  let lines = 0;
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      let i = buf.indexOf(10, 0);
      while (i !== -1 && i < bytesRead) {
        lines++;
        i = buf.indexOf(10, i + 1);
      }
    }
  } finally {
    buffers.push(buf);
    await fh.close();
  }
  return lines;
}

/**
 * The value of a `Key:  value` line (`/proc/<pid>/status`, `/proc/meminfo`, `/proc/cpuinfo`
 * with tabs before the colon), trimmed; `undefined` when the key is absent. Scans the text
 * instead of splitting it into a map, since callers want a handful of keys.
 */
export function field(text: string, key: string): string | undefined {
  let at = 0;
  for (;;) {
    const i = text.indexOf(key, at);
    if (i === -1) return undefined;
    at = i + key.length;
    if (i !== 0 && text.charCodeAt(i - 1) !== 10) continue;
    // The key must be followed by optional blanks and a colon, so "Cpus_allowed" does not
    // match "Cpus_allowed_list".
    let j = at;
    while (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9) j++;
    if (text.charCodeAt(j) !== 58) continue;
    const end = text.indexOf('\n', j);
    return text.slice(j + 1, end === -1 ? undefined : end).trim();
  }
}

/** A numeric `Key: value [kB]` field, in bytes when the unit is kB; `undefined` if absent. */
export function numField(text: string, key: string): number | undefined {
  const v = field(text, key);
  if (v === undefined) return undefined;
  const n = Number.parseInt(v, 10);
  if (Number.isNaN(n)) return undefined;
  return v.endsWith(' kB') ? n * 1024 : n;
}

/** Parses a kernel CPU list (`0-3,8,10-11`) into sorted CPU ids. */
export function parseCpuList(text: string): number[] {
  const out: number[] = [];
  for (const part of text.trim().split(',')) {
    if (part === '') continue;
    const dash = part.indexOf('-');
    const lo = Number.parseInt(dash === -1 ? part : part.slice(0, dash), 10);
    const hi = dash === -1 ? lo : Number.parseInt(part.slice(dash + 1), 10);
    if (Number.isNaN(lo) || Number.isNaN(hi)) continue;
    for (let c = lo; c <= hi; c++) out.push(c);
  }
  return out.sort((a, b) => a - b);
}

/** Formats CPU ids as a kernel CPU list (`[0,1,2,5]` → `0-2,5`), as taskset expects. */
export function formatCpuList(cpus: readonly number[]): string {
  const sorted = [...cpus].sort((a, b) => a - b);
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    const start = sorted[i] as number;
    let end = start;
    while (i + 1 < sorted.length && sorted[i + 1] === end + 1) end = sorted[++i] as number;
    parts.push(start === end ? `${start}` : `${start}-${end}`);
    i++;
  }
  return parts.join(',');
}
