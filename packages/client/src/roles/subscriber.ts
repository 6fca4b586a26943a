/**
 * The subscriber role [WAMP basic §Publish & Subscribe]. Several local handlers may share
 * one router subscription (the router returns the same ID for the same topic and match, as
 * autobahn relies on): UNSUBSCRIBE goes out only when the last local handler leaves.
 * Subscription revocation [WAMP advanced §Subscription Revocation] is handled.
 * @module
 */
import { MessageType, WampError, WampErrors } from '@cdc/protocol';
import type { ErrorMessage, Event, Subscribed, Unsubscribed } from '@cdc/protocol';
import { errorFromWire } from '../errors.js';
import type { EventDetails, EventHandler, Subscription, SubscribeOptions } from '../types.js';
import { baseOptions, checkPattern, num, put, str } from '../validate.js';
import { deferred } from './context.js';
import type { Deferred, RoleContext } from './context.js';

class SubscriptionImpl implements Subscription {
  active = true;

  constructor(
    private readonly subscriber: Subscriber,
    readonly group: Group,
    readonly handler: EventHandler,
    readonly onRevoke: ((reason: string) => void) | undefined,
  ) {}

  get id(): number {
    return this.group.id;
  }

  get topic(): string {
    return this.group.topic;
  }

  unsubscribe(): Promise<void> {
    return this.subscriber.unsubscribe(this);
  }
}

/** One router subscription and its local handlers. */
interface Group {
  id: number;
  topic: string;
  handlers: Set<SubscriptionImpl>;
  /** Set while our UNSUBSCRIBE for it is in flight. */
  closing: Promise<void> | undefined;
}

interface PendingSubscribe extends Deferred<Subscription> {
  topic: string;
  handler: EventHandler;
  options: SubscribeOptions;
}

interface PendingUnsubscribe extends Deferred<undefined> {
  group: Group;
}

export class Subscriber {
  private readonly groups = new Map<number, Group>();
  private readonly subscribing = new Map<number, PendingSubscribe>();
  private readonly unsubscribing = new Map<number, PendingUnsubscribe>();

  constructor(private readonly ctx: RoleContext) {}

  subscribe(
    topic: string,
    handler: EventHandler,
    options: SubscribeOptions,
  ): Promise<Subscription> {
    const error =
      this.ctx.closedError() ??
      checkPattern(topic, options.match, 'topic') ??
      (typeof handler !== 'function'
        ? WampError.of(WampErrors.INVALID_ARGUMENT, 'handler must be a function')
        : undefined);
    if (error !== undefined) return Promise.reject(error);

    const wire = baseOptions(options);
    put(wire, 'match', options.match !== 'exact' ? options.match : undefined);
    put(wire, 'get_retained', options.getRetained);
    const requestId = this.ctx.nextId();
    const d = deferred<Subscription>();
    this.subscribing.set(requestId, { ...d, topic, handler, options });
    const sendError = this.ctx.send({
      type: MessageType.SUBSCRIBE,
      requestId,
      options: wire,
      topic,
    });
    if (sendError !== undefined) {
      this.subscribing.delete(requestId);
      d.reject(sendError);
    }
    return d.promise;
  }

  unsubscribe(sub: SubscriptionImpl): Promise<void> {
    if (!sub.active) return Promise.resolve();
    sub.active = false;
    const group = sub.group;
    group.handlers.delete(sub);
    if (group.handlers.size > 0) return Promise.resolve();
    if (group.closing !== undefined) return group.closing;
    const closed = this.ctx.closedError();
    if (closed !== undefined) return Promise.resolve();
    const requestId = this.ctx.nextId();
    const d = deferred<undefined>();
    this.unsubscribing.set(requestId, { ...d, group });
    group.closing = d.promise;
    const sendError = this.ctx.send({
      type: MessageType.UNSUBSCRIBE,
      requestId,
      subscription: group.id,
    });
    if (sendError !== undefined) {
      this.unsubscribing.delete(requestId);
      group.closing = undefined;
      d.reject(sendError);
    }
    return d.promise;
  }

