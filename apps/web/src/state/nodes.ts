/**
 * The realm's nodes, live: loaded with `get_nodes` on every (re)join, so nothing stale
 * survives a reconnect, and kept current by `on_node_status`, applied once per animation
 * frame. `nodesVersion` is the signal pages render from.
 * @module
 */
import { effect, signal } from '@preact/signals';
import { GLOBAL_REALM } from '@cdc/api';
import type { Center } from '@cdc/sdk/browser';
import { NodeStore } from '../lib/node-store.js';
import { client, conn, describe, say } from './session.js';

const frame = (f: () => void): void => {
  requestAnimationFrame(() => f());
};

export const nodes = new NodeStore(frame);
export const nodesVersion = signal(0);
/** `loading`, `ready`, or why the list could not be read. */
export const nodesState = signal<string>('loading');
nodes.onChange(() => {
  nodesVersion.value = nodes.version;
});

/** Read in a render or a `computed` to be run again when the nodes change. */
export function watchNodes(): number {
  return nodesVersion.value;
}

let bound: Center | undefined;
let unsubscribe: (() => Promise<void>) | undefined;

async function reload(c: Center): Promise<void> {
  try {
    const all = await c.getNodes();
    if (client.value !== c) return;
    nodes.load(Object.values(all));
    nodesState.value = 'ready';
  } catch (e) {
    nodesState.value = describe(e);
  }
}

/** Follow the signed-in client: subscribe once per client, reload on every join. */
export function followNodes(): void {
  effect(() => {
    const c = client.value;
    const status = conn.value.status;
    if (c !== bound) {
      void unsubscribe?.().catch(() => undefined);
      unsubscribe = undefined;
      bound = c;
      nodes.load([]);
      nodesState.value = 'loading';
    }
    // Only on a management realm (a key not yet granted sits on the global realm).
    if (
      c === undefined ||
      status !== 'connected' ||
      c.realm === undefined ||
      c.realm === GLOBAL_REALM
    )
      return;
    if (unsubscribe === undefined) {
      const sub = c.onNodeStatus((id, _old, now) => nodes.setStatus(id, now));
      sub.ready.catch((e: unknown) => say(`live node status: ${describe(e)}`));
      unsubscribe = sub;
    }
    void reload(c);
  });
}
