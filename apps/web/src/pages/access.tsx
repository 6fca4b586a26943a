/**
 * Who may use the realm (admins read it, owners change it): keys with their roles and labels,
 * grant and revoke, and pairing a node by pasting its public key.
 */
import { useState } from 'preact/hooks';
import { USER_ROLES } from '@cdc/api';
import type { UserRole } from '@cdc/api';
import { client, say } from '../state/session.js';
import { Problem } from '../ui/kv.js';
import { useAction, useLoad } from '../ui/use-load.js';

export function AccessPage() {
  const c = client.value;
  const list = useLoad((c) => c.management.listAccess(), []);
  const action = useAction();
  const [key, setKey] = useState('');
  const [role, setRole] = useState<UserRole>('cdc-guest');
  const [label, setLabel] = useState('');
  const [nodeKey, setNodeKey] = useState('');
  const [nodeId, setNodeId] = useState('');
  if (c === undefined) return null;
  const owner = c.can('management.grantAccess');
  const pair = c.can('management.pairNode');
  const hex = (s: string) => s.trim().toLowerCase();
  return (
    <section>
      <h1>Access</h1>
      <Problem text={list.error} />
      <Problem text={action.error} />
      <table class="grid">
        <thead>
          <tr>
            <th>who</th>
            <th>role</th>
            <th class="wide">public key</th>
            <th class="wide">since</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(list.data ?? []).map((a) => (
            <tr key={a.pubkey}>
              <td>{a.label ?? a.authid}</td>
              <td>{a.role}</td>
              <td class="wide">
                <code>{a.pubkey.slice(0, 16)}…</code>
              </td>
              <td class="wide">{a.created.slice(0, 10)}</td>
              <td>
                {owner && a.pubkey !== c.pubkey && (
                  <button
                    disabled={action.busy}
                    onClick={() =>
                      action.run(() => c.management.revokeAccess(a.pubkey), list.reload)
                    }
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {owner && (
        <form
          class="stack card"
          onSubmit={(e) => {
            e.preventDefault();
            action.run(
              () =>
                c.management.grantAccess(hex(key), role, {
                  label: label.trim() === '' ? null : label.trim(),
                }),
              () => {
                list.reload();
                setKey('');
                setLabel('');
              },
            );
          }}
        >
          <h2>Grant a key</h2>
          <label>
            Public key (64 hex){' '}
            <input
              value={key}
              required
              pattern="\s*[0-9a-fA-F]{64}\s*"
              onInput={(e) => setKey(e.currentTarget.value)}
            />
          </label>
          <label>
            Role{' '}
            <select value={role} onChange={(e) => setRole(e.currentTarget.value as UserRole)}>
              {USER_ROLES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
          <label>
            Label <input value={label} onInput={(e) => setLabel(e.currentTarget.value)} />
          </label>
          <button type="submit" disabled={action.busy}>
            Grant
          </button>
        </form>
      )}
      {pair && (
        <form
          class="stack card"
          onSubmit={(e) => {
            e.preventDefault();
            action.run(
              async () => {
                const id = nodeId.trim();
                await c.management.pairNode(hex(nodeKey), id);
                say(`Paired node ${id}: it joins the realm when it next connects.`, 'info');
              },
              () => {
                setNodeKey('');
                setNodeId('');
              },
            );
          }}
        >
          <h2>Pair a node</h2>
          <label>
            Node public key (64 hex, <code>cdc node pubkey</code>){' '}
            <input
              value={nodeKey}
              required
              pattern="\s*[0-9a-fA-F]{64}\s*"
              onInput={(e) => setNodeKey(e.currentTarget.value)}
            />
          </label>
          <label>
            Node ID{' '}
            <input value={nodeId} required onInput={(e) => setNodeId(e.currentTarget.value)} />
          </label>
          <button type="submit" disabled={action.busy}>
            Pair
          </button>
        </form>
      )}
    </section>
  );
}
