/**
 * A small bounded least-recently-used map. A router verifies thousands of cryptosign
 * handshakes per second from a mostly stable set of keys, and building a public
 * `KeyObject` costs about as much as the verification itself, so it caches them; the
 * bound keeps a flood of random public keys from growing memory without limit.
 * @module
 */

export class LruMap<K, V> {
  readonly maxEntries: number;
  // A Map iterates in insertion order, so re-inserting on every hit keeps the least
  // recently used entry first, ready for eviction.
  readonly #map = new Map<K, V>();

  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1)
      throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
    this.maxEntries = maxEntries;
  }

  get size(): number {
    return this.#map.size;
  }

  get(key: K): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.maxEntries) {
      const oldest = this.#map.keys().next();
      if (oldest.done !== true) this.#map.delete(oldest.value);
    }
  }

  has(key: K): boolean {
    return this.#map.has(key);
  }

  clear(): void {
    this.#map.clear();
  }
}
