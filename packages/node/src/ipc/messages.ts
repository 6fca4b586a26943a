/**
 * What a native worker and its controller say on the worker's lifecycle channel (Node's IPC
 * channel, `@cdc/supervisor`): the init payload; `ready` carries nothing (the worker's API is
 * on the management router by then). The management API itself travels as WAMP on the
 * worker's socket pair. Both ends are typed by {@link WorkerLifecycle}.
 * @module
 */
import type { ContainerWorkerConfig, RouterWorkerConfig } from '@cdc/config';
import type { Lifecycle } from '@cdc/supervisor';

export type NativeWorkerType = 'router' | 'container';

export interface WorkerInit {
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

export type WorkerLifecycle = Lifecycle<WorkerInit, undefined>;
