/**
 * Event retention (the last event per topic) and event history (the last N events of
 * topics configured in the realm's `store`) [WAMP advanced §Event Retention, §Event History].
 * @module
 */
import { UriIndex } from '@cdc/protocol';
import type { Dict, MatchPolicy, Payload } from '@cdc/protocol';
import type { EventHistoryConfig } from '../types.js';

export interface StoredEvent extends Payload {
  topic: string;
  publication: number;
  timestamp: string;
  /** EVENT details as the publisher's subscribers got them (publisher disclosure, passthru). */
  details: Dict;
  /** The PUBLISH options, kept to re-apply eligibility when the event is replayed. */
  options: Dict;
  publisherId: number;
}

interface HistoryBuffer {
  uri: string;
  match: MatchPolicy;
  limit: number;
  events: StoredEvent[];
}

export class EventStore {
  readonly retained = new Map<string, StoredEvent>();
  private readonly buffers = new UriIndex<HistoryBuffer>();
  private readonly byKey = new Map<string, HistoryBuffer>();

  constructor(config: EventHistoryConfig[] = []) {
    for (const c of config) {
      const match = c.match ?? 'exact';
      const buf: HistoryBuffer = { uri: c.uri, match, limit: c.limit ?? 100, events: [] };
      this.buffers.set(c.uri, match, buf);
      this.byKey.set(`${match} ${c.uri}`, buf);
    }
  }

  get hasHistory(): boolean {
    return this.byKey.size > 0;
  }

  record(ev: StoredEvent): void {
    // Session-ID lists cannot be re-applied later (sessions come and go), so such
    // publications are not kept [WAMP advanced §Event History].
    if (ev.options['exclude'] !== undefined || ev.options['eligible'] !== undefined) return;
    for (const buf of this.buffers.all(ev.topic)) {
      buf.events.push(ev);
      if (buf.events.length > buf.limit) buf.events.shift();
    }
  }

  /** The history kept for a subscription's (uri, match), or undefined when none is configured. */
  history(uri: string, match: MatchPolicy): StoredEvent[] | undefined {
    return this.byKey.get(`${match} ${uri}`)?.events;
  }
}
