/**
 * The typed parent↔worker vocabulary on a worker's IPC channel. WAMP (the management API)
 * travels on the same channel in `{wamp}` envelopes (see `@cdc/transport` `ipc.ts`); these
 * are the lifecycle messages around it.
 * @module
 */
import type { ContainerWorkerConfig, RouterWorkerConfig } from '@cdc/config';

export type NativeWorkerType = 'router' | 'container';

/** Parent → worker. */
export type ParentCommand =
  | {
      cmd: 'init';
      id: string;
      type: NativeWorkerType;
      /** The node directory: relative paths in the worker's config resolve here. */
      cbdir: string;
      /** Realm of the controller's local management router. */
      realm: string;
      /** Options and initial config (realms, transports, components) of the worker. */
      config: RouterWorkerConfig | ContainerWorkerConfig;
      nodeId: string | null;
      logLevel: string;
    }
  | { cmd: 'shutdown'; reason: string };

/** Worker → parent. */
export type WorkerMessage =
  /** Joined the management realm and registered its procedures: the worker is up. */
  | { cmd: 'ready'; pid: number }
  /** Starting failed; the worker exits right after. */
  | { cmd: 'failed'; error: string; uri: string };

export function isParentCommand(m: unknown): m is ParentCommand {
  return (
    typeof m === 'object' && m !== null && 'cmd' in m && (m.cmd === 'init' || m.cmd === 'shutdown')
  );
}

export function isWorkerMessage(m: unknown): m is WorkerMessage {
  return (
    typeof m === 'object' && m !== null && 'cmd' in m && (m.cmd === 'ready' || m.cmd === 'failed')
  );
}
