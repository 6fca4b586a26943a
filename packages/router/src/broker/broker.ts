/**
 * The broker [WAMP basic §Publish and Subscribe]: subscriptions with exact, prefix and
 * wildcard matching, publication fan-out, publisher exclusion and identification,
 * black/white listing, retention, history, revocation, and the subscription meta events.
 *
 * Fan-out serializes each EVENT once per serializer and subscription and hands the same
 * bytes to every receiving transport: all subscribers of one subscription get identical
 * EVENT messages.
 * @module
 */
import { MessageType, WampErrors, isValidPattern, randomId, UriIndex } from '@cdc/protocol';
import type { Dict, MatchPolicy, Publish, Serializer, Subscribe, Unsubscribe } from '@cdc/protocol';
import type { Authorization } from '../types.js';
import type { Realm } from '../realm.js';
import type { RouterSession } from '../session.js';
import { appendPayload, copyPassthru, usesPassthru } from '../payload.js';
import { Subscription } from './subscription.js';
import { eligibility, isEligible, onlyExcludesPublisher } from './filters.js';
import type { Eligibility } from './filters.js';
import { EventStore } from './history.js';
import { replyAuthorizerFailed, replyError } from '../replies.js';
import type { StoredEvent } from './history.js';

export interface InternalPublication {
  args?: unknown[] | undefined;
  kwargs?: Dict | undefined;
  options?: Dict | undefined;
}

export class Broker {
  private readonly index = new UriIndex<Subscription>();
  /** Whether a topic has subscribers, per meta topic asked; cleared as subscriptions change. */
  private readonly listening = new Map<string, boolean>();
  readonly byId = new Map<number, Subscription>();
  readonly store: EventStore;

  constructor(private readonly realm: Realm) {
    this.store = new EventStore(realm.config.store?.['event-history']);
  }

  // --- SUBSCRIBE / UNSUBSCRIBE ------------------------------------------------------

  subscribe(session: RouterSession, msg: Subscribe): Promise<void> | undefined {
    const match = (msg.options['match'] as MatchPolicy | undefined) ?? 'exact';
    if (!isValidPattern(msg.topic, match, { strict: this.realm.strictUris })) {
      replyError(
        session,
        MessageType.SUBSCRIBE,
        msg.requestId,
        WampErrors.INVALID_URI,
        `invalid topic URI "${msg.topic}" for match "${match}"`,
      );
      return undefined;
    }
    const a = this.realm.authorizer.authorize(session, msg.topic, 'subscribe', msg.options);
    if (a instanceof Promise) {
      return a.then(
        (auth) => this.doSubscribe(session, msg, match, auth),
        (e: unknown) => replyAuthorizerFailed(session, MessageType.SUBSCRIBE, msg.requestId, e),
      );
    }
    this.doSubscribe(session, msg, match, a);
    return undefined;
  }

  private doSubscribe(
    session: RouterSession,
    msg: Subscribe,
    match: MatchPolicy,
    auth: Authorization,
  ): void {
    if (session.state !== 'established') return;
    if (!auth.allow) {
      replyError(
        session,
        MessageType.SUBSCRIBE,
        msg.requestId,
        WampErrors.NOT_AUTHORIZED,
        `session is not authorized to subscribe to topic "${msg.topic}"`,
      );
      return;
    }
    let sub = this.index.get(msg.topic, match);
    const created = sub === undefined;
    if (sub === undefined) {
      sub = new Subscription(this.newId(), msg.topic, match);
      this.index.set(sub.uri, match, sub);
      this.listening.clear();
      this.byId.set(sub.id, sub);
    }
    const added = !sub.subscribers.has(session);
    sub.subscribers.add(session);
    session.subscriptions.add(sub);
    session.send([MessageType.SUBSCRIBED, msg.requestId, sub.id]);
    if (created) this.meta('wamp.subscription.on_create', () => [session.id, sub.info()]);
    if (added) this.meta('wamp.subscription.on_subscribe', [session.id, sub.id]);
    if (msg.options['get_retained'] === true) this.sendRetained(session, sub);
  }

