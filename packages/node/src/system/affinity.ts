/**
 * CPU counts and CPU affinity, for the native-process procedures `get_cpu_count(logical)`,
 * `get_cpus()`, `get_cpu_affinity()` and `set_cpu_affinity(cpus, relative)`. Affinity is
 * read from `/proc/<pid>/status` and set with `taskset`, which reaches every thread of a
 * process (Node has no sched_setaffinity binding).
 * @module
 */
import { execFile } from 'node:child_process';
import { access, constants, readdir } from 'node:fs/promises';
import { cpus as osCpus } from 'node:os';
import { checkPid, featureUnavailable, invalidArgument, runtimeError } from './errors.js';
import { field, formatCpuList, parseCpuList, readOptional, requireProc } from './procfs.js';
import { errorMessage } from '@cdc/protocol';

/** The online CPU ids of this host (`/sys/devices/system/cpu/online`), sorted. */
export async function getCpus(): Promise<number[]> {
  const online = await readOptional('/sys/devices/system/cpu/online');
  if (online !== null) {
    const cpus = parseCpuList(online);
    if (cpus.length > 0) return cpus;
  }
  // Without sysfs (some containers) Node's view of the processors is the best there is.
  return osCpus().map((_, i) => i);
}

/**
 * Number of CPUs: logical (online CPUs) or physical (distinct cores, from the
 * `physical id`/`core id` pairs of /proc/cpuinfo, else sysfs topology). Where the
 * topology is not exposed, the logical count stands in rather than failing.
 */
export async function cpuCount(logical = true): Promise<number> {
  const cpus = await getCpus();
  if (logical) return cpus.length;
  const cores = new Set<string>();
  const cpuinfo = await readOptional('/proc/cpuinfo');
  for (const block of (cpuinfo ?? '').split(/\n\s*\n/)) {
    const socket = field(block, 'physical id');
    const core = field(block, 'core id');
    if (socket !== undefined && core !== undefined) cores.add(`${socket}/${core}`);
  }
  if (cores.size === 0) {
    const topo = '/sys/devices/system/cpu';
    for (const cpu of cpus) {
      const [socket, core] = await Promise.all([
        readOptional(`${topo}/cpu${cpu}/topology/physical_package_id`),
        readOptional(`${topo}/cpu${cpu}/topology/core_id`),
      ]);
      if (socket !== null && core !== null) cores.add(`${socket.trim()}/${core.trim()}`);
    }
  }
  return cores.size > 0 ? cores.size : cpus.length;
}

/** The CPUs a process (default: this one) may run on. */
export async function getCpuAffinity(pid: number = process.pid): Promise<number[]> {
  checkPid(pid);
  await requireProc();
  const status = await readOptional(`/proc/${pid}/status`);
  if (status === null) throw invalidArgument('pid', `no process with PID ${pid}`);
  const list = field(status, 'Cpus_allowed_list');
  if (list === undefined) throw featureUnavailable('this kernel does not report CPU affinity');
  return parseCpuList(list);
}

export interface SetCpuAffinityOptions {
  /** `cpus` are indexes into `getCpus()` (Crossbar.io's default) rather than CPU ids. */
  relative?: boolean;
  /** The taskset binary; by default the first of /usr/bin, /bin, /usr/sbin, /sbin. */
  taskset?: string;
}

const TASKSET_PATHS = ['/usr/bin/taskset', '/bin/taskset', '/usr/sbin/taskset', '/sbin/taskset'];

async function findTaskset(explicit: string | undefined): Promise<string> {
  for (const path of explicit === undefined ? TASKSET_PATHS : [explicit]) {
    try {
      await access(path, constants.X_OK);
      return path;
    } catch {
      // try the next one
    }
  }
  throw featureUnavailable('setting CPU affinity needs taskset (util-linux), which is missing');
}

/** Validates `cpus` against the online CPUs and turns them into CPU ids. */
function resolveCpus(cpus: unknown, online: readonly number[], relative: boolean): number[] {
  if (!Array.isArray(cpus) || cpus.length === 0) {
    throw invalidArgument('cpus', 'must be a non-empty list of CPU numbers');
  }
  const seen = new Set<number>();
  const ids: number[] = [];
  for (const c of cpus) {
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0) {
      throw invalidArgument('cpus', `must hold non-negative integers, got ${JSON.stringify(c)}`);
    }
    if (seen.has(c)) throw invalidArgument('cpus', `lists CPU ${c} twice`);
    seen.add(c);
    if (relative) {
      const id = online[c];
      if (id === undefined) {
        throw invalidArgument(
          'cpus',
          `relative CPU index ${c} is out of range: this host has ${online.length} CPUs (0-${online.length - 1})`,
        );
      }
      ids.push(id);
    } else {
      if (!online.includes(c)) {
        throw invalidArgument(
          'cpus',
          `CPU ${c} is not online on this host (online: ${formatCpuList(online)})`,
        );
      }
      ids.push(c);
    }
  }
  return ids.sort((a, b) => a - b);
}

/** Runs a program without a shell; a failure carries its stderr in the message. */
function run(file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 10_000 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(stderr.trim() || err.message, { cause: err }));
      else resolve();
    });
  });
}

/**
 * Pins every thread of a process to `cpus` and returns the affinity now in effect (re-read,
 * so the caller sees what the kernel actually applied).
 */
export async function setCpuAffinity(
  pid: number,
  cpus: readonly number[],
  options: SetCpuAffinityOptions = {},
): Promise<number[]> {
  checkPid(pid);
  const ids = resolveCpus(cpus, await getCpus(), options.relative ?? true);
  await getCpuAffinity(pid); // a missing process is invalid_argument, before taskset runs
  const taskset = await findTaskset(options.taskset);
  try {
    await run(taskset, ['-a', '-p', '-c', formatCpuList(ids), String(pid)]);
  } catch (err) {
    // The process may have ended between the check and taskset.
    if ((await readOptional(`/proc/${pid}/status`)) === null) {
      throw invalidArgument('pid', `no process with PID ${pid}`);
    }
    throw runtimeError(`taskset failed for PID ${pid}: ${errorMessage(err)}`, err);
  }
  return getCpuAffinity(pid);
}

/** The affinity of each thread of a process (for checking that all threads were pinned). */
export async function getThreadAffinities(pid: number): Promise<Map<number, number[]>> {
  checkPid(pid);
  const out = new Map<number, number[]>();
  let tids: string[];
  try {
    tids = await readdir(`/proc/${pid}/task`);
  } catch {
    throw invalidArgument('pid', `no process with PID ${pid}`);
  }
  for (const tid of tids) {
    const status = await readOptional(`/proc/${pid}/task/${tid}/status`);
    const list = status === null ? undefined : field(status, 'Cpus_allowed_list');
    if (list !== undefined) out.set(Number(tid), parseCpuList(list));
  }
  return out;
}
