/**
 * The public status events of SPEC §4.2, made from what nodes publish. A node's controller
 * and workers publish `crossbar.…` events, which its bridge republishes here as
 * `crossbarfabriccenter.node.<node_id>.…`; only the backend may subscribe to those. It
 * turns them into `com.crossbario.cdc.remote.on_*@1` events (node ID first, then the IDs,
 * then old and new status) and the live worker log topic. Event names of our nodes and of
 * Crossbar.io nodes differ a little; both are understood.
 * @module
 */
import { EVENTS, NODE_PREFIX, workerLogTopic } from '@cdc/api';
import type { EventDetails, Session } from '@cdc/client';
import { isDict } from '@cdc/protocol';
import type { Logger } from '@cdc/protocol';

const WORKER_STATUS = /^on_(router|container|guest)_(starting|started|stopped|failed)$/;
const REALM = /^on_(?:router_)?realm_(starting|started|stopping|stopped)$/;
const ROLE = /^on_router_realm_role_(starting|started|stopping|stopped)$/;
const TRANSPORT = /^on_router_transport_(starting|started|stopping|stopped)$/;
const WEB_SERVICE = /^on_web_transport_service_(starting|started|stopping|stopped)$/;
const COMPONENT =
  /^on_(router_|container_)?component_(start|starting|ready|started|stopping|stopped)$/;

/** Our router workers say `start`/`ready` for their components. */
const COMPONENT_STATUS: Record<string, string> = { start: 'starting', ready: 'started' };

export interface NodeEventsOptions {
  session: Session;
  log: Logger;
  /** A worker died unexpectedly (`restarting`: the node said it will start it again itself). */
  onWorkerDied?: (nodeId: string, workerId: string) => void;
  onWorkerRestarting?: (nodeId: string, workerId: string) => void;
}

export class NodeEvents {
  /** Last status per node, keyed `<kind>/<worker>/<ids…>`: the `old` of the next event. */
  private readonly states = new Map<string, Map<string, string>>();
  /** Worker types per node, to tell router from container components. */
  private readonly types = new Map<string, Map<string, string>>();

  constructor(private readonly o: NodeEventsOptions) {}

  async start(): Promise<void> {
    await this.o.session.subscribe(NODE_PREFIX, (args, _kw, d) => this.onEvent(d.topic, args, d), {
      match: 'prefix',
    });
  }

  /** A node went offline: what we knew of its workers is void. */
  forgetNode(nodeId: string): void {
    this.states.delete(nodeId);
    this.types.delete(nodeId);
  }

  private onEvent(topic: string | undefined, args: unknown[], d: EventDetails): void {
    if (topic === undefined || !topic.startsWith(NODE_PREFIX)) return;
    const rest = topic.slice(NODE_PREFIX.length);
    const dot = rest.indexOf('.');
    if (dot <= 0) return; // `on_heartbeat` and the like: not a node's own topic
    const nodeId = rest.slice(0, dot);
    const suffix = rest.slice(dot + 1);
    if (d.publisherAuthid !== nodeId) {
      this.o.log.warn(
        { topic, publisher: d.publisherAuthid ?? null },
        'node event from another publisher dropped',
      );
      return;
    }
    const w = /^worker\.([^.]+)\.(.+)$/.exec(suffix);
    if (w === null) this.controllerEvent(nodeId, suffix, args);
    else this.workerEvent(nodeId, w[1] as string, w[2] as string, args);
  }

