/**
 * The realm's nodes as the overview shows them: a map by node ID, status changes collected
 * and applied once per animation frame (a burst of a thousand events costs one render), the
 * counts by status kept as changes arrive, and the filtered, sorted list made on demand with
 * the ID order cached. Pure (the scheduler is given), so it is tested in Node.
 * @module
 */
import type { NodeInfo } from '@cdc/api';

/** Runs `flush` later, once (the browser's `requestAnimationFrame`). */
export type Scheduler = (flush: () => void) => void;

export interface NodeRow {
  id: string;
  status: string;
  /** The last full record (`get_nodes`); events change only `status`. */
  info: NodeInfo | undefined;
}

export type SortKey = 'id' | 'status';

export interface Selection {
  status?: string | undefined;
  search?: string | undefined;
  sort?: SortKey | undefined;
}

/** The order statuses sort in: what needs attention first. */
const RANK: Record<string, number> = { offline: 0, online: 1, running: 2, created: 3 };
const rank = (s: string): number => RANK[s] ?? 4;

export class NodeStore {
  readonly rows = new Map<string, NodeRow>();
  readonly counts = new Map<string, number>();
  #pending = new Map<string, string>();
  #scheduled = false;
  #byId: NodeRow[] | undefined;
  #listeners = new Set<() => void>();
  /** Bumped by every applied change (a render key). */
  version = 0;

  constructor(private readonly schedule: Scheduler) {}

  /** Called after each applied batch. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Replace everything with a fresh `get_nodes` answer (after sign-in or a reconnect). */
  load(nodes: Iterable<NodeInfo>): void {
    this.rows.clear();
    this.counts.clear();
    this.#pending.clear();
    for (const n of nodes) this.#put(n.node_id, n.status, n);
    this.#byId = undefined;
    this.#changed();
  }

  /** A status event: applied at the next flush (the latest per node wins). */
  setStatus(id: string, status: string): void {
    this.#pending.set(id, status);
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.schedule(() => this.flush());
  }

  /** Apply what arrived since the last flush. */
  flush(): void {
    this.#scheduled = false;
    if (this.#pending.size === 0) return;
    for (const [id, status] of this.#pending) {
      const row = this.rows.get(id);
      if (row === undefined) {
        this.#put(id, status, undefined);
        this.#byId = undefined;
      } else if (row.status !== status) {
        this.#count(row.status, -1);
        this.#count(status, 1);
        row.status = status;
      }
    }
    this.#pending.clear();
    this.#changed();
  }

  /** The rows matching `sel`, sorted. */
  select(sel: Selection = {}): NodeRow[] {
    this.#byId ??= [...this.rows.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const search = sel.search?.trim().toLowerCase() ?? '';
    let out = this.#byId;
    if ((sel.status ?? '') !== '' || search !== '')
      out = out.filter(
        (r) =>
          (sel.status === undefined || sel.status === '' || r.status === sel.status) &&
          (search === '' || r.id.toLowerCase().includes(search)),
      );
    if (sel.sort === 'status') {
      // Stable on the ID order, so equal statuses stay by ID.
      out = out === this.#byId ? [...out] : out;
      out.sort((a, b) => rank(a.status) - rank(b.status));
    }
    return out;
  }

  #put(id: string, status: string, info: NodeInfo | undefined): void {
    this.rows.set(id, { id, status, info });
    this.#count(status, 1);
  }

  #count(status: string, d: number): void {
    this.counts.set(status, (this.counts.get(status) ?? 0) + d);
  }

  #changed(): void {
    this.version++;
    for (const l of [...this.#listeners]) l();
  }
}
