/** The realm's audit log (admins and owners), newest first, filtered by who, what and outcome. */
import { useState } from 'preact/hooks';
import { auditName } from '@cdc/api';
import type { AuditFilter } from '@cdc/api';
import { Problem } from '../ui/kv.js';
import { useLoad } from '../ui/use-load.js';

export function AuditPage() {
  const [authid, setAuthid] = useState('');
  const [procedure, setProcedure] = useState('');
  const [outcome, setOutcome] = useState('');
  const [applied, setApplied] = useState<AuditFilter>({});
  const log = useLoad(
    (c) => c.management.getAuditLog({ filter: applied }),
    [JSON.stringify(applied)],
  );
  return (
    <section>
      <h1>Audit</h1>
      <form
        class="row controls"
        onSubmit={(e) => {
          e.preventDefault();
          const f: AuditFilter = {};
          if (authid.trim() !== '') f.authid = authid.trim();
          // Any URI of the procedure or its short name, as the audit log records it.
          if (procedure.trim() !== '') f.procedure = auditName(procedure) ?? procedure.trim();
          if (outcome === 'ok' || outcome === 'error') f.outcome = outcome;
          setApplied(f);
        }}
      >
        <label>
          Who <input value={authid} onInput={(e) => setAuthid(e.currentTarget.value)} />
        </label>
        <label>
          Procedure{' '}
          <input
            value={procedure}
            onInput={(e) => setProcedure(e.currentTarget.value)}
            placeholder="e.g. revoke_access"
          />
        </label>
        <label>
          Outcome{' '}
          <select value={outcome} onChange={(e) => setOutcome(e.currentTarget.value)}>
            <option value="">any</option>
            <option value="ok">ok</option>
            <option value="error">error</option>
          </select>
        </label>
        <button type="submit">Filter</button>
      </form>
      <Problem text={log.error} />
      <table class="grid">
        <thead>
          <tr>
            <th>time</th>
            <th>who</th>
            <th>procedure</th>
            <th>outcome</th>
            <th class="wide">arguments</th>
          </tr>
        </thead>
        <tbody>
          {(log.data ?? []).map((a) => (
            <tr key={a.id}>
              <td>{a.time.replace('T', ' ').slice(0, 19)}</td>
              <td>
                {a.authid} <span class="muted">{a.role}</span>
              </td>
              <td>
                <code>{a.procedure}</code>
              </td>
              <td>{a.outcome === 'ok' ? 'ok' : <span title={a.message ?? ''}>{a.error}</span>}</td>
              <td class="wide">
                <code>{JSON.stringify(a.args).slice(0, 80)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {log.data?.length === 0 && <p class="muted">No records.</p>}
    </section>
  );
}
