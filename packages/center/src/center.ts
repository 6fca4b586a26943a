/**
 * The DevOps Center: one router with the global realm and a WAMP realm per management
 * realm, one listener (WebSocket `/ws`, RawSocket, `/health`, `/metrics` on one port), the
 * center's authenticator, and a backend process per management realm. A reconcile loop
 * keeps the running realms equal to the realms in the database, so realms made on the
 * command line (or by another center) appear without a restart.
 * @module
 */
import { readFileSync } from 'node:fs';
import { GLOBAL_REALM, globalRealmRoles, managementRealmRoles } from '@cdc/api';
import { Router, limitsFromConfig } from '@cdc/router';
import type { AuthConfig, RealmConfig, RouterLimitsConfig } from '@cdc/router';
import { createStoreFactory, isStoreError } from '@cdc/store';
import type { DomainStore, StoreFactory } from '@cdc/store';
import { listen } from '@cdc/transport';
import type { Listener } from '@cdc/transport';
import type { Registry } from 'prom-client';
import { checkPrivateKeyModeSync } from '@cdc/cryptosign';
import { centerAuthenticator } from './auth.js';
import type { StoreLocation } from './backend/messages.js';
import { httpHandler } from './http.js';
import { centerHealth } from './health.js';
import { DEFAULT_LIMITS, HttpApi } from './http-api/index.js';
import type { HttpApiLimits } from './http-api/index.js';
import { tokenAuthenticator } from './tokens/authenticator.js';
import type { TokenAuthOptions } from './tokens/authenticator.js';
import { TokenExpiry } from './tokens/expiry.js';
import { LastUsed } from './tokens/last-used.js';
import { SignInLinks } from './sign-in-links.js';
import { defaultWebRoot, webUi } from './web-ui.js';
import { createMetrics } from './metrics.js';
import { addRealm, pairKeysDir } from './provision.js';
import type { KeyInfo } from './provision.js';
import { globalBackendOptions, serveRealmCreated } from './registration/center-link.js';
import type { GlobalBackendOptions } from './registration/center-link.js';
import { parseSmtpUrl } from './mail/mailer.js';
import { limitsWith } from './registration/limits.js';
import { BackendSupervisor } from './supervisor.js';
import type { ClusterMember, ClusterOptions } from './cluster/member.js';
import { openMember } from './cluster/serve.js';
import { startForwarding } from './cluster/forwarding.js';
import type { ClusterLink } from './cluster/link/index.js';
import type { RealmHost } from './cluster/serve.js';
import type { Logger } from '@cdc/protocol';
import { errorMessage } from '@cdc/protocol';

export const CENTER_VERSION = '0.1.0';

export interface CenterOptions {
  host?: string;
  port?: number;
  /** Data directory (SQLite files; also used with PostgreSQL for local state). */
  dir: string;
  /** PostgreSQL URL (`CDC_DATABASE_URL`); SQLite in `dir` when absent. */
  databaseUrl?: string | undefined;
  tls?: { key: string; cert: string } | undefined;
  logger: Logger;
  logLevel?: string;
  /** Heartbeat period nodes use (s); offline after missing about two and a half. */
  heartbeatPeriodS?: number;
  /** Create realm `default` owned by this key when the database has no realm. */
  bootstrapOwnerKey?: KeyInfo | undefined;
  /** Pair every `<dir>/<node_id>/key.pub` appearing here with `watchRealm`. */
  watchToPair?: { dir: string; realm: string } | undefined;
  reconcileIntervalMs?: number;
  /** Forward realm backend log lines. */
  onBackendLog?: (realm: string, line: string) => void;
  /** The global realm's backend: mail (SMTP or outbox) and registration limits (SPEC §4.4). */
  global?: GlobalBackendOptions;
  /** What one peer may cost: a router worker's `options.limits` keys (docs/RELIABILITY.md). */
  limits?: RouterLimitsConfig | undefined;
  /** The HTTP API's limits (SPEC §7; the CLI reads `CDC_HTTP_*`). */
  httpApi?: Partial<HttpApiLimits>;
  /** The web UI's built files, served at `/` (default: this checkout's `apps/web/dist/ui`); `null`: none. */
  webRoot?: string | null | undefined;
  /** Cluster mode (SPEC §9, PostgreSQL only): realms served only under their lease (`cluster/`). */
  cluster?: ClusterOptions | undefined;
}

