// The router under test, in its own process: a RouterHost (what `cdc router start` runs)
// with one realm, a WebSocket transport and a RawSocket transport on ephemeral ports (and
// the same two over TLS when given a certificate), all
// accepting anonymous, cryptosign and (given credentials) SCRAM. Answers the orchestrator's requests for its CPU time,
// its memory (after GC) and CPU profiles of a measurement window.
import { setImmediate } from 'node:timers';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { RouterHost } from '@cdc/router-host';
import { serve } from './ipc.mjs';
import { profileStart, profileStop } from './profiler.mjs';

let host;
let loopDelay;

const allowAll = (name) => ({
  name,
  permissions: [
    {
      uri: '',
      match: 'prefix',
      allow: { call: true, register: true, publish: true, subscribe: true },
      disclose: { caller: false, publisher: false },
      cache: true,
    },
  ],
});

serve({
  async start({ pubkeys = [], scram, tls }) {
    const principals = {};
    pubkeys.forEach((k, i) => (principals[`bench-${i}`] = { role: 'user', authorized_keys: [k] }));
    const auth = {
      anonymous: { type: 'static', role: 'anonymous' },
      cryptosign: { type: 'static', principals },
    };
    // WAMP-SCRAM: `scram.n` principals scram-0… sharing one stored credential.
    if (scram !== undefined) {
      const p = {};
      for (let i = 0; i < scram.n; i++) p[`scram-${i}`] = { ...scram.credential, role: 'user' };
      auth.scram = { type: 'static', principals: p };
    }
    // Slow SCRAM clients on a busy machine may take longer than the default 10 s to log in.
    host = new RouterHost({ router: { helloTimeoutMs: 60_000 } });
    await host.start({
      type: 'router',
      realms: [{ name: 'realm1', roles: [allowAll('anonymous'), allowAll('user')] }],
      transports: [
        {
          type: 'websocket',
          id: 'ws',
          endpoint: { type: 'tcp', interface: '127.0.0.1', port: 0, backlog: 4096 },
          serializers: ['json', 'msgpack'],
          auth,
        },
        {
          type: 'rawsocket',
          id: 'rs',
          endpoint: { type: 'tcp', interface: '127.0.0.1', port: 0, backlog: 4096 },
          serializers: ['json', 'msgpack'],
          auth,
        },
        // With `tls` (files of a certificate): the same two over TLS.
        ...(tls === undefined
          ? []
          : [
              { type: 'websocket', id: 'wss' },
              { type: 'rawsocket', id: 'rss' },
            ].map(({ type, id }) => ({
              type,
              id,
              endpoint: {
                type: 'tcp',
                interface: '127.0.0.1',
                port: 0,
                backlog: 4096,
                tls: { key: tls.keyFile, certificate: tls.certFile },
              },
              serializers: ['json', 'msgpack'],
              auth,
            }))),
      ],
    });
    const urls = { ws: host.transportUrl('ws', '/ws'), rs: host.transportUrl('rs') };
    if (tls !== undefined) {
      urls.wss = host.transportUrl('wss', '/ws');
      urls.rss = host.transportUrl('rss');
    }
    return urls;
  },

  /** Start (reset) measuring the event loop's delay; `loopDelayStop` reports it (ms). */
  loopDelayStart() {
    loopDelay?.disable();
    loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    return {};
  },

  loopDelayStop() {
    loopDelay?.disable();
    const h = loopDelay;
    return { p99: (h?.percentile(99) ?? 0) / 1e6, max: (h?.max ?? 0) / 1e6 };
  },

  cpu() {
    const u = process.cpuUsage();
    return { us: u.user + u.system, user: u.user, system: u.system };
  },

  mem() {
    for (let i = 0; i < 4; i++) globalThis.gc?.();
    const m = process.memoryUsage();
    return {
      rss: m.rss,
      heapUsed: m.heapUsed,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
      connections: host.router.connectionCount,
      sessions: host.router.getRealm('realm1')?.sessions.size ?? 0,
      gc: globalThis.gc !== undefined,
    };
  },

  profileStart,
  profileStop,

  async stop() {
    await host?.stop();
    setImmediate(() => process.exit(0));
  },
});
