/**
 * The authenticator's key look-ups, coalesced: when a fleet reconnects at once (a center
 * restart, a cluster realm moving), thousands of sessions join together, and one query per
 * table per session would exhaust the database pool (`database_unavailable`, the nodes
 * retrying). Look-ups asked for in the same turn of the event loop, or while a batch is in
 * flight, go out together as one `lookupKeys` when the previous batch is done: at most one
 * batch in flight, so the authenticator holds a connection or two, not the pool.
 *
 * Nothing is cached: a look-up asked for while a batch is in flight waits for the next one
 * (the one in flight may have read before a key was unpaired or revoked), and a batch's
 * answers go to its own askers only.
 * @module
 */
import type { KeyLookup } from '@cdc/store';

/** What a batch is answered by (`DomainStore.lookupKeys`). */
export type LookupKeys = (pubkeys: string[]) => Promise<Map<string, KeyLookup>>;

interface Waiter {
  promise: Promise<KeyLookup>;
  resolve(found: KeyLookup): void;
  reject(error: unknown): void;
}

function waiter(): Waiter {
  let resolve!: (found: KeyLookup) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<KeyLookup>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export class KeyLookups {
  readonly #lookupKeys: LookupKeys;
  /** The next batch: each key asked for since the last one was sent, its askers sharing one answer. */
  #next = new Map<string, Waiter>();
  /** A batch is in flight, or about to be sent. */
  #busy = false;

  constructor(lookupKeys: LookupKeys) {
    this.#lookupKeys = lookupKeys;
  }

  /** What the store knows about `pubkey`, read after this call; rejects when its batch failed. */
  lookup(pubkey: string): Promise<KeyLookup> {
    const queued = this.#next.get(pubkey);
    if (queued !== undefined) return queued.promise;
    const w = waiter();
    this.#next.set(pubkey, w);
    if (!this.#busy) {
      this.#busy = true;
      // The rest of this turn's look-ups (other sockets' handshakes) join the batch.
      setImmediate(() => void this.#send());
    }
    return w.promise;
  }

  async #send(): Promise<void> {
    const batch = this.#next;
    this.#next = new Map();
    try {
      const found = await this.#lookupKeys([...batch.keys()]);
      // The store answers every key; one missing would be a bug, and unknown grants least.
      for (const [k, w] of batch) w.resolve(found.get(k) ?? { kind: 'unknown' });
    } catch (e) {
      for (const w of batch.values()) w.reject(e);
    }
    if (this.#next.size > 0) void this.#send();
    else this.#busy = false;
  }
}
