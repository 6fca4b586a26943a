/**
 * A fake center for uplink tests, built from our own pieces: a router with one management
 * realm whose roles are the §4.8 matrix (`managementRealmRoles()`), a WebSocket (`/ws`) and
 * RawSocket listener whose cryptosign authenticator maps paired node keys to node IDs (else
 * ABORT `node_unpaired`), and a trusted backend session (the realm backend) that records
 * heartbeats and node events. Every message a node sends is recorded per connection.
 */
import { joinSession } from '@cdc/client';
import type { EventDetails, Session } from '@cdc/client';
import { WampError, silentLogger } from '@cdc/protocol';
import type { Args, Dict, Kwargs, Transport, TransportHandler } from '@cdc/protocol';
import { Router } from '@cdc/router';
import type { AuthConfig } from '@cdc/router';
import { createMemoryPair, listen } from '@cdc/transport';
import type { Listener } from '@cdc/transport';
import {
  HEARTBEAT_TOPIC,
  MREALM_GET_STATUS,
  NODE_PREFIX,
  NODE_ROLE,
  WORKER_HEARTBEAT_TOPIC,
  managementRealmRoles,
  CdcErrors,
} from '@cdc/api';

export interface Received {
  args: Args;
  kwargs: Kwargs;
  details: EventDetails;
}

/** One node connection: what it sent (decoded WAMP messages) and how it ended. */
export interface CenterConnection {
  messages: unknown[][];
  closed: boolean;
}

export interface FakeCenter {
  realm: string;
  port: number;
  /** `ws://127.0.0.1:<port>/ws` */
  wsUrl: string;
  /** `rs://127.0.0.1:<port>` */
  rsUrl: string;
  router: Router;
  backend: Session;
  /** Every authenticator call: `(realm, authid, details)`. */
  hellos: { realm: string | null; authid: string | undefined; details: Dict }[];
  connections: CenterConnection[];
  heartbeats: Received[];
  workerHeartbeats: Received[];
  /** Events under `crossbarfabriccenter.node.` other than heartbeats. */
  events: Received[];
  pair(pubkey: string, nodeId: string, extra?: Dict): void;
  unpair(pubkey: string): void;
  /** Register `crossbarfabriccenter.mrealm.get_status` (the realm backend is "up"). */
  serveStatus(): Promise<void>;
  statusCalls: number;
  /** Close the listener and every connection (the center goes away). */
  goAway(): Promise<void>;
  /** Listen again on the same port. */
  comeBack(): Promise<void>;
  /** Bridged procedures registered on the realm under `crossbarfabriccenter.node.<id>.`. */
  nodeProcedures(nodeId: string): Promise<string[]>;
  call<T = unknown>(procedure: string, args?: Args, kwargs?: Kwargs): Promise<T>;
  close(): Promise<void>;
}

/** A user procedure a node must not be able to call. */
export const USER_PROCEDURE = 'com.crossbario.cdc.get_status@1';

function recording(t: Transport, conn: CenterConnection): Transport {
  const attach = t.attach.bind(t);
  t.attach = (h: TransportHandler) =>
    attach({
      onMessage: (m) => {
        if (Array.isArray(m)) conn.messages.push(m);
        h.onMessage(m);
      },
      onProtocolError: (e) => h.onProtocolError(e),
      onClose: (d) => {
        conn.closed = true;
        h.onClose(d);
      },
    });
  return t;
}

