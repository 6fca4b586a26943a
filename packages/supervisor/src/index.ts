/**
 * @cdc/supervisor — one supervisor for child processes: a child with a WAMP socket (a
 * realm backend of the center, a native worker of a node) or a plain process (a node's
 * guest worker). The parent side starts one run ({@link startProcess}) and keeps a child
 * running ({@link Supervisor}); the child side serves the typed lifecycle ({@link serveChild}).
 * @module
 */
export { isChildMessage, isParentMessage } from './lifecycle.js';
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
export { serveChild } from './child.js';
export type { ChildContext, ServeOptions } from './child.js';
