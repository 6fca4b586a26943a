/**
 * The center client: one connection that reconnects with backoff (`Connection` of
 * `@cdc/client`), its state observable, its subscriptions restored on every new session,
 * and one method per public procedure and one subscription per public event, made at run
 * time from the contract (`PROCEDURES`, `PUBLIC_EVENTS` of `@cdc/api`) and typed from its
 * maps (`api-types.ts`).
 * @module
 */
import {
  CdcErrors,
  GLOBAL_REALM,
  GLOBAL_USER_ROLE,
  PROCEDURES,
  PUBLIC_EVENTS,
  procedureByUri,
  roleAtLeast,
  workerLogTopic,
} from '@cdc/api';
import type { ProcedureDef } from '@cdc/api';
import { Connection, Failover, addressList, defaultShouldRetry } from '@cdc/client';
import type {
  CallResult,
  ChallengeSigner,
  RetryOptions,
  Session,
  SubscribeOptions,
} from '@cdc/client';
import { errorMessage } from '@cdc/protocol';
import type { Args, Kwargs, Transport } from '@cdc/protocol';
import type { CenterApi, EventSubscriptions, MethodPath, Unsubscribe } from './api-types.js';
import { wireArgs } from './call-args.js';
import { CdcError } from './errors.js';
import { GROUP_KEYS, eventMethodName, methodName } from './names.js';
import { Subscriptions } from './subscriptions.js';
import type { RawHandler } from './subscriptions.js';

export interface CenterOptions {
  /** The center's WAMP URL (`ws://host:9000/ws`), or several (SPEC §9): tried in turn. */
  url: string | readonly string[];
  /** Who signs the cryptosign challenge (an OpenSSH key, ssh-agent, a WebCrypto key…). */
  signer: ChallengeSigner;
  /** Opens a transport to a URL (the node and browser entries bring theirs). */
  transport: (url: string) => Promise<Transport>;
  /**
   * The realm to join: a management realm, `com.crossbario.cdc` (the global realm) or, by
   * default, none: the center picks the key's only realm, else the global realm.
   */
  realm?: string | null | undefined;
  /** Keep trying when the center cannot be reached at first (default: fail at once). */
  waitForCenter?: boolean | undefined;
  /** Reconnect backoff (default: 0.5 s growing by 1.5 to 30 s, full jitter, forever). */
  retry?: RetryOptions | undefined;
  /** Receives errors nobody awaits (a throwing event handler…); default `console.error`. */
  onError?: ((error: unknown, where: string) => void) | undefined;
  /** How long a join may take (ms, default 30 000). */
  joinTimeout?: number | undefined;
}

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface ConnectionState {
  status: ConnectionStatus;
  /** Why the last session ended, the last attempt failed, or the client closed. */
  error?: CdcError | undefined;
  /** `reconnecting`: the next attempt's number and its delay (ms). */
  attempt?: number | undefined;
  retryIn?: number | undefined;
  /** `closed`: by `close()`, refused by the center (e.g. `not_authorized`), or retries ran out. */
  reason?: 'closed' | 'refused' | 'gave_up' | undefined;
}

/** Who the session is: the UI shows it and hides what the role may not do. */
export interface SessionInfo {
  realm: string;
  authid: string | undefined;
  authrole: string | undefined;
  sessionId: number;
}

/**
 * The client without its generated methods: its state, its session, `can`, the generic
 * `call` and `subscribe`, `close`. A {@link Center} is this with every method of the contract.
 */
export class CenterClient {
  readonly #connection: Connection;
  readonly #subs: Subscriptions;
  readonly #byPath = new Map<string, ProcedureDef>();
  readonly #byUri = procedureByUri();
  readonly #stateListeners = new Set<(s: ConnectionState) => void>();
  readonly #onError: (error: unknown, where: string) => void;
  #state: ConnectionState = { status: 'connecting' };
  #info: SessionInfo | undefined;
  #joined = false;
  #closing = false;
  /** The public key (64 hex) the client signs in with. */
  readonly pubkey: string;

