/**
 * The node's management uplink to a center (SPEC §5.1), behaving like a Crossbar.io 22
 * edge: cryptosign with the node key and no realm (the center assigns realm and node ID),
 * reconnect forever with backoff and jitter, the management bridge, heartbeats, and the
 * `crossbarfabriccenter.mrealm.get_status` probe before the node calls itself managed.
 * @module
 */
import { AbortError, Connection, Failover, SessionClosedError } from '@cdc/client';
import type { RetryOptions, Session } from '@cdc/client';
import { WampError, WampErrors, errorMessage } from '@cdc/protocol';
import type { Transport, Logger } from '@cdc/protocol';
import { KeySigner } from '@cdc/cryptosign';
import type { SigningKey } from '@cdc/cryptosign';
import { connect, parseTransportUrl } from '@cdc/transport';
import { MREALM_GET_STATUS, CdcErrors, controllerUri, nodeCall } from '@cdc/api';
import { ManagementBridge } from './bridge.js';
import type { UplinkTarget } from './config.js';
import { HeartbeatLoop } from './heartbeat.js';
import type { HeartbeatSource } from './heartbeat.js';

/** What the node records about its management session (reported by `crossbar.get_status`). */
export interface ManagementInfo {
  realm: string;
  nodeId: string;
  sessionId: number;
  extra: Record<string, unknown>;
}

/** What the uplink needs from the node controller. */
export interface UplinkHost extends Omit<HeartbeatSource, 'call'> {
  readonly logger: Logger;
  readonly key: SigningKey;
  readonly version: string;
  /** A new trusted session on the node's local management realm. */
  openLocalSession(): Promise<Session>;
  /** Record (or clear) the management session. */
  setManagement(info: ManagementInfo | undefined): void;
  /** Publish an event on the local management realm. */
  publishLocal(topic: string, args: unknown[]): void;
}

export interface UplinkOptions {
  target: UplinkTarget;
  /** Reconnect delays; default 0.5 s growing ×1.5 up to 30 s, full jitter, forever. */
  retry?: RetryOptions | undefined;
  /** Between `crossbarfabriccenter.mrealm.get_status` probes while the realm is not up (5 s). */
  probeIntervalMs?: number | undefined;
  /** Give up on a handshake after this long (ms, default 30 s). */
  joinTimeoutMs?: number | undefined;
}

/** ABORT reasons for a key the center does not know (ours and Crossbar.io's master's). */
const UNPAIRED = new Set([CdcErrors.NODE_UNPAIRED, 'fabric.auth-failed.node-unpaired']);
/** What a real edge offers, in its order: CBOR first. */
const SERIALIZERS = ['cbor', 'msgpack', 'json'] as const;

function errorKey(e: unknown): string {
  if (e instanceof WampError) return e.uri;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : String(e);
}

/** Refusals by a clustered center's instance after which the next URL is tried. */
const MOVE_ON = new Set<string>([CdcErrors.REALM_MOVED, CdcErrors.BACKEND_UNAVAILABLE]);

export class ManagementUplink {
  private connection: Connection | undefined;
  private local: Session | undefined;
  private bridge: ManagementBridge | undefined;
  private current:
    | { session: Session; info: ManagementInfo; heartbeat: HeartbeatLoop; managed: boolean }
    | undefined;
  private probeTimer: ReturnType<typeof setTimeout> | undefined;
  /** Ends the probe's current wait early (the session ended). */
  private probeWake: (() => void) | undefined;
  /** Failure kinds already logged in the current streak of failed attempts. */
  private readonly streak = new Set<string>();
  private stopped = false;
  private readonly tls: boolean;
  private readonly failover: Failover;

  constructor(
    private readonly host: UplinkHost,
    private readonly o: UplinkOptions,
  ) {
    const tls = new Set<boolean>();
    for (const url of o.target.urls) {
      try {
        tls.add(parseTransportUrl(url).tls);
      } catch (e) {
        // Say where the bad URL came from (config path or environment variable).
        throw new Error(`management uplink URL from ${o.target.source}: ${errorMessage(e)}`, {
          cause: e,
        });
      }
    }
    // Channel binding is set once per connection, so the instances agree on TLS.
    if (tls.size > 1)
      throw new Error(
        `management uplink URLs from ${o.target.source} mix TLS and plain connections: ${o.target.urls.join(', ')}`,
      );
    this.tls = tls.has(true);
    this.failover = new Failover(o.target.urls, (url) => this.connect(url));
  }

  /** The center URL of the current (or next) connection. */
  get url(): string {
    return this.failover.current;
  }

