/**
 * A registration: one (procedure, match) pair with one or more callees under an
 * invocation policy [WAMP advanced §Shared Registration].
 * @module
 */
import type { MatchPolicy } from '@cdc/protocol';
import type { RouterSession } from '../session.js';

export type InvokePolicy = 'single' | 'roundrobin' | 'random' | 'first' | 'last';

export interface CalleeEntry {
  readonly session: RouterSession;
  readonly registration: Registration;
  /** Crossbar.io's per-callee cap on concurrent invocations; 0 = unlimited. */
  readonly concurrency: number;
  inFlight: number;
  readonly discloseCaller: boolean;
}

export class Registration {
  /** When it was created (ms since the epoch; formatted only when asked for). */
  private readonly createdMs = Date.now();
  readonly callees: CalleeEntry[] = [];
  private next = 0;

  /** When it was created, as an ISO 8601 string. */
  get created(): string {
    return new Date(this.createdMs).toISOString();
  }

  constructor(
    readonly id: number,
    readonly uri: string,
    readonly match: MatchPolicy,
    readonly invoke: InvokePolicy,
  ) {}

  calleeOf(session: RouterSession): CalleeEntry | undefined {
    return this.callees.find((c) => c.session === session);
  }

  /**
   * The callee to invoke under the policy, skipping callees at their concurrency cap and
   * any already tried (call re-routing); undefined when none is available.
   */
  pick(tried?: Set<CalleeEntry>): CalleeEntry | undefined {
    const n = this.callees.length;
    const ok = (c: CalleeEntry | undefined): c is CalleeEntry =>
      c !== undefined &&
      (c.concurrency === 0 || c.inFlight < c.concurrency) &&
      tried?.has(c) !== true;
    switch (this.invoke) {
      case 'single':
      case 'first':
        return this.callees.find(ok);
      case 'last':
        return this.callees.findLast(ok);
      case 'roundrobin':
        for (let i = 0; i < n; i++) {
          const idx = (this.next + i) % n;
          const c = this.callees[idx];
          if (ok(c)) {
            this.next = (idx + 1) % n;
            return c;
          }
        }
        return undefined;
      case 'random': {
        const avail = this.callees.filter(ok);
        return avail[Math.floor(Math.random() * avail.length)];
      }
    }
  }

  /** The shape the registration meta API returns. */
  info(): { id: number; created: string; uri: string; match: MatchPolicy; invoke: InvokePolicy } {
    return {
      id: this.id,
      created: this.created,
      uri: this.uri,
      match: this.match,
      invoke: this.invoke,
    };
  }
}
