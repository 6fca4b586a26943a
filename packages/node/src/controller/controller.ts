/**
 * The node controller: a local management router (realm `crossbar`) on which the
 * controller registers its `crossbar.*` procedures and every native worker, joining over its
 * WAMP socket, registers `crossbar.worker.<id>.*`; a Unix socket in the node directory so
 * `cdc` (and anyone with access to the directory) can drive it; the management uplink to a
 * center when one is configured; and the workers of `config.json`, started in order at boot.
 * @module
 */
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { Router } from '@cdc/router';
import type { AuthConfig } from '@cdc/router';
import { createMemoryPair, listen } from '@cdc/transport';
import type { Listener } from '@cdc/transport';
import { joinSession } from '@cdc/client';
import type { Session } from '@cdc/client';
import { CONTROLLER_PROCEDURES, LOCAL_PREFIX, controllerUri } from '@cdc/api';
import type { ControllerStatus, ShutdownInfo } from '@cdc/api';
import type { NodeDirectory } from '../cbdir.js';
import { registerTable } from '../api/procedures.js';
import { SystemStats } from '../system/system-stats.js';
import { resolveUplink } from '../uplink/config.js';
import type { HeartbeatSettings } from '../uplink/config.js';
import { ManagementUplink } from '../uplink/uplink.js';
import type { ManagementInfo, UplinkHost, UplinkOptions } from '../uplink/uplink.js';
import { controllerProcedures } from './api.js';
import { lockNodeDirectory } from './node-lock.js';
import { reapOrphans } from './orphans.js';
import { WorkerManager } from './workers.js';
import type { Logger } from '@cdc/protocol';

export const MANAGEMENT_REALM = 'crossbar';
export const CONTROLLER_SOCKET = 'controller.sock';
export const VERSION = '0.1.0';

export interface NodeControllerOptions {
  node: NodeDirectory;
  logger: Logger;
  logLevel?: string;
  /** Unix socket of the local management API; default `<cbdir>/controller.sock`, `false` for none. */
  managementSocket?: string | false;
  /**
   * How long a worker gets after the polite stop request (native: `shutdown`, then SIGTERM
   * and SIGKILL 2 s later; guest: SIGTERM, then SIGKILL) before the next step (default 5 s).
   */
  stopGraceMs?: number;
  /** Called once the node has shut down (after `crossbar.shutdown` or a signal). */
  onShutdown?: (info: ShutdownInfo) => void;
  /**
   * The management uplink: `false` for none whatever the config says; otherwise overrides
   * of what `config.json` and the environment give (tests use short delays).
   */
  uplink?: UplinkOverrides | false;
  /** Where `CDC_URL` / `CROSSBAR_FABRIC_URL` are looked up (default `process.env`). */
  env?: Record<string, string | undefined>;
}

export type UplinkOverrides = Omit<UplinkOptions, 'target'> & {
  url?: string;
  heartbeat?: Partial<HeartbeatSettings>;
};

function trusted(authid: string): AuthConfig {
  return { anonymous: { type: 'static', role: 'trusted', authid } };
}

export class NodeController {
  readonly router: Router;
  readonly workers: WorkerManager;
  readonly started = new Date();
  nodeId: string | null;
  /** The management session, while the node is connected to a center. */
  management: ManagementInfo | undefined;
  /** The uplink to a center, when one is configured. */
  uplink: ManagementUplink | undefined;
  private session: Session | undefined;
  private listener: Listener | undefined;
  private readonly systemStats = new SystemStats();
  private shuttingDown: Promise<ShutdownInfo> | undefined;
  private readonly socketPath: string | undefined;
  private unlock: (() => void) | undefined;

  constructor(private readonly o: NodeControllerOptions) {
    this.router = new Router({ logger: o.logger, agent: `cdc-node/${VERSION}` });
    this.nodeId = o.node.config.controller?.id ?? null;
    this.socketPath =
      o.managementSocket === false
        ? undefined
        : (o.managementSocket ?? join(o.node.dir, CONTROLLER_SOCKET));
    this.workers = new WorkerManager({
      cbdir: o.node.dir,
      realm: MANAGEMENT_REALM,
      nodeId: () => this.nodeId,
      logLevel: o.logLevel ?? 'info',
      logger: o.logger,
      publish: (topic, args) => this.publish(topic, args),
      attach: (id, t) => this.router.accept(t, { auth: trusted(`worker-${id}`) }),
      ...(o.stopGraceMs !== undefined ? { stopGraceMs: o.stopGraceMs } : {}),
    });
  }

  get logger(): Logger {
    return this.o.logger;
  }

  /** The controller's own session on the management realm. */
  get localSession(): Session {
    if (this.session === undefined) throw new Error('the controller has not started');
    return this.session;
  }

  get managementUrl(): string | undefined {
    return this.listener?.url();
  }

