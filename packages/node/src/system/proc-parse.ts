/**
 * Pure parsers for the host-wide `/proc` files behind the node's system statistics, each
 * summing the way psutil does (the numbers Crossbar.io reports come from psutil).
 * @module
 */
import { numField } from './procfs.js';

/** The tick columns of the `cpu` line of `/proc/stat`, in kernel order. */
export const CPU_FIELDS = [
  'user',
  'nice',
  'system',
  'idle',
  'iowait',
  'irq',
  'softirq',
  'steal',
  'guest',
  'guest_nice',
] as const;

export type CpuField = (typeof CPU_FIELDS)[number];

export interface ProcStat {
  /** Cumulative ticks per `CPU_FIELDS` entry (all CPUs). */
  ticks: number[];
  ctxSwitches: number;
  interrupts: number;
  softInterrupts: number;
  /** Boot time, seconds since the epoch. */
  btime: number;
}

function firstNumberAfter(text: string, prefix: string): number {
  const i = text.startsWith(prefix) ? 0 : text.indexOf(`\n${prefix}`);
  if (i === -1) return 0;
  const start = i === 0 ? prefix.length : i + 1 + prefix.length;
  return Number.parseInt(text.slice(start, start + 24), 10) || 0;
}

/** `/proc/stat`: the aggregate `cpu` line, `ctxt`, `intr` and `softirq` totals, `btime`. */
export function parseProcStat(text: string): ProcStat {
  const eol = text.indexOf('\n');
  const cpuLine = text.startsWith('cpu ') ? text.slice(4, eol === -1 ? undefined : eol) : '';
  const cols = cpuLine.trim().split(/\s+/);
  const ticks = CPU_FIELDS.map((_, i) => Number.parseInt(cols[i] ?? '0', 10) || 0);
  return {
    ticks,
    ctxSwitches: firstNumberAfter(text, 'ctxt '),
    interrupts: firstNumberAfter(text, 'intr '),
    softInterrupts: firstNumberAfter(text, 'softirq '),
    btime: firstNumberAfter(text, 'btime '),
  };
}

/**
 * CPU time shares between two tick readings, like psutil's `cpu_times_percent()`: the
 * base excludes guest and guest_nice because the kernel already counts them in user and
 * nice; each share is rounded to 0.1 and clamped to 0–100; no elapsed ticks give zeros.
 */
export function cpuPercent(
  now: readonly number[],
  prev: readonly number[] | undefined,
): Record<CpuField, number> {
  const delta = CPU_FIELDS.map((_, i) => (now[i] ?? 0) - (prev?.[i] ?? 0));
  let all = 0;
  for (let i = 0; i < 8; i++) all += delta[i] ?? 0;
  const out = {} as Record<CpuField, number>;
  CPU_FIELDS.forEach((name, i) => {
    const p = all > 0 ? (100 * (delta[i] ?? 0)) / all : 0;
    out[name] = Math.round(Math.min(100, Math.max(0, p)) * 10) / 10;
  });
  return out;
}

export interface MemoryStats {
  total: number;
  available: number;
  percent: number;
  used: number;
  free: number;
  active: number;
  inactive: number;
  buffers: number;
  cached: number;
  shared: number;
  slab: number;
}

/** `/proc/meminfo` → psutil's `virtual_memory()` (bytes; `cached` includes SReclaimable). */
export function parseMeminfo(text: string): MemoryStats {
  const get = (key: string): number => numField(text, key) ?? 0;
  const total = get('MemTotal');
  const free = get('MemFree');
  const buffers = get('Buffers');
  const cached = get('Cached') + get('SReclaimable');
  // Kernels before 3.14 lack MemAvailable; psutil then estimates it the same rough way.
  const available = numField(text, 'MemAvailable') ?? free + buffers + cached;
  let used = total - free - cached - buffers;
  if (used < 0) used = total - free;
  const percent = total > 0 ? Math.round(((total - available) / total) * 1000) / 10 : 0;
  return {
    total,
    available,
    percent,
    used,
    free,
    active: get('Active'),
    inactive: get('Inactive'),
    buffers,
    cached,
    shared: get('Shmem'),
    slab: get('Slab'),
  };
}