  unsubscribe(session: RouterSession, msg: Unsubscribe): void {
    const sub = this.byId.get(msg.subscription);
    if (sub === undefined || !sub.subscribers.has(session)) {
      replyError(
        session,
        MessageType.UNSUBSCRIBE,
        msg.requestId,
        WampErrors.NO_SUCH_SUBSCRIPTION,
        `no subscription ${msg.subscription} for this session`,
      );
      return;
    }
    this.removeSubscriber(sub, session);
    session.send([MessageType.UNSUBSCRIBED, msg.requestId]);
  }

  /** Remove a subscriber; with `revokeReason`, tell it (if it can be told) [subscription revocation]. */
  removeSubscriber(sub: Subscription, session: RouterSession, revokeReason?: string): void {
    if (!sub.subscribers.delete(session)) return;
    session.subscriptions.delete(sub);
    if (revokeReason !== undefined && session.features.subscriberRevocation) {
      session.trySend([
        MessageType.UNSUBSCRIBED,
        0,
        { subscription: sub.id, reason: revokeReason },
      ]);
    }
    this.meta('wamp.subscription.on_unsubscribe', [session.id, sub.id]);
    if (sub.subscribers.size === 0) {
      this.index.delete(sub.uri, sub.match);
      this.listening.clear();
      this.byId.delete(sub.id);
      this.meta('wamp.subscription.on_delete', [session.id, sub.id]);
    }
  }

  /** Drop everything a leaving session holds. */
  detach(session: RouterSession): void {
    for (const sub of [...session.subscriptions]) this.removeSubscriber(sub, session);
  }

  // --- PUBLISH ----------------------------------------------------------------------

  publish(session: RouterSession, msg: Publish): Promise<void> | undefined {
    const ack = msg.options['acknowledge'] === true;
    if (!this.realm.isValidUri(msg.topic)) {
      if (ack)
        replyError(
          session,
          MessageType.PUBLISH,
          msg.requestId,
          WampErrors.INVALID_URI,
          `invalid topic URI "${msg.topic}"`,
        );
      return undefined;
    }
    if (msg.topic.startsWith('wamp.') && session.authrole !== 'trusted') {
      if (ack)
        replyError(
          session,
          MessageType.PUBLISH,
          msg.requestId,
          WampErrors.INVALID_URI,
          `topic "${msg.topic}" is reserved for the router`,
        );
      return undefined;
    }
    const a = this.realm.authorizer.authorize(session, msg.topic, 'publish', msg.options);
    if (a instanceof Promise) {
      return a.then(
        (auth) => this.doPublish(session, msg, auth, ack),
        (e: unknown) => {
          if (ack) replyAuthorizerFailed(session, MessageType.PUBLISH, msg.requestId, e);
        },
      );
    }
    this.doPublish(session, msg, a, ack);
    return undefined;
  }

  private doPublish(session: RouterSession, msg: Publish, auth: Authorization, ack: boolean): void {
    if (session.state !== 'established') return;
    if (!auth.allow) {
      if (ack)
        replyError(
          session,
          MessageType.PUBLISH,
          msg.requestId,
          WampErrors.NOT_AUTHORIZED,
          `session is not authorized to publish to topic "${msg.topic}"`,
        );
      return;
    }
    const details: Dict = {};
    if (auth.disclose || msg.options['disclose_me'] === true) {
      details['publisher'] = session.id;
      details['publisher_authid'] = session.authid;
      details['publisher_authrole'] = session.authrole;
    }
    const publication = this.dispatch(msg.topic, msg, msg.options, details, session);
    if (ack) session.send([MessageType.PUBLISHED, msg.requestId, publication]);
  }

  /** Publish from the router itself (meta events, testaments, HTTP publisher). */
  publishInternal(topic: string, p: InternalPublication = {}): number {
    return this.dispatch(topic, p, p.options ?? {}, {}, undefined);
  }

