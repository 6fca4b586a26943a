/**
 * Host statistics for the node controller's `get_system_stats()` and the `system` part of
 * its heartbeat, with Crossbar.io's key names and psutil's semantics, read from /proc.
 *
 * The raw readings are shared by every `SystemStats` in the process for `shareMs`: a
 * process simulating thousands of nodes then reads /proc once per window instead of once
 * per node (on a busy host `/proc/net/tcp` alone is megabytes). Each instance keeps its
 * own previous reading, so CPU shares and `elapsed` are per instance.
 * @module
 */
import { readdir } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { featureUnavailable } from './errors.js';
import {
  type CpuField,
  type DiskCounters,
  type MemoryStats,
  type NetCounters,
  cpuPercent,
  parseCpuFreq,
  parseDiskstats,
  parseMeminfo,
  parseNetDev,
  parseProcStat,
} from './proc-parse.js';
import { countLines, readOptional } from './procfs.js';

export type { DiskCounters, MemoryStats, NetCounters } from './proc-parse.js';

export type CpuStats = Record<CpuField, number> & {
  /** Mean current frequency in MHz (`null` where /proc/cpuinfo does not list it). */
  freq: number | null;
  ctx_switches: number;
  interrupts: number;
  soft_interrupts: number;
};

export interface ConnectionCounts {
  AF_INET: number;
  AF_INET6: number;
  AF_UNIX: number;
}

export interface SystemStatsResult {
  /** When the sample was taken, ns since the epoch. */
  timestamp: number;
  /** ns since this instance's previous sample (since boot for the first one). */
  elapsed: number;
  /** ns since boot. Crossbar.io reports all durations in ns. */
  uptime: number;
  /** CPU time shares in percent over `elapsed`, plus cumulative counters. */
  cpu: CpuStats;
  memory: MemoryStats;
  /** Cumulative counters over all interfaces, and the sockets open on the host now. */
  network: NetCounters & { connection: ConnectionCounts };
  /** Cumulative counters over whole disks. */
  disk: DiskCounters;
}

export interface SystemStatsOptions {
  /** How long raw readings are shared between instances, ms (0 = always read). */
  shareMs?: number;
}

interface Raw {
  /** performance.now() when read. */
  at: number;
  stat: ReturnType<typeof parseProcStat>;
  memory: MemoryStats;
  freq: number | null;
  net: NetCounters;
  connection: ConnectionCounts;
  disk: DiskCounters;
  uptimeSec: number;
}

let shared: Raw | undefined;
let reading: Promise<Raw> | undefined;

/** Names in /sys/block: the whole disks (partitions live below them). */
async function wholeDisks(): Promise<Set<string> | undefined> {
  try {
    // Device names with "/" (cciss/c0d0) appear in /sys/block with "!".
    return new Set((await readdir('/sys/block')).map((n) => n.replace(/!/g, '/')));
  } catch {
    return undefined;
  }
}

async function readRaw(): Promise<Raw> {
  const [stat, meminfo, cpuinfo, netdev, diskstats, uptime, disks, tcp, udp, tcp6, udp6, unix] =
    await Promise.all([
      readOptional('/proc/stat'),
      readOptional('/proc/meminfo'),
      readOptional('/proc/cpuinfo'),
      readOptional('/proc/net/dev'),
      readOptional('/proc/diskstats'),
      readOptional('/proc/uptime'),
      wholeDisks(),
      countLines('/proc/net/tcp'),
      countLines('/proc/net/udp'),
      countLines('/proc/net/tcp6'),
      countLines('/proc/net/udp6'),
      countLines('/proc/net/unix'),
    ]);
  if (stat === null || meminfo === null) {
    throw featureUnavailable('system statistics need /proc (not available on this host)');
  }
  // Each of these files has one header line; an absent file counted 0 lines.
  const entries = (n: number): number => Math.max(0, n - 1);
  return {
    at: performance.now(),
    stat: parseProcStat(stat),
    memory: parseMeminfo(meminfo),
    freq: cpuinfo === null ? null : parseCpuFreq(cpuinfo),
    net: parseNetDev(netdev ?? ''),
    connection: {
      AF_INET: entries(tcp) + entries(udp),
      AF_INET6: entries(tcp6) + entries(udp6),
      AF_UNIX: entries(unix),
    },
    disk: parseDiskstats(diskstats ?? '', disks && ((name) => disks.has(name))),
    uptimeSec: Number.parseFloat(uptime ?? '0') || 0,
  };
}

/** A raw reading no older than `maxAgeMs`; concurrent callers share one read. */
async function raw(maxAgeMs: number): Promise<Raw> {
  if (maxAgeMs > 0 && shared && performance.now() - shared.at <= maxAgeMs) return shared;
  if (!reading) {
    reading = readRaw().finally(() => {
      reading = undefined;
    });
  }
  const r = await reading;
  shared = r;
  return r;
}

/** Samples host statistics; each instance measures CPU shares since its previous sample. */
export class SystemStats {
  private readonly shareMs: number;
  private prevTicks: number[] | undefined;
  private prevHr: bigint | undefined;

  constructor(options: SystemStatsOptions = {}) {
    this.shareMs = Math.max(0, options.shareMs ?? 1000);
  }

  async sample(): Promise<SystemStatsResult> {
    const r = await raw(this.shareMs);
    const hr = process.hrtime.bigint();
    const uptime = Math.round(r.uptimeSec * 1e9);
    const elapsed = this.prevHr === undefined ? uptime : Number(hr - this.prevHr);
    const shares = cpuPercent(r.stat.ticks, this.prevTicks);
    this.prevTicks = r.stat.ticks;
    this.prevHr = hr;
    return {
      timestamp: Math.round((performance.timeOrigin + performance.now()) * 1e6),
      elapsed,
      uptime,
      cpu: {
        ...shares,
        freq: r.freq,
        ctx_switches: r.stat.ctxSwitches,
        interrupts: r.stat.interrupts,
        soft_interrupts: r.stat.softInterrupts,
      },
      memory: { ...r.memory },
      network: { ...r.net, connection: { ...r.connection } },
      disk: { ...r.disk },
    };
  }
}