export interface NetCounters {
  bytes_sent: number;
  bytes_recv: number;
  packets_sent: number;
  packets_recv: number;
  errin: number;
  errout: number;
  dropin: number;
  dropout: number;
}

/** `/proc/net/dev` summed over every interface (psutil's `net_io_counters()`, lo included). */
export function parseNetDev(text: string): NetCounters {
  const out: NetCounters = {
    bytes_sent: 0,
    bytes_recv: 0,
    packets_sent: 0,
    packets_recv: 0,
    errin: 0,
    errout: 0,
    dropin: 0,
    dropout: 0,
  };
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    // The two header lines have "|" separators and no interface colon before them.
    if (colon === -1 || line.includes('|')) continue;
    const c = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    const n = (i: number): number => Number.parseInt(c[i] ?? '0', 10) || 0;
    out.bytes_recv += n(0);
    out.packets_recv += n(1);
    out.errin += n(2);
    out.dropin += n(3);
    out.bytes_sent += n(8);
    out.packets_sent += n(9);
    out.errout += n(10);
    out.dropout += n(11);
  }
  return out;
}

export interface DiskCounters {
  read_count: number;
  write_count: number;
  read_bytes: number;
  write_bytes: number;
  read_time: number;
  write_time: number;
  read_merged_count: number;
  write_merged_count: number;
  busy_time: number;
}

/** Partition names, for when /sys/block cannot tell whole disks apart. */
const PARTITION = /^(?:(?:[shv]d|xvd)[a-z]+\d+|.*\d+p\d+)$/;

/**
 * `/proc/diskstats` summed over whole disks (psutil's `disk_io_counters()`): partitions
 * would count the same I/O twice. `isDisk` says which names are disks (the entries of
 * /sys/block); without it a name pattern decides. Sectors are 512 bytes in this file
 * whatever the device's sector size; times are milliseconds.
 */
export function parseDiskstats(text: string, isDisk?: (name: string) => boolean): DiskCounters {
  const out: DiskCounters = {
    read_count: 0,
    write_count: 0,
    read_bytes: 0,
    write_bytes: 0,
    read_time: 0,
    write_time: 0,
    read_merged_count: 0,
    write_merged_count: 0,
    busy_time: 0,
  };
  for (const line of text.split('\n')) {
    const c = line.trim().split(/\s+/);
    // major minor name + at least 11 counters (kernels since 2.6.25).
    if (c.length < 14) continue;
    const name = c[2] ?? '';
    if (isDisk ? !isDisk(name) : PARTITION.test(name)) continue;
    const n = (i: number): number => Number.parseInt(c[i] ?? '0', 10) || 0;
    out.read_count += n(3);
    out.read_merged_count += n(4);
    out.read_bytes += n(5) * 512;
    out.read_time += n(6);
    out.write_count += n(7);
    out.write_merged_count += n(8);
    out.write_bytes += n(9) * 512;
    out.write_time += n(10);
    out.busy_time += n(12);
  }
  return out;
}

/** Mean `cpu MHz` over the processors of `/proc/cpuinfo`, rounded; `null` if not listed. */
export function parseCpuFreq(text: string): number | null {
  let sum = 0;
  let count = 0;
  let at = text.indexOf('cpu MHz');
  while (at !== -1) {
    const colon = text.indexOf(':', at);
    const v = Number.parseFloat(text.slice(colon + 1, colon + 24));
    if (!Number.isNaN(v)) {
      sum += v;
      count++;
    }
    at = text.indexOf('cpu MHz', colon);
  }
  return count > 0 ? Math.round(sum / count) : null;
}
