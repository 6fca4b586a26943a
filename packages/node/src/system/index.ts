/**
 * The node's system modules: host and process statistics, CPU affinity, the V8 profiler.
 * @module
 */
export { SystemStats } from './system-stats.js';
export type {
  ConnectionCounts,
  CpuStats,
  DiskCounters,
  MemoryStats,
  NetCounters,
  SystemStatsOptions,
  SystemStatsResult,
} from './system-stats.js';
export { ProcessMonitor, processInfo, processStats } from './process-info.js';
export type {
  ProcessInfo,
  ProcessMemory,
  ProcessMonitorStatus,
  ProcessStats,
} from './process-info.js';
export {
  cpuCount,
  getCpuAffinity,
  getCpus,
  getThreadAffinities,
  setCpuAffinity,
} from './affinity.js';
export type { SetCpuAffinityOptions } from './affinity.js';
export { Profiler } from './profiler.js';
export type {
  GetOptions as ProfileGetOptions,
  ProfileRecord,
  ProfileStatus,
  ProfilerDescription,
  StartOptions as ProfileStartOptions,
} from './profiler.js';
export { summarizeProfile } from './profile-summary.js';
export type {
  CpuProfile,
  CpuProfileNode,
  FunctionSummary,
  ProfileSummary,
  SummaryOptions,
  TreeNode,
} from './profile-summary.js';
