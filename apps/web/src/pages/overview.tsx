/**
 * The realm overview: counts by status, and the node list — filtered, searched, sorted, live.
 * The list is virtualized (only the rows in view exist in the DOM), so 10,000 nodes scroll
 * as smoothly as ten; status events reach it once per animation frame (`state/nodes.ts`).
 */
import { computed, signal } from '@preact/signals';
import { useEffect, useRef, useState } from 'preact/hooks';
import { nodes, nodesState, watchNodes } from '../state/nodes.js';
import { online } from '../state/session.js';
import { href } from '../state/route.js';
import { visibleRange } from '../lib/virtual.js';
import type { SortKey } from '../lib/node-store.js';
import { ago } from '../lib/format.js';
import { now } from '../state/clock.js';
import { Status } from '../ui/status.js';

const ROW = 34;
const filter = signal('');
const search = signal('');
const sort = signal<SortKey>('id');

const rows = computed(() => {
  void watchNodes();
  return nodes.select({ status: filter.value, search: search.value, sort: sort.value });
});

const counts = computed(() => {
  void watchNodes();
  return {
    total: nodes.rows.size,
    running: nodes.counts.get('running') ?? 0,
    online: nodes.counts.get('online') ?? 0,
    offline: nodes.counts.get('offline') ?? 0,
    created: nodes.counts.get('created') ?? 0,
  };
});

function Counts() {
  const c = counts.value;
  const live = online.value;
  const tile = (label: string, value: number, status: string) => (
    <button
      class={`tile ${filter.value === status ? 'on' : ''}`}
      aria-pressed={filter.value === status}
      onClick={() => (filter.value = filter.value === status ? '' : status)}
      data-testid={`count-${label}`}
    >
      <span class="n">{live ? value : '—'}</span>
      <span class="l">{label}</span>
    </button>
  );
  return (
    <div class="tiles">
      {tile('total', c.total, '')}
      {tile('running', c.running, 'running')}
      {tile('online', c.online, 'online')}
      {tile('offline', c.offline, 'offline')}
      {tile('created', c.created, 'created')}
    </div>
  );
}

function NodeList() {
  const box = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 600 });
  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const measure = () => setView({ top: el.scrollTop, height: el.clientHeight });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  // A status event changes a row in place: the selection can be the same array as before,
  // so the list renders again on the store's version, not only on `rows`.
  void watchNodes();
  const list = rows.value;
  const live = online.value;
  const { start, end } = visibleRange(view.top, view.height, ROW, list.length);
  const shown = [];
  for (let i = start; i < end; i++) {
    const r = list[i];
    if (r === undefined) continue;
    shown.push(
      <a
        key={r.id}
        class="vrow"
        style={{ transform: `translateY(${i * ROW}px)` }}
        href={href({ page: 'node', node: r.id })}
        data-node={r.id}
      >
        <span class="cell id">{r.id}</span>
        <span class="cell">
          <Status status={live ? r.status : 'unknown'} />
        </span>
        <span class="cell muted wide">
          {r.info?.type ?? ''} {r.info?.version ?? ''}
        </span>
        <span class="cell muted wide">{r.info ? ago(r.info.last_seen, now.value) : ''}</span>
      </a>,
    );
  }
  return (
    <div class="vlist" aria-label={`${list.length} nodes`}>
      <div class="vhead">
        <span class="cell id">node</span>
        <span class="cell">status</span>
        <span class="cell wide">kind</span>
        <span class="cell wide">last seen</span>
      </div>
      <div
        class="vbody"
        ref={box}
        data-testid="node-list"
        onScroll={(e) =>
          setView({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight })
        }
      >
        <div style={{ height: `${list.length * ROW}px`, position: 'relative' }}>{shown}</div>
      </div>
      {list.length === 0 && (
        <p class="muted pad">
          No nodes{filter.value !== '' || search.value !== '' ? ' match' : ' yet'}.
        </p>
      )}
    </div>
  );
}

export function Overview() {
  const state = nodesState.value;
  return (
    <section>
      <h1>Nodes</h1>
      <Counts />
      <div class="row controls">
        <label>
          Search{' '}
          <input
            type="search"
            value={search.value}
            onInput={(e) => (search.value = e.currentTarget.value)}
            placeholder="node ID"
          />
        </label>
        <label>
          Status{' '}
          <select value={filter.value} onChange={(e) => (filter.value = e.currentTarget.value)}>
            <option value="">any</option>
            <option value="running">running</option>
            <option value="online">online</option>
            <option value="offline">offline</option>
            <option value="created">created</option>
          </select>
        </label>
        <label>
          Sort{' '}
          <select
            value={sort.value}
            onChange={(e) => (sort.value = e.currentTarget.value as SortKey)}
          >
            <option value="id">by ID</option>
            <option value="status">by status</option>
          </select>
        </label>
      </div>
      {state !== 'ready' && state !== 'loading' && (
        <p role="alert">The nodes could not be read: {state}</p>
      )}
      <NodeList />
    </section>
  );
}
