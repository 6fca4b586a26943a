/**
 * A router with everything a router worker config holds — realms, roles, transports, web
 * services and components — each started and stopped live by ID, and read back as one
 * config (`runningConfig`). `cdc router start` runs one from a config file; the node's
 * router worker process drives one over its management API.
 * @module
 */
import { CrossbarErrors, WampError, errorMessage, silentLogger } from '@cdc/protocol';
import { check, withWebPaths } from '@cdc/config';
import type {
  ComponentConfig,
  WorkerRealmConfig,
  RouterWorkerConfig,
  TransportConfig,
  WebPathConfig,
} from '@cdc/config';
import { Router } from '@cdc/router';
import type { RoleConfig, RouterOptions } from '@cdc/router';
import { ListenError } from '@cdc/transport';
import type { ListenerAddress } from '@cdc/transport';
import { ComponentRunner } from './components.js';
import type { ComponentInfo } from './components.js';
import { alreadyRunning, asWamp, noSuchObject } from './errors.js';
import { applyLimits } from './limits.js';
import { startTransport } from './transports.js';
import type { StartedTransport } from './transports.js';
import { createWebService } from './web/services.js';
import type { WebTree } from './web/tree.js';
import type { WebContext } from './web/services.js';
import type { Logger } from '@cdc/protocol';

export interface RouterHostOptions {
  logger?: Logger;
  /** Relative paths in configs (TLS files, static directories, component modules) resolve here. */
  baseDir?: string;
  /** What a `nodeinfo` web service shows. */
  nodeInfo?: () => Record<string, unknown>;
  router?: RouterOptions;
}

interface RealmEntry {
  config: WorkerRealmConfig;
  started: string;
  /** Role ID → role name (roles are addressed by ID, the router knows them by name). */
  roles: Map<string, RoleConfig>;
}

interface TransportEntry extends StartedTransport {
  id: string;
  config: TransportConfig;
  started: string;
}

export interface TransportInfo {
  id: string;
  type: string;
  config: TransportConfig;
  started: string;
  address: ListenerAddress;
  connections: number;
}

/** The paths of a web tree with the configs they run. */
function livePaths(tree: WebTree): Record<string, WebPathConfig> {
  const out: Record<string, WebPathConfig> = {};
  for (const p of tree.paths()) {
    const c = tree.config(p);
    if (c !== undefined) out[p] = c;
  }
  return out;
}

export class RouterHost {
  readonly router: Router;
  readonly logger: Logger;
  readonly baseDir: string;
  private readonly realms = new Map<string, RealmEntry>();
  private readonly transports = new Map<string, TransportEntry>();
  private readonly web: WebContext;
  readonly components: ComponentRunner;

  constructor(options: RouterHostOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    this.baseDir = options.baseDir ?? process.cwd();
    this.router = new Router({ logger: this.logger, ...options.router });
    this.web = {
      router: this.router,
      baseDir: this.baseDir,
      nodeInfo: options.nodeInfo ?? (() => ({ pid: process.pid })),
    };
    this.components = new ComponentRunner(this.router, this.baseDir, this.logger);
  }

