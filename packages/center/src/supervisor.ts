/**
 * One backend process per management realm: forked with an IPC channel that carries its
 * WAMP session into the realm as `trusted`, restarted with backoff when it dies, stopped
 * when its realm goes. A crashed backend takes only its own realm's API down for a moment.
 * @module
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Router } from '@cdc/router';
import { IPC_STDIO, childWampStream, createIpcTransport } from '@cdc/transport';
import { isBackendMessage } from './backend/messages.js';
import type { CenterCommand, StoreLocation } from './backend/messages.js';
import type { Logger } from '@cdc/protocol';

const ENTRY = new URL('./backend/main.js', import.meta.url);
const MAX_BACKOFF_MS = 30_000;

export type BackendStatus = 'starting' | 'ready' | 'restarting' | 'stopped' | 'failed';

interface Backend {
  realm: string;
  child: ChildProcess | undefined;
  status: BackendStatus;
  restarts: number;
  started: Date | undefined;
  stopping: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
  nodes: Record<string, number>;
  ready: Promise<void> | undefined;
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
}

export class BackendSupervisor {
  private readonly backends = new Map<string, Backend>();
  private readonly started = new Date();

  constructor(private readonly o: SupervisorOptions) {}

  /** Make sure the realm's backend runs; resolves once it is ready (or failed for now). */
  ensure(realm: string): Promise<void> {
    let b = this.backends.get(realm);
    if (b === undefined) {
      b = {
        realm,
        child: undefined,
        status: 'starting',
        restarts: 0,
        started: undefined,
        stopping: false,
        timer: undefined,
        nodes: {},
        ready: undefined,
      };
      this.backends.set(realm, b);
      this.launch(b);
    }
    return b.ready ?? Promise.resolve();
  }

  private launch(b: Backend): void {
    b.status = b.restarts === 0 ? 'starting' : 'restarting';
    const child = fork(ENTRY, [b.realm], {
      stdio: IPC_STDIO,
      serialization: 'advanced',
      execArgv: [],
    });
    b.child = child;
    this.o.router.accept(createIpcTransport(childWampStream(child), `ipc:backend/${b.realm}`), {
      auth: { anonymous: { type: 'static', role: 'trusted', authid: `backend-${b.realm}` } },
    });
    const forward = (d: Buffer): void => {
      for (const line of d.toString('utf8').split('\n'))
        if (line.trim() !== '') this.o.onLog?.(b.realm, line);
    };
    child.stdout?.on('data', forward);
    child.stderr?.on('data', forward);
    b.ready = new Promise<void>((resolve) => {
      const onMessage = (m: unknown): void => {
        if (!isBackendMessage(m)) return;
        if (m.cmd === 'ready') {
          b.status = 'ready';
          b.started = new Date();
          this.o.log.info(
            { realm: b.realm, pid: child.pid, procedures: m.procedures },
            'realm backend ready',
          );
          resolve();
        } else if (m.cmd === 'failed') {
          this.o.log.error({ realm: b.realm, err: m.error }, 'realm backend failed to start');
          resolve();
        } else b.nodes = m.nodes;
      };
      child.on('message', onMessage);
      child.once('exit', (code, signal) => {
        resolve();
        this.onExit(b, child, code, signal);
      });
    });
    const init: CenterCommand = {
      cmd: 'init',
      realm: b.realm,
      store: this.o.store,
      started: this.started.toISOString(),
      version: this.o.version,
      heartbeatPeriodS: this.o.heartbeatPeriodS,
      logLevel: this.o.logLevel,
    };
    child.send(init);
  }

  private onExit(
    b: Backend,
    child: ChildProcess,
    code: number | null,
    signal: string | null,
  ): void {
    if (b.child !== child) return;
    b.child = undefined;
    if (b.stopping) {
      b.status = 'stopped';
      return;
    }
    b.status = 'failed';
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(b.restarts, 10));
    b.restarts++;
    this.o.log.error(
      { realm: b.realm, code, signal, restart_in_ms: delay },
      'realm backend died; restarting',
    );
    b.timer = setTimeout(() => {
      b.timer = undefined;
      if (!b.stopping) this.launch(b);
    }, delay);
    b.timer.unref();
  }

  /** Stop a realm's backend (the realm is going away or the center shuts down). */
  async stop(realm: string): Promise<void> {
    const b = this.backends.get(realm);
    if (b === undefined) return;
    this.backends.delete(realm);
    b.stopping = true;
    if (b.timer !== undefined) clearTimeout(b.timer);
    const child = b.child;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    if (child.connected) child.send({ cmd: 'shutdown' } satisfies CenterCommand);
    const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(kill);
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
      out[r] = {
        status: b.status,
        pid: b.child?.pid ?? null,
        restarts: b.restarts,
        started: b.started?.toISOString() ?? null,
        nodes: b.nodes,
      };
    }
    return out;
  }

  /** The PID of a realm's backend (tests kill it). */
  pid(realm: string): number | undefined {
    return this.backends.get(realm)?.child?.pid;
  }
}
