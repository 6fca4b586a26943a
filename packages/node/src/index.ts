/**
 * @cdc/node — a Crossbar.io-style router node: node directory and keys, the controller
 * with its management API, worker processes (router, container, guest), and the management
 * uplink to a center.
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
export type { NodeControllerOptions, UplinkOverrides } from './controller/controller.js';
export { WorkerManager } from './controller/workers.js';
export { NodeRunningError, lockNodeDirectory, PID_FILE } from './controller/node-lock.js';
export { reapOrphans, WORKERS_FILE } from './controller/orphans.js';
export { WorkerProcess } from './controller/worker-process.js';
export type { WorkerStatus, WorkerType } from './controller/worker-process.js';
export { LogBuffer, parseLogLine } from './controller/log-buffer.js';
export type { LogEntry, LogLevel } from './controller/log-buffer.js';
export { workerConfigFor } from './controller/api.js';
export { Params, invalidArgument } from './api/params.js';
export { registerTable } from './api/procedures.js';
export type { Handler, Handlers, ProcedureContext } from './api/procedures.js';
export { SystemStats } from './system/system-stats.js';
export { summarizeProfile } from './system/profile-summary.js';
export { ManagementUplink } from './uplink/uplink.js';
export type { ManagementInfo, UplinkHost, UplinkOptions } from './uplink/uplink.js';
export { ManagementBridge } from './uplink/bridge.js';
export type { BridgeOptions } from './uplink/bridge.js';
export { HeartbeatLoop } from './uplink/heartbeat.js';
export type { HeartbeatOptions, HeartbeatSource } from './uplink/heartbeat.js';
export { resolveUplink, transportUrl } from './uplink/config.js';
export type { HeartbeatSettings, UplinkResolution, UplinkTarget } from './uplink/config.js';
