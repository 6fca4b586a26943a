/**
 * A router the center keeps configured for a node: stored config against what runs, the
 * differing lines marked on both sides; the editor (`modify_router`) for those who may
 * change it; and reload, which shows the plan (the changes, and whether a restart is needed)
 * before it is confirmed.
 */
import { useState } from 'preact/hooks';
import { client } from '../state/session.js';
import { href } from '../state/route.js';
import { changedLines } from '../lib/line-diff.js';
import { pretty, sortedKeys } from '../lib/format.js';
import { ConfigEditor } from '../ui/config-editor.js';
import { Problem } from '../ui/kv.js';
import { Status } from '../ui/status.js';
import { useAction, useLoad } from '../ui/use-load.js';

function Side({ title, lines, changed }: { title: string; lines: string[]; changed: boolean[] }) {
  return (
    <div class="side">
      <h3>{title}</h3>
      <pre class="code">
        {lines.map((l, i) => (
          <div key={i} class={changed[i] === true ? 'diff' : ''}>
            {l === '' ? ' ' : l}
          </div>
        ))}
      </pre>
    </div>
  );
}

export function RouterPage({ node, router }: { node: string; router: string }) {
  const c = client.value;
  const state = useLoad((c) => c.config.getRouter(node, router), [node, router]);
  const action = useAction();
  const [plan, setPlan] = useState(false);
  const [restart, setRestart] = useState(false);
  const [done, setDone] = useState<string | undefined>(undefined);
  if (c === undefined) return null;
  const r = state.data;
  const stored = r === undefined ? [] : pretty(sortedKeys(r.config)).split('\n');
  const running =
    r?.running_config === null || r === undefined
      ? ['(not running)']
      : pretty(sortedKeys(r.running_config)).split('\n');
  const diff = changedLines(stored, running);
  const restartNeeded = r?.restart_required === true;
  return (
    <section>
      <p class="crumbs">
        <a href={href({ page: 'overview' })}>Nodes</a> /{' '}
        <a href={href({ page: 'node', node })}>{node}</a> / router {router}
      </p>
      <h1>
        Router {router} {r !== undefined && <Status status={r.status} />}
      </h1>
      <Problem text={state.error} />
      <Problem text={action.error} />
      {done !== undefined && <p role="status">{done}</p>}
      {r !== undefined && (
        <>
          <p>
            Should be <strong>{r.desired}</strong>.{' '}
            {r.drift ? (
              <span class="status bad" data-testid="drift">
                drift:{' '}
                {r.changes.length > 0 ? r.changes.join('; ') : 'not running though it should'}
              </span>
            ) : (
              <span class="status ok">running as stored</span>
            )}
          </p>
          {c.can('config.reloadRouter') && (
            <div class="row">
              <button onClick={() => setPlan(true)} disabled={plan}>
                Reload…
              </button>
            </div>
          )}
          {plan && (
            <div class="card plan" role="dialog" aria-label="reload plan">
              <h3>Reload plan</h3>
              {r.changes.length === 0 ? (
                <p>No changes: the router runs as stored.</p>
              ) : (
                <ul>
                  {r.changes.map((ch) => (
                    <li key={ch}>{ch}</li>
                  ))}
                </ul>
              )}
              <p data-testid="restart-needed">
                {restartNeeded
                  ? 'These changes need a restart of the router.'
                  : 'No restart needed.'}
              </p>
              {restartNeeded && (
                <label>
                  <input
                    type="checkbox"
                    checked={restart}
                    onChange={(e) => setRestart(e.currentTarget.checked)}
                  />{' '}
                  Restart if required
                </label>
              )}
              <div class="row">
                <button
                  disabled={action.busy}
                  onClick={() =>
                    action.run(async () => {
                      const res = await c.config.reloadRouter(node, router, {
                        restartIfRequired: restart,
                      });
                      setDone(
                        `Reloaded${res.restarted ? ' (restarted)' : ''}: ${res.changes.join('; ') || 'no changes'}.`,
                      );
                      setPlan(false);
                    }, state.reload)
                  }
                >
                  Confirm reload
                </button>
                <button onClick={() => setPlan(false)}>Cancel</button>
              </div>
            </div>
          )}
          <div class="sides">
            <Side title="Stored" lines={stored} changed={diff.a} />
            <Side title="Running" lines={running} changed={diff.b} />
          </div>
          {c.can('config.modifyRouter') && (
            <>
              <h2>Edit</h2>
              <ConfigEditor
                c={c}
                node={node}
                router={router}
                stored={r.config}
                onSaved={state.reload}
              />
            </>
          )}
        </>
      )}
    </section>
  );
}
