/**
 * The entry point of a realm backend process: the center forks one per management realm;
 * it alone opens that realm's data and serves that realm's API, joined to the realm as
 * `trusted` over its WAMP socket. Its lifecycle (`init`, `ready`, `shutdown`) is
 * `serveChild`'s.
 * @module
 */
import { pino } from 'pino';
import { joinSession } from '@cdc/client';
import { createStoreFactory } from '@cdc/store';
// The child's side alone: a child loads none of the parent's machinery.
import { serveChild } from '@cdc/supervisor/child';
import type { BackendLifecycle } from './messages.js';
import { watchFence } from './fence.js';
import { CachedRealmStore } from './node-cache.js';
import { RealmBackend } from './realm-backend.js';

serveChild<BackendLifecycle>({ name: 'realm backend' }, async (init, child) => {
  const log = pino({ level: init.logLevel, base: { realm: init.realm } });
  process.title = `cdc-realm-${init.realm}`;
  process.on('uncaughtException', (e) => {
    log.fatal({ err: e }, 'uncaught exception');
    void child.exit(1);
  });
  const factory = createStoreFactory(init.store);
  child.onStop(() => factory.close());
  const domain = await factory.domain();
  await domain.migrate();
  const raw = await factory.realm(
    init.realm,
    init.fence !== undefined ? { fence: init.fence } : {},
  );
  // Cluster mode: a write refused by the fence means the lease is gone; the center lets go.
  const fenced =
    init.fence === undefined ? raw : watchFence(raw, () => child.send({ kind: 'fenced' }));
  const store = new CachedRealmStore(fenced);
  await store.migrate();
  const session = await joinSession(child.connect('ipc:center'), { realm: init.realm });
  session.onLeave(() => void child.exit(0));
  const backend = new RealmBackend({
    realm: init.realm,
    session,
    domain,
    store,
    log,
    started: new Date(init.started),
    version: init.version,
    heartbeatPeriodS: init.heartbeatPeriodS,
    onMetrics: (nodes) => child.send({ kind: 'metrics', nodes }),
  });
  child.onStop(() => backend.stop());
  const procedures = await backend.start();
  log.info({ procedures }, 'realm backend ready');
  return { procedures };
});