  onSubscribed(m: Subscribed): void {
    const p = this.subscribing.get(m.requestId);
    if (p === undefined) return this.ctx.violation(`SUBSCRIBED for unknown request ${m.requestId}`);
    this.subscribing.delete(m.requestId);
    const existing = this.groups.get(m.subscription);
    if (existing?.closing !== undefined) {
      // The router took our SUBSCRIBE before our UNSUBSCRIBE of the same subscription,
      // which then removed it: subscribe again once that is through.
      const retry = (): void => {
        this.subscribe(p.topic, p.handler, p.options).then(p.resolve, p.reject);
      };
      existing.closing.then(retry, retry);
      return;
    }
    let group = existing;
    if (group === undefined) {
      group = { id: m.subscription, topic: p.topic, handlers: new Set(), closing: undefined };
      this.groups.set(group.id, group);
    }
    const sub = new SubscriptionImpl(this, group, p.handler, p.options.onRevoke);
    group.handlers.add(sub);
    p.resolve(sub);
  }

  onUnsubscribed(m: Unsubscribed): void {
    if (m.requestId === 0) return this.revoked(m);
    const p = this.unsubscribing.get(m.requestId);
    if (p === undefined) {
      return this.ctx.violation(`UNSUBSCRIBED for unknown request ${m.requestId}`);
    }
    this.unsubscribing.delete(m.requestId);
    this.dropGroup(p.group);
    p.resolve(undefined);
  }

  onError(m: ErrorMessage): void {
    const error = errorFromWire(m.error, m.args ?? [], m.kwargs ?? {});
    if (m.requestType === MessageType.SUBSCRIBE) {
      const p = this.subscribing.get(m.requestId);
      if (p === undefined) return this.ctx.violation(`ERROR for unknown SUBSCRIBE ${m.requestId}`);
      this.subscribing.delete(m.requestId);
      return p.reject(error);
    }
    const p = this.unsubscribing.get(m.requestId);
    if (p === undefined) return this.ctx.violation(`ERROR for unknown UNSUBSCRIBE ${m.requestId}`);
    this.unsubscribing.delete(m.requestId);
    // Whatever the router says, we no longer deliver to this group locally.
    this.dropGroup(p.group);
    if (m.error === WampErrors.NO_SUCH_SUBSCRIPTION) p.resolve(undefined);
    else p.reject(error);
  }

  onEvent(m: Event): void {
    // Unknown: unsubscribed while the EVENT was on its way.
    const group = this.groups.get(m.subscription);
    if (group === undefined) return;
    const d = m.details;
    const details: EventDetails = {
      publication: m.publication,
      topic: str(d, 'topic') ?? group.topic,
      publisher: num(d, 'publisher'),
      publisherAuthid: str(d, 'publisher_authid'),
      publisherAuthrole: str(d, 'publisher_authrole'),
      retained: d['retained'] === true,
      payload: m.payload,
      raw: d,
    };
    const handlers = group.handlers;
    // The usual single handler without copying the set; several are copied first, since a
    // handler may add or remove handlers of the same subscription.
    if (handlers.size === 1) {
      const only = handlers.values().next().value;
      if (only !== undefined) this.deliver(only, m, details);
      return;
    }
    for (const sub of [...handlers]) this.deliver(sub, m, details);
  }

  private deliver(sub: SubscriptionImpl, m: Event, details: EventDetails): void {
    if (!sub.active) return;
    try {
      const out = sub.handler(m.args ?? [], m.kwargs ?? {}, details);
      if (out instanceof Promise) out.catch((e: unknown) => this.ctx.reportError(e, 'event'));
    } catch (e) {
      this.ctx.reportError(e, 'event');
    }
  }

  /** The session ended: every subscription is gone. */
  close(error: () => WampError): void {
    for (const p of this.subscribing.values()) p.reject(error());
    this.subscribing.clear();
    // An UNSUBSCRIBE that cannot complete has still achieved its aim.
    for (const p of this.unsubscribing.values()) p.resolve(undefined);
    this.unsubscribing.clear();
    for (const group of this.groups.values()) for (const sub of group.handlers) sub.active = false;
    this.groups.clear();
  }

  private revoked(m: Unsubscribed): void {
    const details = m.details ?? {};
    const id = details['subscription'];
    if (typeof id !== 'number') {
      return this.ctx.violation('UNSUBSCRIBED revocation without Details.subscription');
    }
    const group = this.groups.get(id);
    if (group === undefined) return;
    const reason = str(details, 'reason') ?? 'wamp.error.unsubscribed';
    const subs = [...group.handlers];
    this.dropGroup(group);
    for (const sub of subs) {
      try {
        sub.onRevoke?.(reason);
      } catch (e) {
        this.ctx.reportError(e, 'onRevoke');
      }
    }
  }

  private dropGroup(group: Group): void {
    for (const sub of group.handlers) sub.active = false;
    group.handlers.clear();
    if (this.groups.get(group.id) === group) this.groups.delete(group.id);
  }
}