  constructor(options: CenterOptions) {
    // One URL, a list, or a comma-separated string of them (the instances of a cluster).
    const urls = addressList(options.url);
    if (urls.length === 0) throw new CdcError('wamp.error.invalid_argument', 'no center URL given');
    this.pubkey = options.signer.publicKeyHex;
    this.#onError =
      options.onError ?? ((e, where) => console.error(`[@cdc/sdk] error in ${where}:`, e));
    this.#subs = new Subscriptions(this.#onError);
    const failover = new Failover(urls, options.transport);
    const open = (): Promise<Transport> =>
      failover.connect().catch((e: unknown) => {
        throw new CdcError(
          CdcErrors.CENTER_UNREACHABLE,
          `cannot reach the center at ${errorMessage(e)}`,
        );
      });
    this.#connection = new Connection({
      transport: open,
      realm: options.realm ?? null,
      authmethods: ['cryptosign'],
      signer: options.signer,
      ...options.retry,
      joinTimeout: options.joinTimeout,
      onError: this.#onError,
      shouldRetry: (e) => (this.#joined || options.waitForCenter === true) && defaultShouldRetry(e),
    });
    this.#connection.onJoin((s) => this.#joinedSession(s));
    this.#connection.onLeave((info) => {
      this.#subs.detach();
      this.#info = undefined;
      if (!this.#closing)
        this.#set({
          status: 'reconnecting',
          error: new CdcError(info.reason, info.message ?? `the session ended (${info.reason})`),
        });
    });
    this.#connection.onRetry((delay, attempt, error) =>
      this.#set({
        status: this.#joined ? 'reconnecting' : 'connecting',
        error: CdcError.from(error),
        attempt,
        retryIn: delay,
      }),
    );
    this.#connection.onClose((info) => {
      const error = info.error !== undefined ? CdcError.from(info.error) : undefined;
      this.#subs.close(error ?? new CdcError(CdcErrors.CENTER_UNREACHABLE, 'the client is closed'));
      this.#set({ status: 'closed', reason: info.reason, error });
    });
    this.#build();
  }

  /** Connect and join; resolves with the first session (rejects with a CdcError). */
  async open(): Promise<void> {
    try {
      await this.#connection.open();
    } catch (e) {
      throw CdcError.from(e);
    }
  }

  /** Leave and stop reconnecting. */
  async close(): Promise<void> {
    this.#closing = true;
    await this.#connection.close();
  }

  /** The connection now: `connecting`, `connected`, `reconnecting` (with the error and the next attempt) or `closed` (with why). */
  get state(): ConnectionState {
    return this.#state;
  }

  /** Called with every change of the connection state; returns a function that stops it. */
  onState(listener: (state: ConnectionState) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /** The current session, while connected. */
  get session(): SessionInfo | undefined {
    return this.#info;
  }
  /** The realm joined (the center picks one when none was asked for). */
  get realm(): string | undefined {
    return this.#info?.realm;
  }
  /** Who the center says the session is: the user name, or an API client's label. */
  get authid(): string | undefined {
    return this.#info?.authid;
  }
  /** The session's role: `cdc-guest` … `cdc-owner`, or `cdc-user`/`cdc-registrant` on the global realm. */
  get authrole(): string | undefined {
    return this.#info?.authrole;
  }

  /**
   * Whether the session's role may call a procedure (its least role in the contract), given
   * as a method path (`config.reloadRouter`) or a URI; false while not connected.
   */
  can(procedure: MethodPath | (string & {})): boolean {
    const d = this.#byPath.get(procedure) ?? this.#byUri.get(procedure);
    const info = this.#info;
    if (d === undefined || info === undefined) return false;
    const role = info.authrole ?? '';
    if (d.group === 'registration')
      return info.realm === GLOBAL_REALM && (role === d.role || role === GLOBAL_USER_ROLE);
    return info.realm !== GLOBAL_REALM && roleAtLeast(role, d.role);
  }

  /** The contract's definition of a method (`config.reloadRouter`) or URI. */
  definition(procedure: MethodPath | (string & {})): ProcedureDef | undefined {
    return this.#byPath.get(procedure) ?? this.#byUri.get(procedure);
  }

  /** Call any procedure by URI (the generic way; the methods are typed). */
  async call(uri: string, args: Args = [], kwargs: Kwargs = {}): Promise<CallResult> {
    const s = this.#live(uri);
    try {
      return await s.call(uri, args, kwargs);
    } catch (e) {
      throw CdcError.from(e, uri);
    }
  }

  /** Subscribe to any topic (kept across reconnects). */
  subscribe(topic: string, handler: RawHandler, options?: SubscribeOptions): Unsubscribe {
    return this.#subs.add(topic, handler, options);
  }

  #live(what: string): Session {
    const s = this.#connection.session;
    if (s === undefined || !s.isOpen)
      throw new CdcError(
        CdcErrors.CENTER_UNREACHABLE,
        this.#state.status === 'closed'
          ? 'the client is closed'
          : 'not connected to the center (reconnecting)',
        { procedure: what },
      );
    return s;
  }

  #joinedSession(s: Session): void {
    this.#joined = true;
    this.#info = { realm: s.realm, authid: s.authid, authrole: s.authrole, sessionId: s.id };
    this.#subs.attach(s);
    this.#set({ status: 'connected' });
  }

  #set(state: ConnectionState): void {
    this.#state = state;
    for (const l of [...this.#stateListeners]) {
      try {
        l(state);
      } catch (e) {
        this.#onError(e, 'onState');
      }
    }
  }

  /** The methods and subscriptions of the contract, on this object and its groups. */
  #build(): void {
    const self = this as unknown as Record<string, unknown>;
    const place = (on: Record<string, unknown>, name: string, value: unknown, path: string) => {
      // A contract name that collides with the client's own would shadow it: a bug to see.
      if (name in on) throw new Error(`@cdc/sdk: ${path} is defined twice`);
      Object.defineProperty(on, name, { value, enumerable: true });
    };
    const groups: Record<string, Record<string, unknown>> = {};
    for (const d of PROCEDURES) {
      const key = GROUP_KEYS[d.group];
      const name = methodName(d, PROCEDURES);
      const path = key === undefined ? name : `${key}.${name}`;
      const uri = `${d.name}@${d.version}`;
      const on = key === undefined ? self : (groups[key] ??= {});
      const method = async (...given: unknown[]): Promise<unknown> => {
        const args = wireArgs(d, path, given);
        return (await this.call(uri, args)).value;
      };
      place(on, name, method, path);
      this.#byPath.set(path, d);
    }
    for (const [key, methods] of Object.entries(groups)) place(self, key, methods, key);
    for (const e of PUBLIC_EVENTS) {
      const name = eventMethodName(e.topic);
      place(
        self,
        name,
        (h: (...a: unknown[]) => void) => this.subscribe(e.topic, (a) => h(...a)),
        name,
      );
    }
    place(
      self,
      'onWorkerLog',
      (nodeId: string, workerId: string, h: (entry: unknown) => void) =>
        this.subscribe(workerLogTopic(nodeId, workerId), (a) => h(a[0])),
      'onWorkerLog',
    );
  }
}

/** A connected client: its state and session, and every public procedure and event, typed. */
export type Center = CenterClient & CenterApi & EventSubscriptions;

/**
 * Connect to the center and join; resolves once joined. The client then reconnects by
 * itself whenever the connection drops, and restores its subscriptions.
 * @throws (rejects) {@link CdcError}: `com.crossbario.cdc.error.center_unreachable`,
 *   `wamp.error.not_authorized` (the key has no access to the realm), …
 */
export async function connectCenter(options: CenterOptions): Promise<Center> {
  const client = new CenterClient(options);
  await client.open();
  return client as Center;
}
