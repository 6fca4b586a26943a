/**
 * `wamp.subscription.*` procedures [WAMP advanced §Subscription Meta API], plus
 * Crossbar.io's `remove_subscriber` and `get_events` (event history).
 * @module
 */
import { WampError, WampErrors } from '@cdc/protocol';
import type { Realm } from '../realm.js';
import { optDict, optNumber, optReason, reqId, reqString } from './args.js';
import { matchOption } from './registration-meta.js';

export function installSubscriptionMeta(realm: Realm): void {
  const br = realm.broker;
  const b = realm.dealer.builtins;
  const byId = (id: number) => {
    const sub = br.byId.get(id);
    if (sub === undefined)
      throw WampError.of(WampErrors.NO_SUCH_SUBSCRIPTION, `no subscription ${id}`);
    return sub;
  };
  b.set('wamp.subscription.list', () => br.list());
  b.set('wamp.subscription.lookup', (_c, a, k) => {
    const uri = reqString(a, k, 0, 'topic');
    return br.lookup(uri, matchOption(optDict(a, k, 1, 'options')))?.id ?? null;
  });
  b.set('wamp.subscription.match', (_c, a, k) => {
    const ids = br.matching(reqString(a, k, 0, 'topic')).map((s) => s.id);
    return ids.length > 0 ? ids : null;
  });
  b.set('wamp.subscription.get', (_c, a, k) => byId(reqId(a, k, 0, 'subscription_id')).info());
  b.set('wamp.subscription.list_subscribers', (_c, a, k) =>
    [...byId(reqId(a, k, 0, 'subscription_id')).subscribers].map((s) => s.id),
  );
  b.set(
    'wamp.subscription.count_subscribers',
    (_c, a, k) => byId(reqId(a, k, 0, 'subscription_id')).subscribers.size,
  );
  b.set('wamp.subscription.remove_subscriber', (_c, a, k) => {
    const sub = byId(reqId(a, k, 0, 'subscription_id'));
    const sessionId = reqId(a, k, 1, 'subscriber_id');
    const reason = optReason(a[2] ?? k['reason'], 'wamp.error.unsubscribed');
    const s = [...sub.subscribers].find((x) => x.id === sessionId);
    if (s === undefined)
      throw WampError.of(
        WampErrors.NO_SUCH_SESSION,
        `session ${sessionId} is not subscribed to ${sub.id}`,
      );
    br.removeSubscriber(sub, s, reason);
    return null;
  });
  b.set('wamp.subscription.get_events', (_c, a, k) => {
    const sub = byId(reqId(a, k, 0, 'subscription_id'));
    const limit = optNumber(a, k, 1, 'limit', 10);
    const events = br.store.history(sub.uri, sub.match);
    if (events === undefined) {
      throw WampError.of(
        WampErrors.HISTORY_UNAVAILABLE,
        `no event history is kept for subscription ${sub.id}`,
      );
    }
    // Most recent first, as Crossbar.io returns them.
    return events
      .slice(-limit)
      .reverse()
      .map((e) => ({
        timestamp: e.timestamp,
        subscription: sub.id,
        publication: e.publication,
        topic: e.topic,
        details: e.details,
        args: e.args ?? [],
        kwargs: e.kwargs ?? {},
      }));
  });
}
