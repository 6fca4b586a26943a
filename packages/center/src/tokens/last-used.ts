/**
 * Every use of a token updates its `last_used` (SPEC §7), but not with a write per request:
 * uses are noted in memory and written once a second, all tokens' in one transaction (a
 * commit per token made SQLite's fsyncs the HTTP API's largest cost under many tokens).
 * @module
 */
import type { DomainStore } from '@cdc/store';
import { errorMessage } from '@cdc/protocol';

export class LastUsed {
  /** Token ID → time of its latest use (ms; made a timestamp at the write, not per use). */
  private readonly pending = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly domain: () => DomainStore,
    private readonly log: (obj: object, msg: string) => void,
    private readonly periodMs = 1000,
  ) {}

  note(tokenId: string): void {
    this.pending.set(tokenId, Date.now());
    if (this.timer === undefined) {
      this.timer = setTimeout(() => void this.flush(), this.periodMs);
      this.timer.unref();
    }
  }

  /** Write what is pending (also on stop). */
  async flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    const batch = [...this.pending].map(([id, ms]) => [id, new Date(ms).toISOString()] as const);
    this.pending.clear();
    if (batch.length === 0) return;
    this.flushing = this.domain()
      .touchTokens(batch)
      .catch((e: unknown) => {
        this.log(
          { tokens: batch.length, err: errorMessage(e) },
          'token last_used could not be written',
        );
      });
    await this.flushing;
  }
}
