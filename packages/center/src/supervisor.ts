/**
 * One backend process per management realm, kept by `@cdc/supervisor`: forked with its
 * lifecycle channel and a WAMP socket whose session the center's router accepts into the
 * realm as `trusted`; restarted with backoff whenever it dies (also when it fails to
 * start: its realm's API must come back), stopped when its realm goes. A crashed backend
 * takes only its own realm's API down for a moment.
 * @module
 */
import type { Router } from '@cdc/router';
import type { Lease } from '@cdc/store';
import { errorMessage } from '@cdc/protocol';
import type { Logger } from '@cdc/protocol';
import { Supervisor, startProcess } from '@cdc/supervisor';
import type { ManagedProcess } from '@cdc/supervisor';
import type { BackendInit, BackendLifecycle, StoreLocation } from './backend/messages.js';

/**
 * The entry module of each kind of backend process (`ensure(name, kind)`), all speaking
 * {@link BackendLifecycle}: a management realm's, and the global realm's (registration).
 */
const ENTRIES = {
  realm: new URL('./backend/main.js', import.meta.url),
  global: new URL('./registration/main.js', import.meta.url),
} as const;

export type BackendKind = keyof typeof ENTRIES;

/**
 * How the center restarts a backend. Its first retry comes sooner than a node's worker's
 * (0.5 s, not 1 s): while a backend is down, its whole realm's API is, for every user and
 * node in it. The rest are `@cdc/supervisor`'s defaults (doubling up to 30 s, half of it
 * jitter, afresh after a minute up), and so is the stop (`shutdown`, SIGTERM after 5 s,
 * SIGKILL 2 s later).
 */
const BACKOFF = { baseMs: 500 };
/**
 * A backend's start runs its realm database's migrations, which on a large PostgreSQL realm
 * may take minutes; one killed half-way would only start them again. So the center waits
 * longer for `ready` than a node waits for a worker (30 s).
 */
const START_TIMEOUT_MS = 300_000;

export type BackendStatus = 'starting' | 'ready' | 'restarting' | 'stopped' | 'failed';

type Run = ManagedProcess<BackendLifecycle>;

/** What the center knows of a backend beyond its process. */
interface BackendState {
  started: Date | undefined;
  nodes: Record<string, number>;
}

interface Backend {
  state: BackendState;
  supervisor: Supervisor<Run>;
  /** Settles once the first run is ready or has failed. */
  first: Promise<void>;
}

export interface SupervisorOptions {
  router: Router;
  store: StoreLocation;
  log: Logger;
  version: string;
  heartbeatPeriodS: number;
  logLevel: string;
  /** Forward a backend's log record (pino JSON line) to the center's log. */
  onLog?: (realm: string, line: string) => void;
  /** Cluster mode: a backend's write was refused by its lease's fence. */
  onFenced?: (realm: string) => void;
}

export class BackendSupervisor {
  private readonly backends = new Map<string, Backend>();
  private readonly started = new Date();

  constructor(private readonly o: SupervisorOptions) {}

  /**
   * Make sure the realm's backend runs; resolves once it is ready (or failed for now).
   * `options` are what only that kind of backend needs, given to every run; `fence` (cluster
   * mode) the realm's lease, which fences every write of the realm's store.
   */
  ensure(
    realm: string,
    kind: BackendKind = 'realm',
    options?: Record<string, unknown>,
    fence?: Lease,
  ): Promise<void> {
    let b = this.backends.get(realm);
    if (b === undefined) {
      const state: BackendState = { started: undefined, nodes: {} };
      const supervisor = new Supervisor<Run>({
        launch: () => this.launch(realm, kind, state, options, fence),
        policy: 'always',
        retryFirstStart: true,
        backoff: BACKOFF,
        onReady: (p, ready) => {
          state.started = new Date();
          this.o.log.info(
            { realm, pid: p.pid, procedures: ready.procedures },
            'realm backend ready',
          );
        },
        onStartFailed: (_p, e) =>
          this.o.log.error({ realm, err: errorMessage(e) }, 'realm backend failed to start'),
        onRestarting: (r) =>
          this.o.log.error(
            { realm, code: r.exit?.code, signal: r.exit?.signal, restart_in_ms: r.delayMs },
            'realm backend died; restarting',
          ),
      });
      // Failed for now is settled too: the supervisor keeps trying.
      const first = supervisor.start().then(
        () => undefined,
        () => undefined,
      );
      b = { state, supervisor, first };
      this.backends.set(realm, b);
    }
    return b.first;
  }

  private launch(
    realm: string,
    kind: BackendKind,
    state: BackendState,
    options: Record<string, unknown> | undefined,
    fence: Lease | undefined,
  ): Run {
    const init: BackendInit = {
      realm,
      store: this.o.store,
      started: this.started.toISOString(),
      version: this.o.version,
      heartbeatPeriodS: this.o.heartbeatPeriodS,
      logLevel: this.o.logLevel,
      ...(options !== undefined ? { options } : {}),
      ...(fence !== undefined ? { fence } : {}),
    };
    const p = startProcess<BackendLifecycle>({
      kind: 'wamp',
      name: `realm backend "${realm}"`,
      module: ENTRIES[kind],
      args: [realm],
      init,
      peer: `ipc:backend/${realm}`,
      startTimeoutMs: START_TIMEOUT_MS,
      onTransport: (t) =>
        this.o.router.accept(t, {
          auth: { anonymous: { type: 'static', role: 'trusted', authid: `backend-${realm}` } },
        }),
      onMessage: (m) => {
        if (m.kind === 'fenced') this.o.onFenced?.(realm);
        else state.nodes = m.nodes;
      },
      onLine: (line) => this.o.onLog?.(realm, line),
    });
    return p;
  }

  /** Stop a realm's backend (the realm is going away or the center shuts down). */
  async stop(realm: string): Promise<void> {
    const b = this.backends.get(realm);
    if (b === undefined) return;
    this.backends.delete(realm);
    await b.supervisor.stop();
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.backends.keys()].map((r) => this.stop(r)));
  }

  realms(): string[] {
    return [...this.backends.keys()];
  }

  status(): Record<
    string,
    {
      status: BackendStatus;
      pid: number | null;
      restarts: number;
      started: string | null;
      nodes: Record<string, number>;
    }
  > {
    const out: ReturnType<BackendSupervisor['status']> = {};
    for (const [r, b] of this.backends) {
      const s = b.supervisor;
      out[r] = {
        status: backendStatus(s),
        pid: livePid(s) ?? null,
        restarts: s.restarts,
        started: b.state.started?.toISOString() ?? null,
        nodes: b.state.nodes,
      };
    }
    return out;
  }

  /** Whether the realm's backend is up and serving (its first run, or a restart, is done). */
  ready(realm: string): boolean {
    const b = this.backends.get(realm);
    return b !== undefined && backendStatus(b.supervisor) === 'ready';
  }

  /** The PID of a realm's backend (tests kill it). */
  pid(realm: string): number | undefined {
    const b = this.backends.get(realm);
    return b === undefined ? undefined : livePid(b.supervisor);
  }
}

/** The PID of the backend's process while there is one. */
function livePid(s: Supervisor<Run>): number | undefined {
  const p = s.current;
  return p?.exit === undefined ? p?.pid : undefined;
}

function backendStatus(s: Supervisor<Run>): BackendStatus {
  switch (s.state) {
    case 'starting':
      return s.restarts === 0 ? 'starting' : 'restarting';
    case 'running':
    case 'stopping':
      return 'ready';
    case 'backoff':
    case 'failed':
      return 'failed';
    case 'stopped':
      return 'stopped';
  }
}