  /** Bring the management API up, then start the workers of the config in order. */
  async start(): Promise<void> {
    this.unlock = lockNodeDirectory(this.o.node.dir);
    // A controller killed without its shutdown may have left guests running.
    await reapOrphans(this.o.node.dir, this.o.logger);
    this.router.addRealm({ name: MANAGEMENT_REALM });
    const [client, server] = createMemoryPair({ serialize: false });
    this.router.accept(server, { auth: trusted('controller') });
    this.session = await joinSession(client, { realm: MANAGEMENT_REALM });
    await registerTable(
      this.session,
      LOCAL_PREFIX,
      CONTROLLER_PROCEDURES,
      controllerProcedures({
        workers: this.workers,
        systemStats: this.systemStats,
        status: () => this.status(),
        publicKey: this.o.node.key.publicKeyHex,
        shutdown: (restart, mode, who) =>
          Promise.resolve(this.requestShutdown({ restart, mode, who })),
      }),
    );
    if (this.socketPath !== undefined) {
      const auth = trusted('local');
      this.listener = await listen({
        endpoint: { type: 'unix', path: this.socketPath },
        rawsocket: {},
        onTransport: (t) => this.router.accept(t, { auth }),
      });
      // Whoever can reach the socket can run the node: keep it to the owner.
      await chmod(this.socketPath, 0o600);
    }
    // Before the workers, as a Crossbar.io edge: the center sees them come up.
    await this.startUplink();
    for (const w of this.o.node.config.workers ?? []) await this.workers.start(w);
  }

  private async startUplink(): Promise<void> {
    const over = this.o.uplink;
    if (over === false) return;
    const res = resolveUplink(this.o.node.config, this.o.env, over?.url);
    if (res.kind === 'unmanaged') {
      this.o.logger.info({ reason: res.reason }, 'no management uplink: the node runs unmanaged');
      return;
    }
    const { url: _url, heartbeat, ...rest } = over ?? {};
    const target = { ...res.target, heartbeat: { ...res.target.heartbeat, ...heartbeat } };
    this.uplink = new ManagementUplink(this.uplinkHost(), { ...rest, target });
    await this.uplink.start();
  }

  private uplinkHost(): UplinkHost {
    return {
      logger: this.o.logger,
      key: this.o.node.key,
      version: VERSION,
      openLocalSession: () => {
        const [client, server] = createMemoryPair({ serialize: false });
        this.router.accept(server, { auth: trusted('uplink') });
        return joinSession(client, { realm: MANAGEMENT_REALM });
      },
      setManagement: (info) => {
        this.management = info;
        // The center's node ID is the node's ID from now on (workers started later get it too).
        if (info !== undefined) this.nodeId = info.nodeId;
      },
      publishLocal: (topic, args) => this.publish(topic, args),
      workersByType: () => this.workers.countByType(),
      nativeWorkers: () =>
        this.workers
          .list()
          .map((id) => this.workers.get(id))
          .filter((w) => w.type !== 'guest' && w.status === 'started')
          .map((w) => ({ id: w.id, type: w.type })),
    };
  }

  /** Publish on the management realm (events for the node's own subscribers and the uplink). */
  publish(topic: string, args: unknown[]): void {
    const s = this.session;
    if (s === undefined || !s.isOpen) return;
    s.publish(topic, args).catch(() => undefined);
  }

  status(): ControllerStatus {
    const byType = this.workers.countByType();
    const running = Object.values(byType).reduce((a, b) => a + b, 0);
    return {
      title: this.o.node.config.controller?.options?.title ?? `CDC node ${VERSION}`,
      started: this.started.toISOString(),
      controller_pid: process.pid,
      running_workers: running,
      workers_by_type: byType,
      directory: this.o.node.dir,
      pubkey: this.o.node.key.publicKeyHex,
      node_id: this.nodeId,
      version: VERSION,
      type: 'cdc',
      management_realm: this.management?.realm ?? null,
      management_node_id: this.management?.nodeId ?? null,
      management_session_id: this.management?.sessionId ?? null,
      management_node_extra: this.management?.extra ?? null,
    };
  }

  /**
   * `crossbar.shutdown`: answer first, then shut down (the answer travels on the session
   * the shutdown closes).
   */
  requestShutdown(opts: {
    restart?: boolean;
    mode?: string | null;
    who?: number | null;
  }): ShutdownInfo {
    setTimeout(() => void this.shutdown(opts), 20);
    return {
      node_id: this.nodeId,
      restart: opts.restart ?? false,
      mode: opts.mode ?? null,
      who: opts.who ?? null,
      when: new Date().toISOString(),
    };
  }

  /** Stop every worker, the management API and the router; idempotent. */
  shutdown(
    opts: { restart?: boolean; mode?: string | null; who?: number | null } = {},
  ): Promise<ShutdownInfo> {
    this.shuttingDown ??= (async () => {
      const info: ShutdownInfo = {
        node_id: this.nodeId,
        restart: opts.restart ?? false,
        mode: opts.mode ?? null,
        who: opts.who ?? null,
        when: new Date().toISOString(),
        was_clean: true,
      };
      this.o.logger.info({ who: info.who }, 'node shutting down');
      this.publish(controllerUri('on_shutdown'), [info]);
      await this.workers.stopAll();
      await this.uplink?.stop();
      await this.listener?.close();
      await this.session?.leave().catch(() => undefined);
      this.router.close();
      this.unlock?.();
      this.o.onShutdown?.(info);
      return info;
    })();
    return this.shuttingDown;
  }
}