function realmConfig(name: string): RealmConfig {
  return { name, roles: managementRealmRoles(), options: { uri_check: 'loose' } };
}

export class Center {
  readonly router: Router;
  readonly supervisor: BackendSupervisor;
  readonly metrics: Registry;
  readonly started = new Date();
  /** One-time links that grant a browser's key (the quickstart's way into the UI). */
  readonly signInLinks = new SignInLinks(() => this.domain);
  private factory: StoreFactory | undefined;
  private domainStore: DomainStore | undefined;
  private listener: Listener | undefined;
  private reconcileTimer: ReturnType<typeof setInterval> | undefined;
  private reconciling: Promise<void> | undefined;
  private readonly storeLocation: StoreLocation;
  private databaseReady = false;
  private readonly lastUsed: LastUsed;
  private tokenExpiry: TokenExpiry | undefined;
  private httpApiServer: HttpApi | undefined;
  /** Cluster mode: this instance's membership, and its internal link (after start). */
  member: ClusterMember | undefined;
  link: ClusterLink | undefined;

  constructor(private readonly o: CenterOptions) {
    this.router = new Router({
      logger: o.logger,
      agent: `cdc-center/${CENTER_VERSION}`,
      limits: limitsFromConfig(o.limits),
    });
    this.storeLocation = {
      dir: o.dir,
      ...(o.databaseUrl !== undefined ? { url: o.databaseUrl } : {}),
    };
    this.supervisor = new BackendSupervisor({
      router: this.router,
      store: this.storeLocation,
      log: o.logger,
      version: CENTER_VERSION,
      heartbeatPeriodS: o.heartbeatPeriodS ?? 10,
      logLevel: o.logLevel ?? 'info',
      ...(o.onBackendLog !== undefined ? { onLog: o.onBackendLog } : {}),
      // The lease is gone: a lease pass now lets the realm go.
      onFenced: () => void this.member?.tick(),
    });
    this.metrics = createMetrics(this.router, this.supervisor);
    // A private key others may read is refused, as ssh does.
    if (o.tls !== undefined) checkPrivateKeyModeSync(o.tls.key, 'TLS private key file');
    this.lastUsed = new LastUsed(
      () => this.domain,
      (obj, msg) => o.logger.warn(obj, msg),
    );
    // Refused here, before anything starts, rather than by a backend that keeps restarting.
    limitsWith(o.global?.registrationLimits);
    if (o.global?.smtpUrl !== undefined && o.global.smtpUrl !== '') parseSmtpUrl(o.global.smtpUrl);
    if (o.cluster !== undefined && o.databaseUrl === undefined)
      throw new Error('cluster mode needs PostgreSQL (CDC_DATABASE_URL); SQLite serves one center');
  }

  get domain(): DomainStore {
    if (this.domainStore === undefined) throw new Error('the center has not started');
    return this.domainStore;
  }

  /** The listener's WebSocket URL (`ws://host:port/ws`). */
  get url(): string {
    if (this.listener === undefined) throw new Error('the center has not started');
    return this.listener.url('/ws');
  }

  /** The HTTP API (after start). */
  get httpApi(): HttpApi {
    if (this.httpApiServer === undefined) throw new Error('the center has not started');
    return this.httpApiServer;
  }

  get rawSocketUrl(): string {
    if (this.listener === undefined) throw new Error('the center has not started');
    return this.listener.url();
  }

