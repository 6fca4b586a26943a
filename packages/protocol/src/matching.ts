/**
 * An index of URI patterns (exact, prefix, wildcard) with the WAMP precedence rules, shared
 * by the broker (all matches), the dealer (the one best match) and authorization.
 * @module
 */
import type { MatchPolicy } from './uri.js';
import { compareWildcards, wildcardMatches } from './uri.js';

interface WildcardEntry<T> {
  pattern: string;
  parts: string[];
  value: T;
}

export class UriIndex<T> {
  private readonly exact = new Map<string, T>();
  private readonly prefix = new Map<string, T>();
  /** Distinct prefix lengths, longest first, so lookups probe only lengths in use. */
  private prefixLengths: number[] = [];
  /** Wildcard patterns grouped by their number of components. */
  private readonly wildcard = new Map<number, WildcardEntry<T>[]>();
  private wildcardCount = 0;

  get size(): number {
    return this.exact.size + this.prefix.size + this.wildcardCount;
  }

  get(uri: string, match: MatchPolicy): T | undefined {
    switch (match) {
      case 'exact':
        return this.exact.get(uri);
      case 'prefix':
        return this.prefix.get(uri);
      case 'wildcard':
        return this.wildcard.get(uri.split('.').length)?.find((e) => e.pattern === uri)?.value;
    }
  }

  set(uri: string, match: MatchPolicy, value: T): void {
    switch (match) {
      case 'exact':
        this.exact.set(uri, value);
        return;
      case 'prefix':
        if (!this.prefix.has(uri) && !this.prefixLengths.includes(uri.length)) {
          this.prefixLengths.push(uri.length);
          this.prefixLengths.sort((a, b) => b - a);
        }
        this.prefix.set(uri, value);
        return;
      case 'wildcard': {
        const parts = uri.split('.');
        let list = this.wildcard.get(parts.length);
        if (list === undefined) {
          list = [];
          this.wildcard.set(parts.length, list);
        }
        const existing = list.find((e) => e.pattern === uri);
        if (existing !== undefined) existing.value = value;
        else {
          list.push({ pattern: uri, parts, value });
          this.wildcardCount++;
        }
        return;
      }
    }
  }

  delete(uri: string, match: MatchPolicy): boolean {
    switch (match) {
      case 'exact':
        return this.exact.delete(uri);
      case 'prefix': {
        if (!this.prefix.delete(uri)) return false;
        let stillUsed = false;
        for (const p of this.prefix.keys()) {
          if (p.length === uri.length) {
            stillUsed = true;
            break;
          }
        }
        if (!stillUsed) this.prefixLengths = this.prefixLengths.filter((l) => l !== uri.length);
        return true;
      }
      case 'wildcard': {
        const n = uri.split('.').length;
        const list = this.wildcard.get(n);
        const i = list?.findIndex((e) => e.pattern === uri) ?? -1;
        if (list === undefined || i < 0) return false;
        list.splice(i, 1);
        if (list.length === 0) this.wildcard.delete(n);
        this.wildcardCount--;
        return true;
      }
    }
  }

  /**
   * The single best match for a call: exact, else the longest prefix, else the wildcard with
   * the longest leading literal run [WAMP advanced §Pattern-based Registration].
   */
  best(uri: string): { value: T; match: MatchPolicy } | undefined {
    const e = this.exact.get(uri);
    if (e !== undefined) return { value: e, match: 'exact' };
    for (const len of this.prefixLengths) {
      if (len > uri.length) continue;
      const p = this.prefix.get(uri.length === len ? uri : uri.slice(0, len));
      if (p !== undefined) return { value: p, match: 'prefix' };
    }
    if (this.wildcardCount === 0) return undefined;
    const parts = uri.split('.');
    let best: WildcardEntry<T> | undefined;
    for (const w of this.wildcard.get(parts.length) ?? []) {
      if (
        wildcardMatches(w.parts, parts) &&
        (best === undefined || compareWildcards(w.parts, best.parts) < 0)
      ) {
        best = w;
      }
    }
    return best === undefined ? undefined : { value: best.value, match: 'wildcard' };
  }

  /** Every match for an event: exact, all prefixes and all wildcards. */
  all(uri: string, out: T[] = []): T[] {
    const e = this.exact.get(uri);
    if (e !== undefined) out.push(e);
    for (const len of this.prefixLengths) {
      if (len > uri.length) continue;
      const p = this.prefix.get(uri.length === len ? uri : uri.slice(0, len));
      if (p !== undefined) out.push(p);
    }
    if (this.wildcardCount > 0) {
      const parts = uri.split('.');
      for (const w of this.wildcard.get(parts.length) ?? []) {
        if (wildcardMatches(w.parts, parts)) out.push(w.value);
      }
    }
    return out;
  }

  /** All entries by policy, for the meta API's `list`. */
  values(match: MatchPolicy): T[] {
    switch (match) {
      case 'exact':
        return [...this.exact.values()];
      case 'prefix':
        return [...this.prefix.values()];
      case 'wildcard':
        return [...this.wildcard.values()].flat().map((w) => w.value);
    }
  }
}
