/**
 * Process information and statistics from `/proc/<pid>`, for the native-process procedures
 * `get_process_info()`, `get_process_stats()`, `get_process_monitor()` and
 * `set_process_stats_monitoring(interval)`, and for the `process` dict of worker
 * heartbeats (same key names as Crossbar.io's; psutil semantics).
 *
 * Fields another user's process does not let us read (`io`, `fd`, `exe`, `cwd`) are `null`,
 * not errors: a monitor must keep reporting what it can see.
 * @module
 */
import { readdir, readFile, readlink } from 'node:fs/promises';
import { checkPid, invalidArgument, runtimeError } from './errors.js';
import { USER_HZ, field, numField, parseCpuList, readOptional, requireProc } from './procfs.js';

export interface ProcessMemory {
  /** Resident set size, bytes. */
  rss: number;
  /** Virtual memory size, bytes. */
  vms: number;
  /** Resident file-backed and shared memory, bytes. */
  shared: number;
  /** Executable code, bytes. */
  text: number;
  /** Data and stack, bytes. */
  data: number;
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  name: string;
  exe: string | null;
  cmdline: string[];
  cwd: string | null;
  uid: number | null;
  gid: number | null;
  username: string | null;
  /** ISO 8601 (UTC) start time. */
  created: string;
  status: string;
  num_threads: number;
  num_fds: number | null;
  cpu_affinity: number[];
  memory: ProcessMemory;
}

export interface ProcessStats {
  /** ISO 8601 (UTC) time of the reading. */
  timestamp: string;
  pid: number;
  status: string;
  num_fds: number | null;
  num_threads: number;
  num_ctx_switches_voluntary: number | null;
  num_ctx_switches_involuntary: number | null;
  /** Read/write syscalls and storage bytes (`/proc/<pid>/io`); `null` when not readable. */
  read_ios: number | null;
  write_ios: number | null;
  read_bytes: number | null;
  write_bytes: number | null;
  /** CPU seconds in user and kernel mode. */
  cpu_user: number;
  cpu_system: number;
  memory_rss: number;
  memory_vms: number;
}

/** psutil's names for the process states of `/proc/<pid>/stat`. */
const STATES: Record<string, string> = {
  R: 'running',
  S: 'sleeping',
  D: 'disk-sleep',
  T: 'stopped',
  t: 'tracing-stop',
  Z: 'zombie',
  X: 'dead',
  x: 'dead',
  K: 'wake-kill',
  W: 'waking',
  P: 'parked',
  I: 'idle',
};

interface Stat {
  comm: string;
  state: string;
  ppid: number;
  utime: number;
  stime: number;
  numThreads: number;
  starttime: number;
  vsize: number;
}

/** `/proc/<pid>/stat`; the name sits in parentheses and may itself contain ") ". */
function parseStat(text: string): Stat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 of proc(5), so field n is rest[n - 3].
  const n = (f: number): number => Number.parseInt(rest[f - 3] ?? '0', 10) || 0;
  return {
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: n(4),
    utime: n(14),
    stime: n(15),
    numThreads: n(20),
    starttime: n(22),
    vsize: n(23),
  };
}

/** Reads the files every call needs; a missing process is `invalid_argument` naming `pid`. */
async function readBase(pid: number): Promise<{ stat: Stat; status: string }> {
  await requireProc();
  const [stat, status] = await Promise.all([
    readOptional(`/proc/${pid}/stat`),
    readOptional(`/proc/${pid}/status`),
  ]);
  if (stat === null || status === null) {
    throw invalidArgument('pid', `no process with PID ${pid}`);
  }
  return { stat: parseStat(stat), status };
}

async function numFds(pid: number): Promise<number | null> {
  try {
    return (await readdir(`/proc/${pid}/fd`)).length;
  } catch {
    return null;
  }
}

async function link(path: string): Promise<string | null> {
  try {
    // A deleted executable reads as "/path (deleted)"; psutil strips the suffix too.
    return (await readlink(path)).replace(/ \(deleted\)$/, '');
  } catch {
    return null;
  }
}

function memoryOf(status: string, stat: Stat): ProcessMemory {
  const kb = (key: string): number => numField(status, key) ?? 0;
  return {
    rss: kb('VmRSS'),
    vms: numField(status, 'VmSize') ?? stat.vsize,
    shared: kb('RssFile') + kb('RssShmem'),
    text: kb('VmExe'),
    data: kb('VmData') + kb('VmStk'),
  };
}

/** The real ID of a `Uid:`/`Gid:` status line (real, effective, saved, fs). */
function realId(status: string, key: string): number | null {
  const v = field(status, key);
  const n = v === undefined ? Number.NaN : Number.parseInt(v, 10);
  return Number.isNaN(n) ? null : n;
}

async function username(uid: number | null): Promise<string | null> {
  if (uid === null) return null;
  let passwd: string;
  try {
    passwd = await readFile('/etc/passwd', 'utf8');
  } catch {
    return null;
  }
  for (const line of passwd.split('\n')) {
    const parts = line.split(':');
    if (parts[2] === String(uid)) return parts[0] ?? null;
  }
  return null;
}

let btimeCache: number | undefined;

/** Boot time in seconds since the epoch (fixed while the host runs). */
async function btime(): Promise<number> {
  if (btimeCache === undefined) {
    const text = (await readOptional('/proc/stat')) ?? '';
    const m = /^btime (\d+)/m.exec(text);
    if (!m?.[1]) throw runtimeError('cannot read the boot time from /proc/stat');
    btimeCache = Number.parseInt(m[1], 10);
  }
  return btimeCache;
}

