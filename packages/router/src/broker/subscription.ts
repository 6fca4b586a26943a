/**
 * A subscription: all sessions subscribed to one (topic, match) pair share it and its ID
 * [WAMP basic §Subscribing and Unsubscribing].
 * @module
 */
import type { MatchPolicy } from '@cdc/protocol';
import type { RouterSession } from '../session.js';

export class Subscription {
  readonly created = new Date().toISOString();
  readonly subscribers = new Set<RouterSession>();

  constructor(
    readonly id: number,
    readonly uri: string,
    readonly match: MatchPolicy,
  ) {}

  /** The shape the subscription meta API returns. */
  info(): { id: number; created: string; uri: string; match: MatchPolicy } {
    return { id: this.id, created: this.created, uri: this.uri, match: this.match };
  }
}
