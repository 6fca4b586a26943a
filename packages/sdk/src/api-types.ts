/**
 * The client's typed surface, made from the contract's type maps (`@cdc/api`): one method
 * per public procedure, grouped as the client is, and one subscription per public event. A
 * procedure added to the contract appears here by itself.
 * @module
 */
import type {
  ConfigApi,
  GlobalApi,
  ManagementApi,
  PublicEvents,
  PublicProc,
  RegistrationApi,
  RemoteApi,
  WorkerLogEntry,
} from '@cdc/api';
import type { EventMethodName, MethodName, OptionName } from './names.js';

type AnyProc = PublicProc<readonly unknown[], unknown>;

/** The options object of a procedure with optional parameters (SDK names, all optional). */
export type SdkOptions<O> = { [K in keyof O & string as OptionName<K>]?: O[K] | undefined };

/** A procedure as a method: required arguments positional, optional ones in a trailing options object. */
export type Method<P extends AnyProc> = [keyof P['options']] extends [never]
  ? (...args: P['args']) => Promise<P['result']>
  : (...args: [...P['args'], options?: SdkOptions<P['options']>]) => Promise<P['result']>;

/** The methods of one group map. */
export type Methods<M> = {
  readonly [K in keyof M as MethodName<K, M>]: M[K] extends AnyProc ? Method<M[K]> : never;
};

/** Stops a subscription; `ready` settles once the router has it (or refused it). */
export type Unsubscribe = (() => Promise<void>) & { readonly ready: Promise<void> };

/** The typed event subscriptions: `onNodeStatus((nodeId, oldStatus, newStatus) => …)`. */
export type EventSubscriptions = {
  readonly [K in keyof PublicEvents as EventMethodName<K>]: (
    handler: (...args: PublicEvents[K]) => void,
  ) => Unsubscribe;
} & {
  /** A worker's live log, one entry per line. */
  onWorkerLog(
    nodeId: string,
    workerId: string,
    handler: (entry: WorkerLogEntry) => void,
  ): Unsubscribe;
};

/** Every public procedure as a method (SPEC §4), in its group. */
export type CenterApi = Methods<GlobalApi> & {
  /** Realm management by its owner (SPEC §4.5). */
  readonly management: Methods<ManagementApi>;
  /** The remote node API (SPEC §4.2). */
  readonly remote: Methods<RemoteApi>;
  /** The configuration API (SPEC §4.3). */
  readonly config: Methods<ConfigApi>;
  /** Registration and the account, on the global realm (SPEC §4.4). */
  readonly account: Methods<RegistrationApi>;
};

/** A method by its path on the client: `getStatus`, `config.reloadRouter`, … */
export type MethodPath =
  | keyof Methods<GlobalApi>
  | `management.${keyof Methods<ManagementApi>}`
  | `remote.${keyof Methods<RemoteApi>}`
  | `config.${keyof Methods<ConfigApi>}`
  | `account.${keyof Methods<RegistrationApi>}`;
