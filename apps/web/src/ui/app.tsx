/** The shell: who is signed in where, the connection, the navigation, and the page. */
import { client, conn, notice, online, screen, signOut } from '../state/session.js';
import { href, route } from '../state/route.js';
import { SignInScreen } from './signin.js';
import { Overview } from '../pages/overview.js';
import { NodePage } from '../pages/node.js';
import { WorkerPage } from '../pages/worker.js';
import { RouterPage } from '../pages/router.js';
import { AccessPage } from '../pages/access.js';
import { AuditPage } from '../pages/audit.js';

function ConnectionBadge() {
  const s = conn.value;
  if (s.status === 'connected') return <span class="badge ok">online</span>;
  const why = s.error?.message;
  return (
    <span class="badge bad" title={why}>
      {s.status === 'closed' ? 'disconnected' : 'offline — reconnecting…'}
    </span>
  );
}

function Notice() {
  const n = notice.value;
  // A message belongs to the page it was said on, not to the next one.
  if (n === undefined || n.at !== href(route.value)) return null;
  return (
    <div class={`notice ${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'}>
      <span>{n.text}</span>
      <button class="link" onClick={() => (notice.value = undefined)} aria-label="dismiss">
        ✕
      </button>
    </div>
  );
}

function Page() {
  const r = route.value;
  switch (r.page) {
    case 'overview':
      return <Overview />;
    case 'node':
      return <NodePage node={r.node} />;
    case 'worker':
      return <WorkerPage node={r.node} worker={r.worker} />;
    case 'router':
      return <RouterPage node={r.node} router={r.router} />;
    case 'access':
      return <AccessPage />;
    case 'audit':
      return <AuditPage />;
  }
}

export function App() {
  const s = screen.value;
  if (s.kind !== 'ready')
    return (
      <main class="center-box">
        <Notice />
        <SignInScreen />
      </main>
    );
  const c = client.value;
  const owner = c?.can('management.grantAccess') === true;
  const admin = c?.can('management.getAuditLog') === true;
  return (
    <div class="shell">
      <header>
        <a class="brand" href={href({ page: 'overview' })}>
          CDC
        </a>
        <nav aria-label="pages">
          <a href={href({ page: 'overview' })}>Nodes</a>
          {admin && <a href={href({ page: 'access' })}>Access</a>}
          {admin && <a href={href({ page: 'audit' })}>Audit</a>}
        </nav>
        <span class="who" data-testid="who">
          {c?.realm} · {c?.authid} · {c?.authrole}
          {owner ? '' : ''}
        </span>
        <ConnectionBadge />
        <button onClick={() => void signOut()}>Sign out</button>
      </header>
      {!online.value && (
        <div class="offline" role="alert" data-testid="offline">
          The center cannot be reached; reconnecting. Statuses are unknown until it answers again.
        </div>
      )}
      <Notice />
      <main>
        <Page />
      </main>
    </div>
  );
}
