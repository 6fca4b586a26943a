/**
 * The entry point of a realm backend process: the center forks one per management realm;
 * it alone opens that realm's data and serves that realm's API, joined to the realm over
 * its IPC channel as `trusted`.
 * @module
 */
import { pino } from 'pino';
import { joinSession } from '@cdc/client';
import { createStoreFactory } from '@cdc/store';
import type { StoreFactory } from '@cdc/store';
import { createIpcTransport, parentWampStream } from '@cdc/transport';
import { isCenterCommand } from './messages.js';
import type { BackendMessage, CenterCommand } from './messages.js';
import { CachedRealmStore } from './node-cache.js';
import { RealmBackend } from './realm-backend.js';
import { errorMessage } from '@cdc/protocol';

type Init = Extract<CenterCommand, { cmd: 'init' }>;

let factory: StoreFactory | undefined;
let backend: RealmBackend | undefined;
let exiting = false;

function send(m: BackendMessage): void {
  process.send?.(m);
}

async function exit(code: number): Promise<never> {
  if (!exiting) {
    exiting = true;
    await backend?.stop().catch(() => undefined);
    await factory?.close().catch(() => undefined);
  }
  process.exit(code);
}

async function run(init: Init): Promise<void> {
  const log = pino({ level: init.logLevel, base: { realm: init.realm } });
  process.title = `cdc-realm-${init.realm}`;
  process.on('uncaughtException', (e) => {
    log.fatal({ err: e }, 'uncaught exception');
    void exit(1);
  });
  process.on('disconnect', () => void exit(0));
  factory = createStoreFactory(init.store);
  const domain = await factory.domain();
  await domain.migrate();
  const store = new CachedRealmStore(await factory.realm(init.realm));
  await store.migrate();
  const session = await joinSession(createIpcTransport(parentWampStream(), 'ipc:center'), {
    realm: init.realm,
  });
  session.onLeave(() => void exit(0));
  backend = new RealmBackend({
    realm: init.realm,
    session,
    domain,
    store,
    log,
    started: new Date(init.started),
    version: init.version,
    heartbeatPeriodS: init.heartbeatPeriodS,
    onMetrics: (nodes) => send({ cmd: 'metrics', nodes }),
  });
  const procedures = await backend.start();
  log.info({ procedures }, 'realm backend ready');
  send({ cmd: 'ready', procedures });
}

process.on('message', (m: unknown) => {
  if (!isCenterCommand(m)) return;
  if (m.cmd === 'shutdown') {
    void exit(0);
    return;
  }
  run(m).catch((e: unknown) => {
    process.stderr.write(`realm backend failed to start: ${errorMessage(e)}\n`);
    send({ cmd: 'failed', error: errorMessage(e) });
    void exit(1);
  });
});