  /** Deliver one publication to every matching subscription; returns its ID. */
  private dispatch(
    topic: string,
    p: InternalPublication & { payload?: Uint8Array | undefined },
    options: Dict,
    baseDetails: Dict,
    publisher: RouterSession | undefined,
  ): number {
    const publication = randomId();
    this.realm.stats.publications++;
    copyPassthru(options, baseDetails);
    const passthru = usesPassthru(options);
    // A fresh list: delivery may close a transport, whose meta events re-enter dispatch.
    const subs = this.index.all(topic);
    if (subs.length > 0) {
      const elig = eligibility(options, publisher);
      const simple = onlyExcludesPublisher(elig);
      for (const sub of subs) {
        const details = sub.match === 'exact' ? baseDetails : { ...baseDetails, topic };
        const event = appendPayload([MessageType.EVENT, sub.id, publication, details], p);
        this.fanOut(sub, event, elig, simple, passthru);
      }
    }
    if (options['retain'] === true || this.store.hasHistory) {
      const stored: StoredEvent = {
        topic,
        publication,
        timestamp: new Date().toISOString(),
        details: baseDetails,
        options,
        publisherId: publisher?.id ?? 0,
        args: p.args,
        kwargs: p.kwargs,
        payload: p.payload,
      };
      if (options['retain'] === true) this.store.retained.set(topic, stored);
      this.store.record(stored);
    }
    return publication;
  }

  private fanOut(
    sub: Subscription,
    event: unknown[],
    elig: Eligibility,
    simple: boolean,
    passthru: boolean,
  ): void {
    // One serialization per serializer in use among the receivers.
    let ser0: Serializer | undefined;
    let data0: Uint8Array | string | undefined;
    let cache: Map<Serializer, Uint8Array | string> | undefined;
    for (const s of sub.subscribers) {
      if (simple ? s === elig.excludeSession : !isEligible(s, elig)) continue;
      if (passthru && !s.features.passthru) continue;
      const t = s.transport;
      const ser = t.serializer;
      let data: Uint8Array | string | undefined;
      if (ser === ser0) data = data0;
      else if (ser0 === undefined) {
        ser0 = ser;
        data = data0 = ser.serialize(event);
      } else {
        cache ??= new Map();
        data = cache.get(ser);
        if (data === undefined) {
          data = ser.serialize(event);
          cache.set(ser, data);
        }
      }
      try {
        if (s.debug) s.logSent(event);
        if (data !== undefined) t.sendSerialized(data);
        this.realm.stats.events++;
      } catch (e) {
        this.realm.router.logger.warn({ session: s.id, err: e }, 'event not delivered');
      }
    }
  }

  private sendRetained(session: RouterSession, sub: Subscription): void {
    const events =
      sub.match === 'exact'
        ? [this.store.retained.get(sub.uri)]
        : [...this.store.retained.values()].filter((ev) => this.index.all(ev.topic).includes(sub));
    for (const ev of events) {
      if (ev === undefined) continue;
      const elig = eligibility(ev.options, undefined);
      if (!isEligible(session, elig)) continue;
      const details: Dict = { ...ev.details, retained: true };
      if (sub.match !== 'exact') details['topic'] = ev.topic;
      session.trySend(appendPayload([MessageType.EVENT, sub.id, ev.publication, details], ev));
    }
  }

  // --- meta API support -------------------------------------------------------------

  lookup(uri: string, match: MatchPolicy): Subscription | undefined {
    return this.index.get(uri, match);
  }

  matching(uri: string): Subscription[] {
    return this.index.all(uri);
  }

  list(): Record<MatchPolicy, number[]> {
    return {
      exact: this.index.values('exact').map((s) => s.id),
      prefix: this.index.values('prefix').map((s) => s.id),
      wildcard: this.index.values('wildcard').map((s) => s.id),
    };
  }

  /**
   * Whether any subscription matches `topic`. Asked for meta topics (a fixed handful), so
   * the answers are kept until a subscription is created or deleted: a node registering
   * its procedures should not pay a pattern lookup per meta event nobody receives.
   */
  listens(topic: string): boolean {
    if (this.index.size === 0) return false;
    let yes = this.listening.get(topic);
    if (yes === undefined) {
      yes = this.index.all(topic).length > 0;
      this.listening.set(topic, yes);
    }
    return yes;
  }

  /** Publish a meta event, skipped when nobody listens; `args` may be made on demand. */
  meta(topic: string, args: unknown[] | (() => unknown[])): void {
    if (!this.listens(topic)) return;
    this.publishInternal(topic, { args: typeof args === 'function' ? args() : args });
  }

  private newId(): number {
    let id = randomId();
    while (this.byId.has(id)) id = randomId();
    return id;
  }
}
