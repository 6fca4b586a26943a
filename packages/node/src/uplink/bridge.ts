/**
 * The management bridge (Crossbar.io's `NodeManagementBridgeSession`): every procedure
 * registered on the node's local management realm under `crossbar.` is registered on the
 * center as `crossbarfabriccenter.node.<node_id>.<suffix>` and forwards calls to the local
 * URI; every local `crossbar.` event is republished there under the same mapping. The local
 * side is watched continuously through the registration meta API, so the upstream side can
 * be rebuilt in one pipelined burst after every reconnect.
 * @module
 */
import { CallResult } from '@cdc/client';
import type {
  CallOptions,
  Dict,
  InvocationDetails,
  MatchPolicy,
  Registration,
  Session,
} from '@cdc/client';
import type { Args, Kwargs, Logger } from '@cdc/protocol';
import { LOCAL_PREFIX, nodeProcedure, parseLocalUri } from '@cdc/api';
import type { WorkerProcedure } from '@cdc/api';

const SET_NODE_ID: WorkerProcedure = 'set_node_id';

/** A worker's `set_node_id` (`crossbar.worker.<id>.set_node_id`). */
function isSetNodeId(uri: string): boolean {
  const p = parseLocalUri(uri);
  return p?.workerId !== undefined && p.name === SET_NODE_ID;
}

interface LocalRegistration {
  id: number;
  uri: string;
  match: MatchPolicy;
  /** The upstream registration for the current uplink session, once asked for. */
  upstream?: Promise<Registration | undefined> | undefined;
}

interface Upstream {
  session: Session;
  nodeId: string;
  /** `crossbarfabriccenter.node.<node_id>.` */
  prefix: string;
}

export interface BridgeOptions {
  /** A trusted session on the node's local management realm, owned by the bridge. */
  local: Session;
  logger: Logger;
  /**
   * A worker's `set_node_id` is there to be called while attached (a worker that started
   * before or after the uplink joined).
   */
  onSetNodeId?: (localUri: string, nodeId: string) => void;
}

function isRegInfo(v: unknown): v is { id: number; uri: string; match?: MatchPolicy } {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Dict)['id'] === 'number' &&
    typeof (v as Dict)['uri'] === 'string'
  );
}

export class ManagementBridge {
  private readonly regs = new Map<number, LocalRegistration>();
  /** Deletions seen while the initial listing was still being fetched. */
  private readonly deletedEarly = new Set<number>();
  private syncing = false;
  private up: Upstream | undefined;
  /** Upstream REGISTERs not yet answered. */
  private readonly registering = new Set<Promise<unknown>>();
  /** Upstream REGISTERs and PUBLISHes not yet answered. */
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(private readonly o: BridgeOptions) {}

  /** How many local procedures are bridged. */
  get size(): number {
    return this.regs.size;
  }

  /** Start watching the local realm: registrations (meta API) and `crossbar.` events. */
  async start(): Promise<void> {
    const s = this.o.local;
    // Subscribe before listing so nothing registered in between is missed.
    await s.subscribe('wamp.registration.on_create', (args) => {
      if (isRegInfo(args[1])) this.created(args[1]);
    });
    await s.subscribe('wamp.registration.on_delete', (args) => {
      if (typeof args[1] === 'number') this.removed(args[1]);
    });
    await s.subscribe(LOCAL_PREFIX, (args, kwargs, d) => this.event(d.topic, args, kwargs), {
      match: 'prefix',
    });
    this.syncing = true;
    try {
      const list = (await s.call('wamp.registration.list')).value as Record<string, number[]>;
      const ids = [
        ...(list['exact'] ?? []),
        ...(list['prefix'] ?? []),
        ...(list['wildcard'] ?? []),
      ];
      // Pipelined: one round trip for all of them, not one each.
      const infos = await Promise.all(
        ids.map((id) =>
          s.call('wamp.registration.get', [id]).then(
            (r) => r.value,
            () => undefined, // gone in the meantime
          ),
        ),
      );
      for (const info of infos) if (isRegInfo(info)) this.created(info);
    } finally {
      this.syncing = false;
      this.deletedEarly.clear();
    }
  }

  /**
   * Mirror everything upstream on a freshly joined uplink session (all REGISTERs sent at
   * once); resolves with how many procedures are registered there.
   */
  async attach(session: Session, nodeId: string): Promise<number> {
    const up: Upstream = {
      session,
      nodeId,
      prefix: nodeProcedure(nodeId, ''),
    };
    this.up = up;
    const all = [...this.regs.values()].map((r) => this.registerUpstream(r, up));
    for (const r of this.regs.values()) if (isSetNodeId(r.uri)) this.o.onSetNodeId?.(r.uri, nodeId);
    const done = await Promise.all(all);
    return done.filter((r) => r !== undefined).length;
  }