  private controllerEvent(nodeId: string, event: string, args: unknown[]): void {
    const info = isDict(args[0]) ? args[0] : {};
    const workerId = typeof info['id'] === 'string' ? info['id'] : undefined;
    if (workerId === undefined) return;
    const m = WORKER_STATUS.exec(event);
    if (m !== null) {
      const [, type = '', status = ''] = m;
      this.typeMap(nodeId).set(workerId, type);
      this.change(nodeId, `worker/${workerId}`, status, EVENTS.ON_WORKER_STATUS, [workerId]);
      if (status === 'stopped' || status === 'failed') this.forgetWorker(nodeId, workerId);
    } else if (event === 'on_worker_exited' && info['expected'] === false) {
      this.change(nodeId, `worker/${workerId}`, 'failed', EVENTS.ON_WORKER_STATUS, [workerId]);
      this.forgetWorker(nodeId, workerId);
      this.o.onWorkerDied?.(nodeId, workerId);
    } else if (event === 'on_worker_restarting') {
      this.o.onWorkerRestarting?.(nodeId, workerId);
    }
  }

  private workerEvent(nodeId: string, workerId: string, event: string, args: unknown[]): void {
    if (event === 'on_log') {
      this.publish(workerLogTopic(nodeId, workerId), [args[0]]);
      return;
    }
    const id = (i: number): string | undefined =>
      typeof args[i] === 'string' ? args[i] : undefined;
    let m: RegExpExecArray | null;
    if ((m = REALM.exec(event)) !== null) {
      const realm = id(0);
      if (realm !== undefined)
        this.change(nodeId, `realm/${workerId}/${realm}`, m[1] as string, EVENTS.ON_ROUTER_REALM, [
          workerId,
          realm,
        ]);
    } else if ((m = ROLE.exec(event)) !== null) {
      const [realm, role] = [id(0), id(1)];
      if (realm !== undefined && role !== undefined)
        this.change(
          nodeId,
          `role/${workerId}/${realm}/${role}`,
          m[1] as string,
          EVENTS.ON_REALM_ROLE,
          [workerId, realm, role],
        );
    } else if ((m = TRANSPORT.exec(event)) !== null) {
      const t = id(0);
      if (t !== undefined)
        this.change(
          nodeId,
          `transport/${workerId}/${t}`,
          m[1] as string,
          EVENTS.ON_ROUTER_TRANSPORT,
          [workerId, t],
        );
    } else if ((m = WEB_SERVICE.exec(event)) !== null) {
      const [t, path] = [id(0), id(1)];
      if (t !== undefined && path !== undefined)
        this.change(nodeId, `web/${workerId}/${t}/${path}`, m[1] as string, EVENTS.ON_WEB_SERVICE, [
          workerId,
          t,
          path,
        ]);
    } else if ((m = COMPONENT.exec(event)) !== null) {
      const c = id(0);
      if (c === undefined) return;
      const word = m[2] as string;
      const status = COMPONENT_STATUS[word] ?? word;
      const container =
        m[1] === 'container_' ||
        (m[1] === undefined && word === 'started') ||
        this.types.get(nodeId)?.get(workerId) === 'container';
      this.change(
        nodeId,
        `component/${workerId}/${c}`,
        status,
        container ? EVENTS.ON_CONTAINER_COMPONENT : EVENTS.ON_ROUTER_COMPONENT,
        [workerId, c],
      );
    }
  }

  private change(nodeId: string, key: string, status: string, topic: string, ids: string[]): void {
    let m = this.states.get(nodeId);
    if (m === undefined) this.states.set(nodeId, (m = new Map<string, string>()));
    const old = m.get(key) ?? null;
    m.set(key, status);
    this.publish(topic, [nodeId, ...ids, old, status]);
  }

  private forgetWorker(nodeId: string, workerId: string): void {
    const m = this.states.get(nodeId);
    if (m === undefined) return;
    for (const k of [...m.keys()])
      if (!k.startsWith('worker/') && k.split('/')[1] === workerId) m.delete(k);
  }

  private typeMap(nodeId: string): Map<string, string> {
    let m = this.types.get(nodeId);
    if (m === undefined) this.types.set(nodeId, (m = new Map<string, string>()));
    return m;
  }

  private publish(topic: string, args: unknown[]): void {
    if (this.o.session.isOpen) this.o.session.publish(topic, args).catch(() => undefined);
  }
}
