/**
 * Components: JS modules whose default export is called with a joined session
 * (`export default async function (session, { id, extra, config, log }) {…}`; it may
 * return a function run when the component stops). Router components join in-process over
 * a memory transport; components with a `transport` connect to a router over it.
 * @module
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CrossbarErrors, WampError, errorMessage } from '@cdc/protocol';
import type { Transport, Logger } from '@cdc/protocol';
import { check } from '@cdc/config';
import type { ClientTransportConfig, ComponentConfig } from '@cdc/config';
import { joinSession } from '@cdc/client';
import type { Session } from '@cdc/client';
import type { Router } from '@cdc/router';
import { connect, createMemoryPair } from '@cdc/transport';
import { alreadyRunning, asWamp, noSuchObject } from './errors.js';

export interface ComponentContext {
  id: string;
  extra: unknown;
  config: ComponentConfig;
  log: Logger;
}

export type ComponentMain = (session: Session, ctx: ComponentContext) => unknown;

export interface ComponentInfo {
  id: string;
  started: string;
  uptime: number;
  config: ComponentConfig;
}

interface Running {
  config: ComponentConfig;
  started: Date;
  session: Session;
  cleanup: (() => unknown) | undefined;
}

function failed(uri: string, message: string): WampError {
  return WampError.of(uri, message);
}

export class ComponentRunner {
  private readonly running = new Map<string, Running>();
  /** Extra directories module paths resolve against, searched in order (the node's "pythonpath"). */
  readonly searchPaths: string[] = [];

  constructor(
    private readonly router: Router | undefined,
    private readonly baseDir: string,
    private readonly logger: Logger,
  ) {}

  async start(id: string, config: ComponentConfig): Promise<ComponentInfo> {
    asWamp(() => check('component', config));
    if (this.running.has(id)) throw alreadyRunning('component', id);
    const main = await this.load(config);
    const transport = await this.transportFor(config);
    let session: Session;
    try {
      session = await joinSession(transport, { realm: config.realm, authid: `component-${id}` });
    } catch (e) {
      transport.close();
      throw failed(
        CrossbarErrors.CANNOT_START,
        `component "${id}" could not join realm "${config.realm}": ${errorMessage(e)}`,
      );
    }
    const log = this.logger;
    let cleanup: (() => unknown) | undefined;
    try {
      const r = await main(session, { id, extra: config.extra, config, log });
      if (typeof r === 'function') cleanup = r as () => unknown;
    } catch (e) {
      await session.leave().catch(() => undefined);
      transport.close();
      throw failed(
        CrossbarErrors.CANNOT_START,
        `component "${id}" failed to start: ${errorMessage(e)}`,
      );
    }
    const entry: Running = { config, started: new Date(), session, cleanup };
    this.running.set(id, entry);
    session.onLeave(() => {
      if (this.running.get(id) === entry) {
        this.running.delete(id);
        this.logger.warn({ component: id }, 'component session closed');
      }
    });
    this.logger.info({ component: id, realm: config.realm }, 'component started');
    return this.info(id, entry);
  }

  async stop(id: string): Promise<{ id: string }> {
    const entry = this.running.get(id);
    if (entry === undefined) throw noSuchObject('component', id);
    this.running.delete(id);
    try {
      await entry.cleanup?.();
    } catch (e) {
      this.logger.warn({ component: id, err: e }, 'component cleanup failed');
    }
    await entry.session.leave().catch(() => undefined);
    this.logger.info({ component: id }, 'component stopped');
    return { id };
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.stop(id)));
  }

  list(): string[] {
    return [...this.running.keys()].sort();
  }

  get(id: string): ComponentInfo {
    const entry = this.running.get(id);
    if (entry === undefined) throw noSuchObject('component', id);
    return this.info(id, entry);
  }

  private info(id: string, e: Running): ComponentInfo {
    return {
      id,
      started: e.started.toISOString(),
      uptime: (Date.now() - e.started.getTime()) / 1000,
      config: e.config,
    };
  }

  /** Resolve and import the module; fresh on every start, so a restart picks up changes. */
  private async load(config: ComponentConfig): Promise<ComponentMain> {
    const path = config.path ?? config.classname;
    if (path === undefined)
      throw failed(CrossbarErrors.INVALID_CONFIGURATION, 'a component needs "path"');
    const candidates = isAbsolute(path)
      ? [path]
      : [...this.searchPaths, this.baseDir].map((d) => resolve(d, path));
    let lastError: unknown;
    for (const file of candidates) {
      try {
        const mod = (await import(`${pathToFileURL(file).href}?t=${Date.now()}`)) as {
          default?: unknown;
        };
        if (typeof mod.default !== 'function') {
          throw failed(
            CrossbarErrors.CLASS_IMPORT_FAILED,
            `module "${file}" has no default export function`,
          );
        }
        return mod.default as ComponentMain;
      } catch (e) {
        if (e instanceof WampError) throw e;
        lastError = e;
        if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') break;
      }
    }
    throw failed(
      CrossbarErrors.CLASS_IMPORT_FAILED,
      `cannot load component module "${path}": ${errorMessage(lastError)}`,
    );
  }

  private async transportFor(config: ComponentConfig): Promise<Transport> {
    if (config.transport !== undefined) return connectClient(config.transport);
    if (this.router === undefined) {
      throw failed(
        CrossbarErrors.INVALID_CONFIGURATION,
        'a container component needs a "transport"',
      );
    }
    const [client, server] = createMemoryPair({ serialize: false });
    // In-process components get the role from their config; nothing else can join this way.
    this.router.accept(server, {
      auth: { anonymous: { type: 'static', role: config.role ?? 'trusted', authid: 'component' } },
    });
    return client;
  }
}

/** Connect to a router as a Crossbar.io client transport config describes. */
export async function connectClient(t: ClientTransportConfig): Promise<Transport> {
  const ep = t.endpoint;
  let url = t.url;
  if (url === undefined) {
    if (ep.type === 'unix')
      url = t.type === 'rawsocket' ? `unix:${ep.path ?? ''}` : `ws+unix:${ep.path ?? ''}:/ws`;
    else {
      const scheme = t.type === 'rawsocket' ? 'rs' : 'ws';
      url = `${ep.tls !== undefined ? `${scheme}s` : scheme}://${ep.host ?? '127.0.0.1'}:${ep.port ?? 8080}${t.type === 'rawsocket' ? '' : '/ws'}`;
    }
  }
  try {
    return await connect(url, {
      ...(t.serializers !== undefined ? { serializers: t.serializers } : {}),
      ...(t.serializer !== undefined ? { serializer: t.serializer } : {}),
      ...(ep.tls?.hostname !== undefined ? { tls: { servername: ep.tls.hostname } } : {}),
      // Crossbar.io's connect timeout is in seconds.
      ...(ep.timeout !== undefined ? { timeoutMs: ep.timeout * 1000 } : {}),
    });
  } catch (e) {
    throw failed(CrossbarErrors.CANNOT_CONNECT, `cannot connect to ${url}: ${errorMessage(e)}`);
  }
}