export async function startFakeCenter(opts: { realm?: string } = {}): Promise<FakeCenter> {
  const realm = opts.realm ?? 'mrealm1';
  const router = new Router({ logger: silentLogger, agent: 'fake-center' });
  router.addRealm({ name: realm, roles: managementRealmRoles() });
  const paired = new Map<string, { nodeId: string; extra: Dict }>();
  const hellos: FakeCenter['hellos'] = [];
  const connections: CenterConnection[] = [];
  const auth: AuthConfig = {
    cryptosign: {
      type: 'function',
      authenticate: (helloRealm, authid, details) => {
        hellos.push({ realm: helloRealm, authid, details });
        const key = (details['authextra'] as Dict | undefined)?.['pubkey'];
        const pubkey = typeof key === 'string' ? key : '';
        const node = paired.get(pubkey);
        if (node === undefined)
          throw new WampError(CdcErrors.NODE_UNPAIRED, [
            'This node is unpaired. Pair it with a management realm first.',
          ]);
        return { realm, authid: node.nodeId, role: NODE_ROLE, pubkey, extra: node.extra };
      },
    },
  };
  let listener: Listener | undefined;
  let port = 0;
  const open = async (): Promise<void> => {
    listener = await listen({
      endpoint: { type: 'tcp', host: '127.0.0.1', port },
      websocket: { '/ws': {} },
      rawsocket: {},
      onTransport: (t) => {
        const conn: CenterConnection = { messages: [], closed: false };
        connections.push(conn);
        router.accept(recording(t, conn), { auth });
      },
    });
    port = (listener.address as { port: number }).port;
  };
  await open();

  const [client, server] = createMemoryPair({ serialize: false });
  router.accept(server, {
    auth: { anonymous: { type: 'static', role: 'trusted', authid: 'backend' } },
  });
  const backend = await joinSession(client, { realm });
  const heartbeats: Received[] = [];
  const workerHeartbeats: Received[] = [];
  const events: Received[] = [];
  await backend.subscribe(HEARTBEAT_TOPIC, (args, kwargs, details) => {
    heartbeats.push({ args, kwargs, details });
  });
  await backend.subscribe(WORKER_HEARTBEAT_TOPIC, (args, kwargs, details) => {
    workerHeartbeats.push({ args, kwargs, details });
  });
  await backend.subscribe(
    NODE_PREFIX,
    (args, kwargs, details) => {
      if (details.topic !== HEARTBEAT_TOPIC && details.topic !== WORKER_HEARTBEAT_TOPIC)
        events.push({ args, kwargs, details });
    },
    { match: 'prefix' },
  );
  await backend.register(USER_PROCEDURE, () => ({ realm }));

  const center: FakeCenter = {
    realm,
    get port() {
      return port;
    },
    get wsUrl() {
      return `ws://127.0.0.1:${port}/ws`;
    },
    get rsUrl() {
      return `rs://127.0.0.1:${port}`;
    },
    router,
    backend,
    hellos,
    connections,
    heartbeats,
    workerHeartbeats,
    events,
    statusCalls: 0,
    pair(pubkey, nodeId, extra = {}) {
      paired.set(pubkey, { nodeId, extra });
    },
    unpair(pubkey) {
      paired.delete(pubkey);
    },
    async serveStatus() {
      await backend.register(MREALM_GET_STATUS, () => {
        center.statusCalls++;
        return { type: 'management', realm, now: new Date().toISOString() };
      });
    },
    async goAway() {
      await listener?.close();
      listener = undefined;
    },
    comeBack: open,
    async nodeProcedures(nodeId) {
      const prefix = `${NODE_PREFIX}${nodeId}.`;
      const list = (await backend.call('wamp.registration.list')).value as Record<string, number[]>;
      const ids = Object.values(list).flat();
      const uris = await Promise.all(
        ids.map((id) =>
          backend.call('wamp.registration.get', [id]).then(
            (r) => String((r.value as Dict)['uri']),
            () => '', // gone in the meantime
          ),
        ),
      );
      return uris.filter((u) => u.startsWith(prefix)).sort();
    },
    async call<T>(procedure: string, args: Args = [], kwargs: Kwargs = {}) {
      return (await backend.call(procedure, args, kwargs)).value as T;
    },
    async close() {
      await backend.leave().catch(() => undefined);
      await listener?.close();
      router.close();
    },
  };
  return center;
}
