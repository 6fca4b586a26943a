// One center instance's forwarding part, in its own process (bench/cluster-link.mjs): a
// router with a WebSocket listener (ticket authentication, as the center's authenticators
// make clients prove who they are), and the cluster link to the other instances.
import { ClusterLink } from '@cdc/center';
import { Router } from '@cdc/router';
import { listen } from '@cdc/transport';
import { serve } from './ipc.mjs';

let router;
let listener;
let link;
const placement = new Map();

const everything = {
  uri: '',
  match: 'prefix',
  allow: { call: true, register: true, publish: true, subscribe: true },
  disclose: { caller: false, publisher: false },
  cache: true,
};
const principals = {};
for (let i = 0; i < 64; i++) principals[`bench-${i}`] = { ticket: 'bench', role: 'user' };

serve({
  async start({ name, realms, secret }) {
    router = new Router({ helloTimeoutMs: 60_000 });
    for (const r of realms)
      router.addRealm({ name: r, roles: [{ name: 'user', permissions: [everything] }] });
    const auth = { ticket: { type: 'static', principals } };
    listener = await listen({
      endpoint: { type: 'tcp', host: '127.0.0.1', port: 0, backlog: 1024 },
      websocket: { '/ws': {} },
      onTransport: (t) => router.accept(t, { auth }),
    });
    link = await ClusterLink.start({
      instance: name,
      secret: Buffer.from(secret, 'hex'),
      router,
      ownerOf: (r) => (router.hasRealm(r) ? undefined : placement.get(r)),
    });
    return { url: listener.url('/ws'), link: link.address };
  },
  place({ realm, address }) {
    placement.set(realm, address);
  },
  stats() {
    return { ...link.stats(), cpu: process.cpuUsage() };
  },
  async stop() {
    await link.close();
    router.close();
    await listener.close();
  },
});