  /** The management session while joined. */
  get management(): ManagementInfo | undefined {
    return this.current?.info;
  }

  /** The upstream session while joined (for diagnostics and tests). */
  get session(): Session | undefined {
    return this.current?.session;
  }

  /** Joined and the center's realm backend answered the probe. */
  get managed(): boolean {
    return this.current?.managed === true;
  }

  /** Start the bridge on the local realm and begin connecting (in the background). */
  async start(): Promise<void> {
    const log = this.host.logger;
    this.local = await this.host.openLocalSession();
    const local = this.local;
    this.bridge = new ManagementBridge({
      local,
      logger: log,
      onSetNodeId: (uri, nodeId) => {
        local.call(uri, [nodeId]).catch((e: unknown) => {
          log.debug({ procedure: uri, err: errorMessage(e) }, 'set_node_id failed');
        });
      },
    });
    await this.bridge.start();
    const signer = new KeySigner(this.host.key, 'node key');
    const target = this.o.target;
    this.connection = new Connection({
      transport: this.failover.connect,
      realm: null,
      // As a Crossbar.io edge: no authid (the center assigns the node ID), role "node".
      authrole: 'node',
      authmethods: ['cryptosign'],
      signer,
      channelBinding: this.tls ? 'tls-unique' : null,
      authextra: {
        pubkey: signer.publicKeyHex,
        trustroot: null,
        challenge: null,
        channel_binding: this.tls ? 'tls-unique' : null,
      },
      agent: `cdc-node/${this.host.version}`,
      joinTimeout: this.o.joinTimeoutMs,
      // A shutdown should not hang on a center that no longer answers.
      goodbyeTimeout: 2000,
      ...this.o.retry,
      // A node waits for its center forever: pairing, a center restart, a fixed
      // misconfiguration all resolve without touching the node.
      shouldRetry: () => !this.stopped,
      onError: (e, where) => log.warn({ err: errorMessage(e), where }, 'management uplink error'),
    });
    this.connection.onJoin((s) => {
      // Every step handles its own failures; this only keeps a bug from killing the node.
      this.joined(s).catch((e: unknown) => {
        log.error({ err: errorMessage(e) }, 'management uplink setup failed');
      });
    });
    this.connection.onLeave((info) => this.left(info.reason, info.message));
    this.connection.onRetry((delay, attempt, e) => this.retrying(delay, attempt, e));
    log.info({ urls: target.urls, source: target.source }, 'connecting the management uplink');
    void this.connection.open().catch(() => undefined);
  }