/** Static-ish facts about a process (default: this one). */
export async function processInfo(pid: number = process.pid): Promise<ProcessInfo> {
  checkPid(pid);
  const { stat, status } = await readBase(pid);
  const [cmdlineText, exe, cwd, fds, boot] = await Promise.all([
    readOptional(`/proc/${pid}/cmdline`),
    link(`/proc/${pid}/exe`),
    link(`/proc/${pid}/cwd`),
    numFds(pid),
    btime(),
  ]);
  const cmdline = (cmdlineText ?? '').split('\0');
  // A process that set its title (our workers do) leaves the rest of its argv area as NULs.
  while (cmdline.length > 0 && cmdline[cmdline.length - 1] === '') cmdline.pop();
  // comm is cut at 15 characters; like psutil, take the full name from argv[0] then.
  let name = stat.comm;
  const argv0 = cmdline[0]?.split('/').pop();
  if (name.length >= 15 && argv0?.startsWith(name)) name = argv0;
  const uid = realId(status, 'Uid');
  return {
    pid,
    ppid: stat.ppid,
    name,
    exe,
    cmdline,
    cwd,
    uid,
    gid: realId(status, 'Gid'),
    username: await username(uid),
    created: new Date((boot + stat.starttime / USER_HZ) * 1000).toISOString(),
    status: STATES[stat.state] ?? stat.state,
    num_threads: stat.numThreads,
    num_fds: fds,
    cpu_affinity: parseCpuList(field(status, 'Cpus_allowed_list') ?? ''),
    memory: memoryOf(status, stat),
  };
}

/** Cumulative counters of a process (default: this one), as in worker heartbeats. */
export async function processStats(pid: number = process.pid): Promise<ProcessStats> {
  checkPid(pid);
  const { stat, status } = await readBase(pid);
  const [io, fds] = await Promise.all([readOptional(`/proc/${pid}/io`), numFds(pid)]);
  const mem = memoryOf(status, stat);
  return {
    timestamp: new Date().toISOString(),
    pid,
    status: STATES[stat.state] ?? stat.state,
    num_fds: fds,
    num_threads: stat.numThreads,
    num_ctx_switches_voluntary: numField(status, 'voluntary_ctxt_switches') ?? null,
    num_ctx_switches_involuntary: numField(status, 'nonvoluntary_ctxt_switches') ?? null,
    read_ios: io === null ? null : (numField(io, 'syscr') ?? null),
    write_ios: io === null ? null : (numField(io, 'syscw') ?? null),
    read_bytes: io === null ? null : (numField(io, 'read_bytes') ?? null),
    write_bytes: io === null ? null : (numField(io, 'write_bytes') ?? null),
    cpu_user: stat.utime / USER_HZ,
    cpu_system: stat.stime / USER_HZ,
    memory_rss: mem.rss,
    memory_vms: mem.vms,
  };
}

const MAX_INTERVAL = 2_147_483;

/** What `get_process_monitor()` returns: the monitor's interval and its last sample. */
export type ProcessMonitorStatus = { interval: number } & Partial<ProcessStats>;

/**
 * Samples `processStats(pid)` every `interval` seconds, for
 * `set_process_stats_monitoring(interval)`; `onSample` publishes (`.on_process_stats`). The
 * first sample is taken at once. Timers are unref'd: monitoring alone keeps no process
 * alive. A process that disappears stops its monitor (interval back to 0).
 */
export class ProcessMonitor {
  private timer: NodeJS.Timeout | undefined;
  private seconds = 0;
  private sample: ProcessStats | undefined;
  private seq = 0;
  private busy = false;

  constructor(
    readonly pid: number,
    private readonly onSample?: (stats: ProcessStats, seq: number) => void,
    private readonly onError?: (err: unknown) => void,
  ) {
    checkPid(pid);
  }

  /** Seconds between samples; 0 = off. */
  get interval(): number {
    return this.seconds;
  }

  /** Starts, restarts with a new interval, or (0) stops monitoring. */
  setInterval(seconds: number): void {
    // Node timers cannot wait longer than 2^31 - 1 ms (about 24.8 days).
    if (typeof seconds !== 'number' || !(seconds >= 0 && seconds <= MAX_INTERVAL)) {
      throw invalidArgument(
        'interval',
        `must be a number of seconds from 0 (off) to ${MAX_INTERVAL}, got ${JSON.stringify(seconds)}`,
      );
    }
    this.stop();
    if (seconds === 0) return;
    this.seconds = seconds;
    // Below 10 ms the monitor would mostly measure itself.
    this.timer = setInterval(() => void this.tick(), Math.max(10, seconds * 1000));
    this.timer.unref();
    void this.tick();
  }

  /** The most recent sample, if any was taken. */
  last(): ProcessStats | undefined {
    return this.sample;
  }

  status(): ProcessMonitorStatus {
    return { ...this.sample, interval: this.seconds };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.seconds = 0;
  }

  private async tick(): Promise<void> {
    // A slow /proc read must not pile up readings behind it.
    if (this.busy) return;
    this.busy = true;
    const timer = this.timer;
    let stats: ProcessStats;
    try {
      stats = await processStats(this.pid);
    } catch (err) {
      if (this.timer === timer) this.stop();
      this.onError?.(err);
      return;
    } finally {
      this.busy = false;
    }
    if (this.timer !== timer) return; // stopped or restarted meanwhile
    this.sample = stats;
    try {
      this.onSample?.(stats, ++this.seq);
    } catch (err) {
      // A failing subscriber must not become an unhandled rejection of the timer.
      this.onError?.(err);
    }
  }
}
