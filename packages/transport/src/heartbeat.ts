/**
 * Auto-ping: one shared interval timer per configuration walks its connections, pings
 * those that were quiet for a whole interval and drops those that did not answer within
 * the timeout. Any received data counts as a sign of life, so busy connections are never
 * pinged. One timer for all connections keeps idle sessions cheap.
 * @module
 */

export interface HeartbeatMember {
  /** Called on every tick with the current time (ms). */
  heartbeat(now: number, beat: Heartbeat): void;
}

export class Heartbeat {
  private readonly members = new Set<HeartbeatMember>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    readonly intervalMs: number,
    readonly timeoutMs: number,
  ) {
    if (!(intervalMs > 0)) throw new RangeError('auto-ping interval must be positive');
    if (!(timeoutMs > 0)) throw new RangeError('auto-ping timeout must be positive');
  }

  add(member: HeartbeatMember): void {
    this.members.add(member);
    if (this.timer === undefined) {
      const period = Math.max(10, Math.min(this.intervalMs, this.timeoutMs));
      this.timer = setInterval(() => this.tick(), period);
      this.timer.unref();
    }
  }

  delete(member: HeartbeatMember): void {
    this.members.delete(member);
    if (this.members.size === 0 && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private tick(): void {
    const now = Date.now();
    for (const m of this.members) m.heartbeat(now, this);
  }
}