  async start(): Promise<void> {
    this.factory = createStoreFactory(this.storeLocation);
    this.domainStore = await this.factory.domain();
    if (this.o.cluster !== undefined) await this.joinCluster(this.o.cluster, this.factory);
    else {
      this.router.addRealm({ name: GLOBAL_REALM, roles: globalRealmRoles() });
      await this.serveCenterSession();
    }
    // Without its database the center still starts: it answers /health (503, saying why),
    // its API calls fail with database_unavailable, and reconcile keeps trying to prepare it.
    try {
      await this.prepareDatabase();
    } catch (e) {
      if (!isStoreError(e, 'UNAVAILABLE') && !isStoreError(e, 'READ_ONLY')) throw e;
      this.o.logger.error(
        { err: errorMessage(e) },
        'database unavailable at start; the center runs and keeps trying',
      );
    }
    // The backends start side by side (each is a process loading its modules, ~0.5 s here):
    // a restarted center listens, and its fleet reconnects, that much sooner.
    await Promise.all([
      this.member === undefined
        ? this.supervisor.ensure(GLOBAL_REALM, 'global', globalBackendOptions(this.o.global ?? {}))
        : undefined,
      this.reconcile(),
    ]);
    const tokens: TokenAuthOptions = {
      domain: () => this.domain,
      hasRealm: (name) => this.realmHere(name),
      used: (id) => this.lastUsed.note(id),
      expiry: (this.tokenExpiry = new TokenExpiry(this.router)),
      log: (obj, msg) => this.o.logger.warn(obj, msg),
    };
    const auth: AuthConfig = {
      ticket: { type: 'function', authenticate: tokenAuthenticator(tokens) },
      cryptosign: {
        type: 'function',
        authenticate: centerAuthenticator({
          domain: this.domain,
          hasRealm: (name) => this.realmHere(name),
          log: (obj, msg) => this.o.logger.warn(obj, msg),
        }),
      },
    };
    const api = (this.httpApiServer = new HttpApi({
      router: this.router,
      auth: () => auth,
      tokens,
      limits: { ...DEFAULT_LIMITS, ...this.o.httpApi },
      version: CENTER_VERSION,
      log: this.o.logger,
    }));
    const tls =
      this.o.tls !== undefined
        ? { key: readFileSync(this.o.tls.key), cert: readFileSync(this.o.tls.cert) }
        : undefined;
    const maxWrite = this.o.limits?.max_write_buffer;
    const writeBuffer = maxWrite !== undefined ? { maxWriteBuffer: maxWrite } : {};
    this.listener = await listen({
      endpoint: {
        type: 'tcp',
        host: this.o.host ?? '127.0.0.1',
        port: this.o.port ?? 9000,
        ...(tls !== undefined ? { tls } : {}),
      },
      websocket: {
        '/ws': {
          perMessageDeflate: true,
          autoPingInterval: 10_000,
          autoPingTimeout: 5_000,
          ...writeBuffer,
        },
      },
      rawsocket: { ...writeBuffer },
      maxPendingPerAddress: this.router.limits.limits.maxPendingPerAddress,
      http: httpHandler({
        health: () =>
          centerHealth({
            domain: this.domain,
            supervisor: this.supervisor,
            router: this.router,
            member: this.member,
            version: CENTER_VERSION,
            started: this.started,
          }),
        metrics: this.metrics,
        api: (req, res) => api.handle(req, res),
        web: this.o.webRoot === null ? undefined : webUi(this.o.webRoot ?? defaultWebRoot()),
        signInLinks: this.signInLinks,
      }),
      onTransport: (t) => this.router.accept(t, { auth }),
    });
    this.reconcileTimer = setInterval(
      () => void this.reconcile(),
      this.o.reconcileIntervalMs ?? 2000,
    );
    this.reconcileTimer.unref();
    // Placement begins once other instances can reach this one: its internal link first.
    if (this.member !== undefined) {
      const c = this.o.cluster;
      this.link = await startForwarding({
        member: this.member,
        router: this.router,
        metrics: this.metrics,
        logger: this.o.logger,
        host: c?.linkHost,
        port: c?.linkPort,
        admits: (realm) => this.router.hasRealm(realm) && this.supervisor.ready(realm),
      });
      await this.member.start(this.link.address);
    }
    this.o.logger.info({ url: this.url, realms: this.supervisor.realms() }, 'center started');
  }

  /** The schema migrated and the bootstrap realm made: once, when the database first answers. */
  private async prepareDatabase(): Promise<void> {
    if (this.databaseReady) return;
    await this.domain.migrate();
    if (this.o.bootstrapOwnerKey !== undefined && (await this.domain.listRealms()).length === 0) {
      const made = await addRealm(this.domain, 'default', this.o.bootstrapOwnerKey).then(
        () => true,
        // Another center instance on the same database (cluster mode) is making it, or made it.
        async (e: unknown) => {
          if (!isStoreError(e, 'ALREADY_EXISTS') && (await this.domain.listRealms()).length === 0)
            throw e;
          return false;
        },
      );
      if (made)
        this.o.logger.info(
          { realm: 'default', owner_key: this.o.bootstrapOwnerKey.pubkey },
          'created management realm "default"',
        );
    }
    this.databaseReady = true;
  }

