// A fleet simulator process (bench/fleet.mjs forks a few): many lightweight simulated nodes
// speaking the real uplink protocol, or many simulated API clients, each its own WAMP
// session over its own WebSocket connection.
//
// A simulated node does what a node's uplink does, minus the node: cryptosign with its key
// and no realm (the center assigns realm and node ID), the controller's procedures
// registered as `crossbarfabriccenter.node.<node_id>.*` (an idle node's 21 at once, or a
// Crossbar.io edge's 52 one at a time), the `crossbarfabriccenter.mrealm.get_status` probe,
// then a heartbeat every period; with `reconnect`, it joins again with the uplink's backoff
// when its session ends. Calls on its procedures get small canned answers of the real shapes.
import { performance } from 'node:perf_hooks';
import { setInterval } from 'node:timers';
import { joinSession } from '@cdc/client';
import { KeySigner, SigningKey } from '@cdc/cryptosign';
import { connect } from '@cdc/transport';
import { HEARTBEAT_TOPIC, MREALM_GET_STATUS, nodeProcedure } from '@cdc/api';
import { Histogram } from './hist.mjs';
import { emit, serve } from './ipc.mjs';

/** What an idle node registers upstream: the controller's procedures. */
const NODE_PROCEDURES = [
  'get_status',
  'get_system_stats',
  'get_public_key',
  'shutdown',
  'get_workers',
  'get_worker',
  'start_worker',
  'stop_worker',
  'get_worker_log',
  'get_cpu_count',
  'get_cpus',
  'get_cpu_affinity',
  'set_cpu_affinity',
  'get_process_info',
  'get_process_stats',
  'get_process_monitor',
  'set_process_stats_monitoring',
  'trigger_gc',
  'utcnow',
  'started',
  'uptime',
];

const nodes = [];
const clients = [];
let heartbeatsSent = 0;
let heartbeatTimers = [];
// With `flap`, every heartbeat alternates between no workers and one router, so each one
// flips the node between `online` and `running` (bench/web.mjs: a stream of status changes).
let flap = false;
let callsAnswered = 0;

