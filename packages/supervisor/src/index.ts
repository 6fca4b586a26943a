/**
 * @cdc/supervisor — one supervisor for child processes: a child with a WAMP socket (a
 * realm backend of the center, a native worker of a node) or a plain process (a node's
 * guest worker). This entry is the parent's side: one run ({@link startProcess}) and a child
 * kept running ({@link Supervisor}). The child's side, `serveChild`, is the entry
 * `@cdc/supervisor/child`.
 * @module
 */
export type { AnyLifecycle, ChildMessage, Lifecycle, ParentMessage } from './lifecycle.js';
export { LineSplitter, LineTail, lineText } from './lines.js';
export type { LineSource } from './lines.js';
export { BACKOFF_DEFAULTS, Backoff, exitFailed, wantsRestart } from './restart.js';
export type { BackoffOptions, ExitInfo, RestartPolicy } from './restart.js';
export { ManagedProcess, START_TIMEOUT_MS, STOP_DEFAULTS, startProcess } from './process.js';
export type {
  Incarnation,
  PlainProcessSpec,
  ProcessSpec,
  StopOptions,
  StopStep,
  WampChildSpec,
} from './process.js';
export { Supervisor } from './supervisor.js';
export type { Clock, RestartInfo, SupervisorOptions, SupervisorState } from './supervisor.js';