  /** Start everything in a router worker config; on failure, stop what was started and rethrow. */
  async start(worker: RouterWorkerConfig): Promise<void> {
    try {
      applyLimits(this.router, worker.options?.limits);
      for (const r of worker.realms ?? []) this.startRealm(r.id ?? r.name, r);
      for (const t of worker.transports ?? [])
        await this.startTransport(t.id ?? `transport${this.transports.size + 1}`, t);
      for (const c of worker.components ?? [])
        await this.components.start(c.id ?? `component${this.components.list().length + 1}`, c);
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  async stop(): Promise<void> {
    await this.components.stopAll();
    await Promise.all([...this.transports.keys()].map((id) => this.stopTransport(id)));
    for (const id of [...this.realms.keys()]) this.stopRealm(id);
    this.router.close();
  }

  // --- realms and roles -------------------------------------------------------------

  startRealm(id: string, config: WorkerRealmConfig): { id: string; name: string; started: string } {
    asWamp(() => check('realm', config));
    if (this.realms.has(id)) throw alreadyRunning('realm', id);
    if (this.router.hasRealm(config.name)) {
      throw WampError.of(
        CrossbarErrors.ALREADY_EXISTS,
        `a realm named "${config.name}" runs already`,
      );
    }
    this.router.addRealm(config);
    const roles = new Map<string, RoleConfig>();
    for (const r of config.roles ?? [])
      roles.set((r as RoleConfig & { id?: string }).id ?? r.name, r);
    const entry: RealmEntry = { config, started: new Date().toISOString(), roles };
    this.realms.set(id, entry);
    this.logger.info({ realm: config.name, id }, 'realm started');
    return { id, name: config.name, started: entry.started };
  }

  stopRealm(id: string): { id: string; name: string } {
    const entry = this.realm(id);
    this.realms.delete(id);
    this.router.removeRealm(entry.config.name, 'the realm was stopped');
    this.logger.info({ realm: entry.config.name, id }, 'realm stopped');
    return { id, name: entry.config.name };
  }

  getRealms(): string[] {
    return [...this.realms.keys()];
  }

  getRealm(id: string): {
    id: string;
    name: string;
    config: WorkerRealmConfig;
    started: string;
    sessions: number;
    roles: string[];
  } {
    const e = this.realm(id);
    return {
      id,
      name: e.config.name,
      config: e.config,
      started: e.started,
      sessions: this.router.getRealm(e.config.name)?.sessions.size ?? 0,
      roles: [...e.roles.keys()],
    };
  }

  /** Realm ID for a realm name (components and bridges address realms by name). */
  realmIdByName(name: string): string | undefined {
    for (const [id, e] of this.realms) if (e.config.name === name) return id;
    return undefined;
  }

  startRole(realmId: string, roleId: string, config: RoleConfig): { id: string; name: string } {
    asWamp(() => check('role', config));
    const e = this.realm(realmId);
    if (e.roles.has(roleId)) throw alreadyRunning('role', roleId);
    this.router.getRealm(e.config.name)?.setRole(config);
    e.roles.set(roleId, config);
    return { id: roleId, name: config.name };
  }

  stopRole(realmId: string, roleId: string): { id: string; name: string } {
    const e = this.realm(realmId);
    const role = e.roles.get(roleId);
    if (role === undefined) throw noSuchObject('role', roleId);
    e.roles.delete(roleId);
    this.router.getRealm(e.config.name)?.removeRole(role.name);
    return { id: roleId, name: role.name };
  }

  getRoles(realmId: string): string[] {
    return [...this.realm(realmId).roles.keys()];
  }

  getRole(realmId: string, roleId: string): { id: string; config: RoleConfig } {
    const role = this.realm(realmId).roles.get(roleId);
    if (role === undefined) throw noSuchObject('role', roleId);
    return { id: roleId, config: role };
  }

  private realm(id: string): RealmEntry {
    const e = this.realms.get(id);
    if (e === undefined) throw noSuchObject('realm', id);
    return e;
  }

  // --- transports -------------------------------------------------------------------

  async startTransport(id: string, config: TransportConfig): Promise<TransportInfo> {
    asWamp(() => check('transport', config));
    if (this.transports.has(id)) throw alreadyRunning('transport', id);
    let started: StartedTransport;
    try {
      started = await startTransport(this.router, config, this.web);
    } catch (e) {
      if (e instanceof ListenError) throw WampError.of(CrossbarErrors.CANNOT_LISTEN, e.message);
      throw e;
    }
    const entry: TransportEntry = { id, config, started: new Date().toISOString(), ...started };
    this.transports.set(id, entry);
    this.logger.info(
      { transport: id, type: config.type, address: started.listener.address },
      'transport started',
    );
    return this.transportInfo(entry);
  }

  async stopTransport(id: string): Promise<{ id: string }> {
    const e = this.transport(id);
    this.transports.delete(id);
    await e.listener.close();
    e.dispose();
    this.logger.info({ transport: id }, 'transport stopped');
    return { id };
  }

  getTransports(): string[] {
    return [...this.transports.keys()];
  }

  getTransport(id: string): TransportInfo {
    return this.transportInfo(this.transport(id));
  }

  /** A URL a client can use for the transport (WebSocket path, or RawSocket without one). */
  transportUrl(id: string, path?: string): string {
    return this.transport(id).listener.url(path);
  }

  private transport(id: string): TransportEntry {
    const e = this.transports.get(id);
    if (e === undefined) throw noSuchObject('transport', id);
    return e;
  }

  private transportInfo(e: TransportEntry): TransportInfo {
    return {
      id: e.id,
      type: e.config.type,
      config: e.config,
      started: e.started,
      address: e.listener.address,
      connections: e.listener.connections,
    };
  }

  /**
   * What runs, as the parts of a router worker config: realms with their roles, transports
   * with the web paths running now, and components, each with its ID (sorted by ID).
   */
  runningConfig(): Required<Pick<RouterWorkerConfig, 'realms' | 'transports' | 'components'>> {
    const byId = <T>(m: Map<string, T>): [string, T][] =>
      [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return {
      realms: byId(this.realms).map(([id, e]) => ({
        ...e.config,
        id,
        roles: [...e.roles].map(([roleId, role]) => ({ ...role, id: roleId })),
      })),
      transports: byId(this.transports).map(([id, e]) => ({
        ...(e.web === undefined ? e.config : withWebPaths(e.config, livePaths(e.web))),
        id,
      })),
      components: this.components.list().map((id) => ({ ...this.components.get(id).config, id })),
    };
  }

  // --- web services -----------------------------------------------------------------

  /** Start a web service of any type (a `websocket` path too) on a running transport. */
  async startWebService(
    transportId: string,
    path: string,
    config: WebPathConfig,
  ): Promise<{ transport_id: string; path: string; config: WebPathConfig }> {
    asWamp(() => check('webPath', config));
    const tree = this.webTree(transportId);
    if (tree.get(path) !== undefined) throw alreadyRunning('web service', path);
    if (config.type === 'websocket') {
      try {
        await this.transport(transportId).addWebSocket(path, config);
      } catch (e) {
        throw WampError.of(
          CrossbarErrors.CANNOT_START,
          `WebSocket path "${path}": ${errorMessage(e)}`,
        );
      }
    }
    tree.set(path, createWebService(config, this.web), config);
    return { transport_id: transportId, path, config };
  }

  getWebService(
    transportId: string,
    path: string,
  ): { transport_id: string; path: string; config: WebPathConfig } {
    const config = this.webTree(transportId).config(path);
    if (config === undefined) throw noSuchObject('web service', path);
    return { transport_id: transportId, path, config };
  }

  stopWebService(transportId: string, path: string): { transport_id: string; path: string } {
    const tree = this.webTree(transportId);
    const config = tree.config(path);
    if (!tree.delete(path)) throw noSuchObject('web service', path);
    if (config?.type === 'websocket') this.transport(transportId).removeWebSocket(path);
    return { transport_id: transportId, path };
  }

  getWebServices(transportId: string): string[] {
    return this.webTree(transportId).paths();
  }

  private webTree(transportId: string) {
    const e = this.transport(transportId);
    if (e.web === undefined) {
      throw WampError.of(
        CrossbarErrors.FEATURE_UNAVAILABLE,
        `transport "${transportId}" is not a web transport`,
      );
    }
    return e.web;
  }

  // --- components -------------------------------------------------------------------

  startComponent(id: string, config: ComponentConfig): Promise<ComponentInfo> {
    return this.components.start(id, config);
  }

  stopComponent(id: string): Promise<{ id: string }> {
    return this.components.stop(id);
  }
}
