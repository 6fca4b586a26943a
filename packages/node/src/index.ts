/**
 * @cdc/node — a Crossbar.io-style router node: node directory and keys, the controller
 * with its management API, and worker processes (router, container, guest).
 * @module
 */
export { openNodeDirectory, loadNodeConfig, DEFAULT_CBDIR, CONFIG_FILE } from './cbdir.js';
export type { NodeDirectory, OpenReport } from './cbdir.js';
export {
  NodeController,
  MANAGEMENT_REALM,
  CONTROLLER_SOCKET,
  VERSION,
} from './controller/controller.js';
export type { NodeControllerOptions } from './controller/controller.js';
export { WorkerManager } from './controller/workers.js';
export { WorkerProcess } from './controller/worker-process.js';
export type { WorkerStatus, WorkerType, ExitInfo } from './controller/worker-process.js';
export { LogBuffer, LineSplitter, parseLogLine } from './controller/log-buffer.js';
export type { LogEntry, LogLevel } from './controller/log-buffer.js';
export { workerConfigFor } from './controller/api.js';
export { Params, invalidArgument } from './api/params.js';
export { registerTable, proc } from './api/procedures.js';
export type { ProcedureSpec, ProcedureTable, ProcedureContext } from './api/procedures.js';
export { SystemStats } from './system/system-stats.js';
export { summarizeProfile } from './system/profile-summary.js';