/** Run `f` over `items` with at most `limit` in flight; resolves when all are done. */
async function pool(items, limit, f) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await f(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * The 52 node-level procedures a Crossbar.io 22.6.1 edge registers upstream, one at a time
 * (../shared/reference/crossbar-master-wire.md §3, recorded in crossbar-wire/).
 */
const EDGE_PROCEDURES = `backlog_docker_container create_docker_container delete_docker_image
destroy_docker_container fs_docker_get fs_docker_open fs_docker_put get_cpu_affinity
get_cpu_count get_cpus get_docker_container get_docker_containers get_docker_df
get_docker_image get_docker_images get_docker_info get_docker_ping get_docker_version
get_manhole get_process_info get_process_monitor get_process_stats get_public_key get_status
get_system_stats get_worker get_worker_log get_workers keystroke_docker_container
pause_docker_container prune_docker_images remove_docker_image request_docker_tty
restart_docker_container set_cpu_affinity set_process_stats_monitoring shell_docker_container
shutdown sign sign_challenge start_docker_container start_manhole start_worker started
stop_docker_container stop_manhole stop_worker trigger_gc unpause_docker_container uptime
utcnow watch_docker_container`.split(/\s+/);

/** What a simulated node registers: ours (21, all at once) or an edge's (52, one at a time). */
const PROFILES = {
  cdc: { procedures: NODE_PROCEDURES, sequential: false },
  edge: { procedures: EDGE_PROCEDURES, sequential: true },
};

/** Reconnect delays as the uplink's: 0.5 s growing ×1.5 up to 30 s, full jitter. */
const backoffMs = (attempt) => Math.random() * Math.min(30_000, 500 * 1.5 ** attempt);
/** Why reconnects failed: message → how often. */
const reconnectFailures = new Map();
/** Set while `close` runs: sessions closing then are not reconnected. */
let shuttingDown = false;

async function joinNode(url, seed, serializer, profile) {
  const key = SigningKey.fromSeed(seed);
  const signer = new KeySigner(key);
  const session = await joinSession(await connect(url, { serializers: [serializer] }), {
    realm: null,
    authrole: 'node',
    authmethods: ['cryptosign'],
    signer,
    authextra: {
      pubkey: key.publicKeyHex,
      trustroot: null,
      challenge: null,
      channel_binding: null,
    },
    agent: 'cdc-fleet-sim',
  });
  const nodeId = session.authid;
  const started = new Date().toISOString();
  const answer = (name) => () => {
    callsAnswered++;
    switch (name) {
      case 'get_status':
        return { node_id: nodeId, started, running_workers: 0, workers_by_type: {}, type: 'cdc' };
      case 'get_workers':
        return [];
      case 'utcnow':
        return new Date().toISOString();
      default:
        return null;
    }
  };
  const { procedures, sequential } = PROFILES[profile];
  try {
    if (sequential)
      for (const p of procedures) await session.register(nodeProcedure(nodeId, p), answer(p));
    else
      await Promise.all(
        procedures.map((p) => session.register(nodeProcedure(nodeId, p), answer(p))),
      );
    await session.call(MREALM_GET_STATUS);
  } catch (e) {
    // Half set up (the center went away meanwhile): drop the session, the caller retries.
    await session.leave().catch(() => undefined);
    throw e;
  }
  return session;
}

/**
 * Join through the first of `urls` that takes the node, as a node given several center URLs
 * does (an instance that cannot serve it now refuses, the node moves on to the next).
 */
async function joinAny(urls, seed, serializer, profile) {
  let last;
  for (const url of urls) {
    try {
      return await joinNode(url, seed, serializer, profile);
    } catch (e) {
      last = e;
    }
  }
  throw last;
}

async function startNode(url, seed, serializer, profile = 'cdc', reconnect = false) {
  const session = await joinAny([url].flat(), seed, serializer, profile);
  const node = { nodeId: session.authid, session, seq: 0, joinedAt: Date.now(), joins: 1 };
  nodes.push(node);
  if (reconnect) keepConnected(node, url, seed, serializer, profile);
  return node;
}

/** When the node's session ends (the center went away), join again as the uplink does. */
function keepConnected(node, url, seed, serializer, profile) {
  void node.session.closed.then(async () => {
    for (let attempt = 0; !shuttingDown; attempt++) {
      await new Promise((r) => setTimeout(r, backoffMs(attempt)));
      try {
        node.session = await joinAny([url].flat(), seed, serializer, profile);
        node.joinedAt = Date.now();
        node.joins++;
        keepConnected(node, url, seed, serializer, profile);
        return;
      } catch (e) {
        // The center is not back yet: try again later (the reason kept for the report).
        reconnectFailures.set(
          String(e?.message ?? e).slice(0, 200),
          (reconnectFailures.get(String(e?.message ?? e).slice(0, 200)) ?? 0) + 1,
        );
      }
    }
  });
}

/** Beat after `offsetMs`, then every period (a real node starts a few seconds after joining). */
function startBeating(node, offsetMs, period, mrealm) {
  const t = setTimeout(() => {
    heartbeat(node, period, mrealm);
    heartbeatTimers.push(setInterval(() => heartbeat(node, period, mrealm), period * 1000));
  }, offsetMs);
  heartbeatTimers.push(t);
}

function heartbeat(node, period, mrealm) {
  if (!node.session.isOpen) return;
  node.seq++;
  heartbeatsSent++;
  node.session
    .publish(HEARTBEAT_TOPIC, [
      node.nodeId,
      {
        timestamp: Date.now() * 1e6,
        period,
        mrealm_id: mrealm,
        seq: node.seq,
        workers: flap && node.seq % 2 === 0 ? { router: 1 } : {},
        type: 'cdc',
        version: 'fleet-sim',
      },
    ])
    .catch(() => undefined);
}

serve({
  /**
   * Connect `seeds.length` simulated nodes, `concurrency` handshakes in flight; each starts
   * beating every `period` s at a random point of its first period after it joined. With
   * `urls` (a cluster's instances) node i is given them rotated by `rotate + i`, so the
   * nodes' first choices spread evenly over the instances.
   */
  async nodes({
    url,
    urls,
    rotate = 0,
    seeds,
    concurrency = 200,
    serializer = 'cbor',
    period,
    mrealm,
    profile = 'cdc',
    reconnect = false,
  }) {
    const h = new Histogram();
    const failures = [];
    const t0 = performance.now();
    const urlsOf = (i) => {
      if (urls === undefined) return url;
      const k = (rotate + i) % urls.length;
      return [...urls.slice(k), ...urls.slice(0, k)];
    };
    await pool(seeds, concurrency, async (seed, i) => {
      const s = performance.now();
      try {
        const node = await startNode(urlsOf(i), seed, serializer, profile, reconnect);
        h.record((performance.now() - s) * 1000);
        if (period !== undefined) startBeating(node, Math.random() * period * 1000, period, mrealm);
      } catch (e) {
        failures.push(String(e?.message ?? e));
      }
    });
    return {
      ms: performance.now() - t0,
      connected: nodes.length,
      failures: failures.length,
      firstFailure: failures[0],
      hist: h.toJSON(),
    };
  },

  /** Start heartbeats: every node every `period` s, spread evenly over the period. */
  heartbeats({ period, mrealm, flap: flapping = false }) {
    flap = flapping;
    for (const t of heartbeatTimers) clearTimeout(t);
    heartbeatTimers = [];
    nodes.forEach((node, i) =>
      startBeating(node, (i / nodes.length) * period * 1000, period, mrealm),
    );
    return { nodes: nodes.length };
  },

  /** Stop beating; `seqSum` is the sum of every node's last heartbeat sequence number. */
  stopHeartbeats() {
    for (const t of heartbeatTimers) clearTimeout(t);
    heartbeatTimers = [];
    return { seqSum: nodes.reduce((a, n) => a + n.seq, 0) };
  },

  /** Nodes joined (again) at or after `since` (ms since the epoch), and the last join. */
  rejoined({ since }) {
    const back = nodes.filter((n) => n.joinedAt >= since && n.session.isOpen);
    return {
      back: back.length,
      last: back.reduce((a, n) => Math.max(a, n.joinedAt), 0),
      times: back.map((n) => n.joinedAt),
    };
  },

  counters() {
    return {
      heartbeats: heartbeatsSent,
      calls: callsAnswered,
      open: nodes.filter((n) => n.session.isOpen).length + clients.filter((c) => c.isOpen).length,
      reconnectFailures: Object.fromEntries(reconnectFailures),
    };
  },

  /** Connect simulated API clients: join `realm` with a granted key, follow node status. */
  async clients({ url, seeds, realm, concurrency = 200, topic }) {
    const h = new Histogram();
    const failures = [];
    const t0 = performance.now();
    await pool(seeds, concurrency, async (seed) => {
      const s = performance.now();
      try {
        const session = await joinSession(await connect(url, { serializers: ['json'] }), {
          realm,
          authmethods: ['cryptosign'],
          signer: new KeySigner(SigningKey.fromSeed(seed)),
          agent: 'cdc-fleet-sim-client',
        });
        if (topic !== undefined) await session.subscribe(topic, () => undefined);
        clients.push(session);
        h.record((performance.now() - s) * 1000);
      } catch (e) {
        failures.push(String(e?.message ?? e));
      }
    });
    return {
      ms: performance.now() - t0,
      connected: clients.length,
      failures: failures.length,
      firstFailure: failures[0],
      hist: h.toJSON(),
    };
  },

  /** Fan a call out: `procedure` on every node ID given, `concurrency` in flight. */
  async fanout({ url, seed, realm, procedure, nodeIds, concurrency = 100 }) {
    const session = await joinSession(await connect(url, { serializers: ['json'] }), {
      realm,
      authmethods: ['cryptosign'],
      signer: new KeySigner(SigningKey.fromSeed(seed)),
    });
    let errors = 0;
    const t0 = performance.now();
    await pool(nodeIds, concurrency, async (id) => {
      await session.call(procedure, [id]).catch(() => errors++);
    });
    const ms = performance.now() - t0;
    await session.leave();
    return { ms, calls: nodeIds.length, errors };
  },

  async close() {
    shuttingDown = true;
    for (const t of heartbeatTimers) clearTimeout(t);
    await Promise.all([
      ...nodes.map((n) => n.session.leave().catch(() => undefined)),
      ...clients.map((c) => c.leave().catch(() => undefined)),
    ]);
    emit('closed', {});
    return {};
  },
});