  /** Bring the running realms and backends in line with the database (and watch-to-pair). */
  reconcile(): Promise<void> {
    this.reconciling ??= (async () => {
      try {
        await this.prepareDatabase();
        const wanted = new Set((await this.domain.listRealms()).map((r) => r.name));
        // Cluster mode: the lease keeper starts and stops realms (`cluster/serve.ts`).
        if (this.member !== undefined) await this.member.tick();
        const starting: Promise<void>[] = [];
        for (const name of this.member === undefined ? wanted : []) {
          if (!this.router.hasRealm(name)) {
            this.router.addRealm(realmConfig(name));
            this.o.logger.info({ realm: name }, 'management realm started');
          }
          starting.push(this.supervisor.ensure(name));
        }
        await Promise.all(starting);
        for (const name of this.member === undefined ? this.supervisor.realms() : []) {
          if (wanted.has(name) || name === GLOBAL_REALM) continue;
          await this.supervisor.stop(name);
          this.router.removeRealm(name, 'the management realm was deleted');
          this.o.logger.info({ realm: name }, 'management realm stopped');
        }
        const w = this.o.watchToPair;
        if (w !== undefined && wanted.has(w.realm)) {
          for (const p of await pairKeysDir(this.domain, w.realm, w.dir)) {
            this.o.logger.info(
              { realm: p.realm, node: p.node_id, pubkey: p.pubkey },
              'paired node from watched directory',
            );
          }
        }
      } catch (e) {
        this.o.logger.error({ err: errorMessage(e) }, 'reconcile failed; will retry');
      }
    })().finally(() => {
      this.reconciling = undefined;
    });
    return this.reconciling;
  }

  /** The center's own trusted session on the global realm (`realm_created`). */
  private serveCenterSession(): Promise<unknown> {
    return serveRealmCreated(
      this.router,
      () => this.reconcile(),
      (realm) =>
        (this.router.hasRealm(realm) && this.supervisor.ready(realm)) ||
        this.member?.ownerElsewhere(realm) !== undefined,
    );
  }

  /** Cluster mode: the membership, serving a realm here only while holding its lease. */
  private async joinCluster(options: ClusterOptions, factory: StoreFactory): Promise<void> {
    const host: RealmHost = {
      router: this.router,
      supervisor: this.supervisor,
      logger: this.o.logger,
      addRealm: (name) =>
        this.router.addRealm(
          name === GLOBAL_REALM
            ? { name: GLOBAL_REALM, roles: globalRealmRoles() }
            : realmConfig(name),
        ),
      global: {
        serveCenterSession: () => this.serveCenterSession(),
        options: globalBackendOptions(this.o.global ?? {}),
      },
    };
    const domain = (): DomainStore => this.domain;
    this.member = await openMember(host, { options, factory, domain, metrics: this.metrics });
  }

  /**
   * Whether a realm is served here (the authenticators ask). Cluster mode: or by another
   * instance, to which the router forwards the session once it is authenticated.
   */
  /**
   * Whether a session for the realm can be served: by its backend here once that is ready
   * (before, its procedures are missing and calls would get `no_such_procedure`; refused,
   * the client hears `backend_unavailable` and comes back), or forwarded to its owner.
   */
  private realmHere(name: string): boolean {
    return (
      (this.router.hasRealm(name) && this.supervisor.ready(name)) ||
      this.link?.hook.forwards(name) === true
    );
  }

  async stop(): Promise<void> {
    if (this.reconcileTimer !== undefined) clearInterval(this.reconcileTimer);
    await this.reconciling;
    // Cluster mode: hand every realm over now, so no one waits for our leases to expire.
    await this.member?.stop(true);
    await this.link?.close();
    await this.httpApiServer?.close();
    await this.listener?.close();
    await this.lastUsed.flush();
    this.tokenExpiry?.close();
    await this.supervisor.stopAll();
    this.router.close();
    await this.factory?.close();
  }
}
