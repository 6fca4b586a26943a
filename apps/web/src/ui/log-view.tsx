/**
 * A worker's log, live: the last lines (`get_worker_log`), then each new one as it arrives
 * (`on_log`). Follow keeps the newest in view; Pause holds what arrives (and says how much)
 * until resumed; the filter matches text and level.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { WorkerLogEntry } from '@cdc/api';
import { client, conn, describe } from '../state/session.js';

const KEEP = 2000;

export function LogView({ node, worker }: { node: string; worker: string }) {
  const c = client.value;
  const connected = conn.value.status === 'connected';
  const [lines, setLines] = useState<WorkerLogEntry[]>([]);
  const [held, setHeld] = useState<WorkerLogEntry[]>([]);
  const [paused, setPaused] = useState(false);
  const [follow, setFollow] = useState(true);
  const [filter, setFilter] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const box = useRef<HTMLPreElement>(null);

  useEffect(() => {
    if (c === undefined || !connected) return;
    let live = true;
    const sub = c.onWorkerLog(node, worker, (entry) => {
      if (pausedRef.current) setHeld((h) => [...h, entry].slice(-KEEP));
      else setLines((l) => [...l, entry].slice(-KEEP));
    });
    sub.ready.catch((e: unknown) => live && setError(`live log: ${describe(e)}`));
    c.remote.getWorkerLog(node, worker, { limit: 200 }).then(
      (past) => live && setLines((l) => [...past, ...l].slice(-KEEP)),
      (e: unknown) => live && setError(describe(e)),
    );
    return () => {
      live = false;
      void sub().catch(() => undefined);
    };
  }, [c, connected, node, worker]);

  useEffect(() => {
    const el = box.current;
    if (follow && el !== null) el.scrollTop = el.scrollHeight;
  }, [lines, follow]);

  const f = filter.trim().toLowerCase();
  const shown =
    f === ''
      ? lines
      : lines.filter((l) => `${l.level ?? ''} ${l.message ?? ''}`.toLowerCase().includes(f));
  return (
    <section>
      <h2>Log</h2>
      <div class="row controls">
        <button
          aria-pressed={paused}
          onClick={() => {
            if (paused) {
              setLines((l) => [...l, ...held].slice(-KEEP));
              setHeld([]);
            }
            setPaused(!paused);
          }}
        >
          {paused ? `Resume (${held.length} new)` : 'Pause'}
        </button>
        <label>
          <input
            type="checkbox"
            checked={follow}
            onChange={(e) => setFollow(e.currentTarget.checked)}
          />{' '}
          Follow
        </label>
        <label>
          Filter{' '}
          <input type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
        </label>
        <span class="muted">
          {shown.length} of {lines.length} lines
        </span>
      </div>
      {error !== undefined && (
        <p class="problem" role="alert">
          {error}
        </p>
      )}
      <pre class="log" ref={box} data-testid="log" tabIndex={0}>
        {shown.map((l, i) => (
          <div key={i} class={`line ${l.level ?? ''}`}>
            <span class="muted">{l.time?.slice(11, 23) ?? ''}</span>{' '}
            <span class="lvl">{l.level ?? l.source ?? ''}</span> {l.message ?? ''}
          </div>
        ))}
      </pre>
    </section>
  );
}
