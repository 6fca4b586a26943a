/**
 * The client's subscriptions, kept across reconnects: each topic is subscribed once on the
 * current session whatever the number of handlers, again on every new session, and dropped
 * from the router when its last handler goes.
 * @module
 */
import type { Session, Subscription, SubscribeOptions, EventDetails } from '@cdc/client';
import type { Args, Kwargs } from '@cdc/protocol';
import { CdcError } from './errors.js';
import type { Unsubscribe } from './api-types.js';

/** What a generic handler receives. */
export type RawHandler = (args: Args, kwargs: Kwargs, details: EventDetails) => void;

interface Entry {
  handlers: Set<RawHandler>;
  options: SubscribeOptions;
  /** The router's subscription on the current session. */
  live: Subscription | undefined;
  /** Waiters for the next successful subscribe (or its refusal). */
  waiters: { resolve: () => void; reject: (e: CdcError) => void }[];
}

export class Subscriptions {
  private readonly topics = new Map<string, Entry>();
  private session: Session | undefined;

  constructor(private readonly onError: (e: unknown, where: string) => void) {}

  /** A new session: subscribe every topic on it. */
  attach(session: Session): void {
    this.session = session;
    for (const [topic, e] of this.topics) {
      e.live = undefined;
      void this.subscribe(topic, e, session);
    }
  }

  /** The session ended: nothing is live until the next one. */
  detach(): void {
    this.session = undefined;
    for (const e of this.topics.values()) e.live = undefined;
  }

  /** Refuse every waiter (the client closed for good). */
  close(error: CdcError): void {
    for (const e of this.topics.values()) for (const w of e.waiters.splice(0)) w.reject(error);
    this.topics.clear();
  }

  add(topic: string, handler: RawHandler, options: SubscribeOptions = {}): Unsubscribe {
    let e = this.topics.get(topic);
    let ready: Promise<void>;
    if (e === undefined) {
      e = { handlers: new Set([handler]), options, live: undefined, waiters: [] };
      this.topics.set(topic, e);
      ready = this.wait(e);
      if (this.session !== undefined) void this.subscribe(topic, e, this.session);
    } else {
      e.handlers.add(handler);
      ready = e.live !== undefined ? Promise.resolve() : this.wait(e);
    }
    // Callers that never await `ready` must not see an unhandled rejection.
    ready.catch(() => undefined);
    const entry = e;
    const off = async (): Promise<void> => {
      if (!entry.handlers.delete(handler) || entry.handlers.size > 0) return;
      if (this.topics.get(topic) === entry) this.topics.delete(topic);
      for (const w of entry.waiters.splice(0)) w.resolve();
      const live = entry.live;
      entry.live = undefined;
      if (live !== undefined && live.active) await live.unsubscribe().catch(() => undefined);
    };
    return Object.assign(off, { ready });
  }

  private wait(e: Entry): Promise<void> {
    return new Promise((resolve, reject) => e.waiters.push({ resolve, reject }));
  }

  private async subscribe(topic: string, e: Entry, session: Session): Promise<void> {
    try {
      const sub = await session.subscribe(
        topic,
        (args, kwargs, details) => {
          for (const h of [...e.handlers]) {
            try {
              h(args, kwargs, details);
            } catch (err) {
              this.onError(err, `a handler of ${topic}`);
            }
          }
        },
        e.options,
      );
      // Unsubscribed, or a newer session, while the router answered.
      if (this.topics.get(topic) !== e || this.session !== session) {
        await sub.unsubscribe().catch(() => undefined);
        return;
      }
      e.live = sub;
      for (const w of e.waiters.splice(0)) w.resolve();
    } catch (err) {
      if (this.session !== session) return; // the next session tries again
      const error = CdcError.from(err, topic);
      for (const w of e.waiters.splice(0)) w.reject(error);
      this.onError(error, `subscribing to ${topic}`);
    }
  }
}