  /** Leave the center with GOODBYE (node shutdown); idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopTimers();
    // Let what is already on its way (the shutdown event, a last YIELD) get out first.
    await this.bridge?.flush();
    await this.connection?.close().catch(() => undefined);
    await this.local?.leave().catch(() => undefined);
  }

  private connect(url: string): Promise<Transport> {
    const t = this.o.target;
    return connect(url, {
      serializers: SERIALIZERS,
      ...(t.tls !== undefined ? { tls: t.tls } : {}),
      // A dead TCP connection (NAT timeout, center host gone) is noticed within ~15 s.
      autoPingInterval: 10_000,
      autoPingTimeout: 5_000,
    });
  }

  private retrying(delay: number, attempt: number, e: unknown): void {
    if (this.stopped) return;
    const log = this.host.logger;
    const ctx = { url: this.url, attempt, retry_in_ms: delay };
    // A clustered center's instance that does not serve our realm: try the next URL.
    if (e instanceof AbortError && MOVE_ON.has(e.uri)) this.failover.moveOn();
    // The first retry after losing a joined session: left() has said so already.
    if (attempt === 1 && e instanceof SessionClosedError)
      return log.debug({ ...ctx, err: errorMessage(e) }, 'management uplink retry');
    const key = errorKey(e);
    const first = !this.streak.has(key);
    this.streak.add(key);
    if (UNPAIRED.has(key)) {
      if (!first) return log.debug({ ...ctx, reason: key }, 'node still unpaired');
      const pubkey = this.host.key.publicKeyHex;
      log.warn(
        { ...ctx, reason: key, pubkey },
        `This node is not paired with a management realm. Its public key: ${pubkey}. ` +
          `Pair it on the center: cdc center pair-node --realm <realm> --node-id <node-id> --pubkey ${pubkey}. ` +
          'The node keeps trying and comes online by itself once paired.',
      );
      return;
    }
    if (!first) return log.debug({ ...ctx, err: errorMessage(e) }, 'management uplink retry');
    // A refusal by the center needs an operator; a network problem usually heals itself.
    if (e instanceof AbortError)
      log.error(
        { ...ctx, reason: key, err: errorMessage(e) },
        'the center refused the node; retrying',
      );
    else log.warn({ ...ctx, err: errorMessage(e) }, 'cannot reach the center; retrying');
  }

  private async joined(session: Session): Promise<void> {
    const log = this.host.logger;
    const nodeId = session.authid;
    if (nodeId === undefined || nodeId === '') {
      // Cannot happen with a WAMP-conformant center (WELCOME always has one); stop rather than
      // bridge under a made-up ID.
      log.error({ realm: session.realm }, 'the center assigned no node ID; giving up the uplink');
      void session.leave();
      return;
    }
    this.streak.clear();
    const info: ManagementInfo = {
      realm: session.realm,
      nodeId,
      sessionId: session.id,
      extra: session.authextra,
    };
    const heartbeat = new HeartbeatLoop({
      session,
      nodeId,
      realm: info.realm,
      settings: this.o.target.heartbeat,
      source: {
        workersByType: () => this.host.workersByType(),
        nativeWorkers: () => this.host.nativeWorkers(),
        call: async (name, args) => {
          const c = nodeCall(name, args);
          return c.answer((await this.localSession.call(c.uri, c.args)).value, 'the node');
        },
      },
      logger: log,
      version: this.host.version,
      pubkey: this.host.key.publicKeyHex,
    });
    this.current = { session, info, heartbeat, managed: false };
    this.host.setManagement(info);
    log.info(
      { url: this.url, realm: info.realm, node_id: nodeId, session: session.id },
      'management uplink joined',
    );
    const t0 = performance.now();
    const count = await (this.bridge as ManagementBridge).attach(session, nodeId);
    if (!this.isCurrent(session)) return;
    log.info(
      { procedures: count, ms: Math.round(performance.now() - t0) },
      'node procedures registered on the center',
    );
    heartbeat.start();
    void this.probe(session);
  }

  /** Whether `session` is the joined uplink session (checked again after every await). */
  private isCurrent(session: Session): boolean {
    return this.current?.session === session && session.isOpen;
  }

  private get localSession(): Session {
    if (this.local === undefined) throw new Error('the uplink has not started');
    return this.local;
  }

  /** Call the realm's status until its backend answers: only then is the node managed. */
  private async probe(session: Session): Promise<void> {
    const log = this.host.logger;
    let waitingLogged = false;
    while (this.isCurrent(session)) {
      try {
        await session.call(MREALM_GET_STATUS);
      } catch (e) {
        if (!this.isCurrent(session)) return;
        const waiting = e instanceof WampError && e.uri === WampErrors.NO_SUCH_PROCEDURE;
        if (!waitingLogged)
          log[waiting ? 'info' : 'warn'](
            { procedure: MREALM_GET_STATUS, err: errorMessage(e) },
            waiting
              ? 'waiting for the management realm backend'
              : 'management realm status probe failed; trying again',
          );
        waitingLogged = true;
        await new Promise<void>((r) => {
          this.probeWake = r;
          this.probeTimer = setTimeout(r, this.o.probeIntervalMs ?? 5000);
          this.probeTimer.unref();
        });
        continue;
      }
      const cur = this.current;
      if (cur === undefined || !this.isCurrent(session)) return;
      cur.managed = true;
      log.info(
        { realm: cur.info.realm, node_id: cur.info.nodeId, url: this.url },
        'node is managed by the center',
      );
      this.host.publishLocal(controllerUri('on_management_connected'), [
        {
          url: this.url,
          realm: cur.info.realm,
          node_id: cur.info.nodeId,
          session_id: cur.info.sessionId,
        },
      ]);
      return;
    }
  }

  private left(reason: string, message: string | undefined): void {
    const cur = this.current;
    this.current = undefined;
    this.stopTimers(cur);
    this.bridge?.detach();
    if (cur === undefined) return;
    this.host.setManagement(undefined);
    const log = this.host.logger;
    if (this.stopped) log.info({ reason }, 'management uplink closed');
    else log.warn({ reason, message, url: this.url }, 'management uplink lost; reconnecting');
    this.host.publishLocal(controllerUri('on_management_disconnected'), [
      { url: this.url, realm: cur.info.realm, node_id: cur.info.nodeId, reason },
    ]);
  }

  private stopTimers(cur = this.current): void {
    cur?.heartbeat.stop();
    if (this.probeTimer !== undefined) clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    this.probeWake?.();
    this.probeWake = undefined;
  }
}
