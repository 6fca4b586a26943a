/**
 * A token's sessions end when it expires (SPEC §7), as they do when it is revoked: a timer
 * per token in use, armed when a session joins with it (WAMP clients' and the HTTP API's
 * alike), closes every session carrying its `authextra.token_id` at the expiry. No polling.
 * @module
 */
import { CloseReasons } from '@cdc/protocol';
import type { Router } from '@cdc/router';

/** setTimeout's longest delay (a longer one fires at once); a later expiry re-arms on the way. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export interface ExpiringToken {
  token_id: string;
  realm: string;
  label: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export class TokenExpiry {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly router: Router) {}

  /** Close the token's sessions at its expiry (one timer per token, however many sessions). */
  watch(t: ExpiringToken): void {
    if (!this.timers.has(t.token_id)) this.arm(t);
  }

  get size(): number {
    return this.timers.size;
  }

  private arm(t: ExpiringToken): void {
    const delay = Math.min(Math.max(t.expiresAt - Date.now(), 0), MAX_DELAY_MS);
    const timer = setTimeout(() => {
      this.timers.delete(t.token_id);
      // Early (a capped delay, or timers and the wall clock apart): not expired yet.
      if (Date.now() < t.expiresAt) this.arm(t);
      else this.expire(t);
    }, delay);
    timer.unref();
    this.timers.set(t.token_id, timer);
  }

  private expire(t: ExpiringToken): void {
    const realm = this.router.getRealm(t.realm);
    if (realm === undefined) return;
    for (const s of [...realm.sessions.values()])
      if (s.authextra['token_id'] === t.token_id)
        s.kill(CloseReasons.AUTH_CHANGED, `the API token "${t.label}" expired`);
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