  /** The uplink session ended: its registrations went with it. */
  detach(): void {
    this.up = undefined;
    for (const r of this.regs.values()) r.upstream = undefined;
  }

  /** Wait (at most `ms`) for upstream requests still in flight, e.g. before leaving. */
  async flush(ms = 1000): Promise<void> {
    if (this.inflight.size === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.allSettled([...this.inflight]),
      new Promise((r) => (timer = setTimeout(r, ms))),
    ]);
    clearTimeout(timer);
  }

  private track<T>(p: Promise<T>, also?: Set<Promise<unknown>>): Promise<T> {
    this.inflight.add(p);
    also?.add(p);
    const drop = (): void => {
      this.inflight.delete(p);
      also?.delete(p);
    };
    p.then(drop, drop);
    return p;
  }

  private created(info: { id: number; uri: string; match?: MatchPolicy }): void {
    if (!info.uri.startsWith(LOCAL_PREFIX) || this.regs.has(info.id)) return;
    if (this.syncing && this.deletedEarly.has(info.id)) return;
    const reg: LocalRegistration = { id: info.id, uri: info.uri, match: info.match ?? 'exact' };
    this.regs.set(reg.id, reg);
    const up = this.up;
    if (up === undefined) return;
    void this.registerUpstream(reg, up);
    if (isSetNodeId(reg.uri)) this.o.onSetNodeId?.(reg.uri, up.nodeId);
  }

  private removed(id: number): void {
    const reg = this.regs.get(id);
    if (reg === undefined) {
      if (this.syncing) this.deletedEarly.add(id);
      return;
    }
    this.regs.delete(id);
    const upstream = reg.upstream;
    reg.upstream = undefined;
    void upstream?.then((r) =>
      r?.active === true ? r.unregister().catch(() => undefined) : undefined,
    );
  }

  private registerUpstream(reg: LocalRegistration, up: Upstream): Promise<unknown> {
    const uri = `${up.prefix}${reg.uri.slice(LOCAL_PREFIX.length)}`;
    const p = up.session
      .register(uri, (args, kwargs, details) => this.forward(reg, up, args, kwargs, details), {
        match: reg.match,
        // A reconnect can beat the center to noticing our previous session died; only this
        // node (authid) may register under its prefix, so taking over is safe.
        forceReregister: true,
      })
      .then(
        (r) => {
          // Deleted locally while the REGISTER was on its way: undo it.
          if (reg.upstream !== p) void r.unregister().catch(() => undefined);
          return r;
        },
        (e: unknown) => {
          if (up.session.isOpen)
            this.o.logger.warn({ procedure: uri, err: String(e) }, 'cannot register upstream');
          return undefined;
        },
      );
    reg.upstream = p;
    return this.track(p, this.registering);
  }

  /** An upstream call: the same call on the local URI, answered with what it answers. */
  private async forward(
    reg: LocalRegistration,
    up: Upstream,
    args: Args,
    kwargs: Kwargs,
    details: InvocationDetails,
  ): Promise<CallResult> {
    const local =
      reg.match === 'exact'
        ? reg.uri
        : `${LOCAL_PREFIX}${details.procedure.slice(up.prefix.length)}`;
    const options: CallOptions = { signal: details.signal };
    const progress = details.progress;
    if (progress !== undefined) options.onProgress = (r) => progress(r.args, r.kwargs);
    if (details.timeout !== undefined) options.timeout = details.timeout;
    // A WampError from the local side (its URI, args and kwargs) passes through unchanged.
    const r = await this.o.local.call(local, args, kwargs, options);
    // Procedures that appeared meanwhile (a started worker's) are announced on the local
    // session before this result; let their upstream REGISTERs finish first, so the center
    // can use a worker as soon as `start_worker` returns (as a Crossbar.io edge does).
    if (this.registering.size > 0) await Promise.allSettled([...this.registering]);
    return new CallResult(r.args, r.kwargs);
  }

  private event(topic: string, args: Args, kwargs: Kwargs): void {
    const up = this.up;
    if (up === undefined || !up.session.isOpen) return;
    const uri = `${up.prefix}${topic.slice(LOCAL_PREFIX.length)}`;
    void this.track(
      up.session.publish(uri, args, kwargs, { acknowledge: true }).catch((e: unknown) => {
        if (up.session.isOpen)
          this.o.logger.debug({ topic: uri, err: String(e) }, 'cannot publish upstream');
      }),
    );
  }
}
