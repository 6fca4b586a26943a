/**
 * Faults injected into a running {@link Cluster} under the {@link LoadDriver}'s load, shared
 * by the fault tests (CI sizes) and `bench/faults.mjs` (longer runs). Each fault is an
 * action; after it, the cluster must come back by itself to the state it had: `/health`
 * 200, every node online, every node running its desired router and its guest, and calls
 * and writes succeeding again. The time that takes and what the load saw meanwhile are the
 * fault's figures.
 * @module
 */
import { Connection } from '@cdc/client';
import { loadUserSigner } from '@cdc/cryptosign';
import { connect } from '@cdc/transport';
import { DESIRED_ROUTER, GUEST, GUEST_CONFIG } from './cluster.js';
import type { Cluster, ClusterNode } from './cluster.js';
import { LoadDriver } from './driver.js';
import type { WindowStats } from './driver.js';

export interface FaultResult extends WindowStats {
  fault: string;
  /** From the fault to everything back (ms). */
  recoverMs: number;
  /** What `/health` answered while the fault lasted (status → count, with a reason seen). */
  health: Record<string, number>;
  healthReason?: string;
}

interface LiveWorker {
  worker_id: string;
  status: string;
}

/** A session of the owner for checking the cluster's state, reconnecting by itself. */
export class Probe {
  private constructor(private readonly c: Connection) {}

  static async open(cluster: Cluster): Promise<Probe> {
    const c = new Connection({
      transport: () => connect(cluster.url),
      realm: 'default',
      authmethods: ['cryptosign'],
      signer: await loadUserSigner(cluster.ownerKey),
      initialDelay: 100,
      maxDelay: 500,
    });
    await c.open();
    return new Probe(c);
  }

  async call(proc: string, args: unknown[] = []): Promise<unknown> {
    const s = this.c.session;
    if (s === undefined || !this.c.isJoined) throw new Error('the probe is reconnecting');
    return (await s.call(proc, args)).value;
  }

  close(): Promise<void> {
    return this.c.close();
  }
}

/** A node's status when it is connected (`running`: it runs all its desired workers). */
const CONNECTED = new Set(['online', 'running']);

async function nodeStatus(probe: Probe, nodeId: string): Promise<string> {
  try {
    const r = (await probe.call('com.crossbario.cdc.get_node_status@1', [nodeId])) as {
      status: string;
    };
    return r.status;
  } catch (e) {
    // A pairing made on the center machine reaches the realm's backend within seconds.
    if (/no_such_node|no_such_procedure/.test(String((e as { uri?: string }).uri)))
      return 'not known yet';
    throw e;
  }
}

async function health(
  cluster: Cluster,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(cluster.healthUrl, { signal: AbortSignal.timeout(20_000) });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

/** Why the cluster is not back yet, or undefined once it is. */
export async function notBack(cluster: Cluster, probe: Probe): Promise<string | undefined> {
  try {
    const h = await health(cluster);
    if (h.status !== 200) return `/health ${h.status}: ${JSON.stringify(h.body)}`;
    for (const n of cluster.nodes) {
      const st = await nodeStatus(probe, n.id);
      if (!CONNECTED.has(st)) return `node ${n.id} is ${st}`;
      const live = (await probe.call('io.crossbar.cdc.list_node_workers@1', [
        n.id,
      ])) as LiveWorker[];
      for (const w of n.guest ? [DESIRED_ROUTER, GUEST] : [DESIRED_ROUTER]) {
        const s = live.find((x) => x.worker_id === w)?.status;
        if (s !== 'started') return `worker ${n.id}/${w} is ${s ?? 'not there'}`;
      }
    }
    return undefined;
  } catch (e) {
    return `probe: ${(e as Error).message}`;
  }
}

/** Wait until the cluster is back; throws saying what is still wrong after `ms`. */
export async function back(cluster: Cluster, probe: Probe, ms = 90_000): Promise<void> {
  const end = Date.now() + ms;
  let why: string | undefined;
  while ((why = await notBack(cluster, probe)) !== undefined) {
    if (Date.now() > end) throw new Error(`the cluster did not come back: ${why}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A fault test's start: the cluster up with its desired workers running, and the owner's
 * load (calls and config writes) flowing for a second before any fault.
 */
export async function underLoad(cluster: Cluster): Promise<{ probe: Probe; driver: LoadDriver }> {
  await cluster.start();
  const probe = await prepare(cluster);
  const driver = new LoadDriver({
    url: () => cluster.url,
    ownerKey: cluster.ownerKey,
    realm: 'default',
    nodes: cluster.nodes.map((n) => n.id),
  });
  await driver.start();
  await new Promise((r) => setTimeout(r, 1000));
  return { probe, driver };
}

/** Store and start each node's desired router and start its guest; wait until all run. */
export async function prepare(cluster: Cluster): Promise<Probe> {
  const probe = await Probe.open(cluster);
  const end = Date.now() + 60_000;
  for (const n of cluster.nodes) {
    for (;;) {
      if (CONNECTED.has(await nodeStatus(probe, n.id))) break;
      if (Date.now() > end) throw new Error(`node ${n.id} never came online:\n${n.proc.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // The node's row may follow its connection by a moment (pairings sync every few seconds).
    for (;;) {
      try {
        await probe.call('io.crossbar.cdc.create_router@1', [n.id, DESIRED_ROUTER, {}]);
        break;
      } catch (e) {
        if (Date.now() > end || !/no_such_node/.test(String((e as { uri?: string }).uri))) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    await probe.call('io.crossbar.cdc.start_router@1', [n.id, DESIRED_ROUTER]);
    await startGuest(probe, n);
  }
  await back(cluster, probe, 60_000);
  return probe;
}

/** Start the node's guest (through the center's remote API), restarted by its node. */
export async function startGuest(probe: Probe, n: ClusterNode): Promise<void> {
  await probe.call('com.crossbario.cdc.remote.start_guest_worker@1', [n.id, GUEST, GUEST_CONFIG]);
  n.guest = true;
}

/**
 * Inject a fault: `action` makes it (and, for an outage, lasts as long as it does); then
 * wait until everything is back and both load loops have succeeded for a while.
 */
export async function inject(
  fault: string,
  cluster: Cluster,
  probe: Probe,
  driver: LoadDriver,
  action: () => Promise<void>,
): Promise<FaultResult> {
  const t0 = Date.now();
  const seen: Record<string, number> = {};
  let reason: string | undefined;
  let watching = true;
  const watch = (async () => {
    while (watching) {
      try {
        const h = await health(cluster);
        seen[String(h.status)] = (seen[String(h.status)] ?? 0) + 1;
        if (h.status !== 200 && reason === undefined)
          reason = String(h.body['database'] ?? h.body['error']);
      } catch {
        seen['no answer'] = (seen['no answer'] ?? 0) + 1;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  await action();
  await back(cluster, probe);
  // Both loops must be succeeding again, for at least a few operations each.
  const end = Date.now() + 60_000;
  for (;;) {
    const c = driver.okSince(t0, 'call');
    const w = driver.okSince(t0, 'write');
    if (c !== undefined && w !== undefined && Date.now() - Math.max(c, w) > 300) break;
    if (Date.now() > end) throw new Error(`${fault}: the load did not recover`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const t1 = Math.max(
    driver.okSince(t0, 'call') ?? 0,
    driver.okSince(t0, 'write') ?? 0,
    Date.now() - 300,
  );
  watching = false;
  await watch;
  return {
    fault,
    recoverMs: t1 - t0,
    ...driver.window(t0, t1),
    health: seen,
    ...(reason !== undefined ? { healthReason: reason } : {}),
  };
}

/** Wait until `f` returns a value (a new PID, …), or fail naming `what`. */
export async function until<T>(f: () => T | undefined, what: string, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One line per fault, for the test log and the bench. */
export function describe(r: FaultResult): string {
  const errors = Object.entries(r.errors)
    .map(([e, n]) => `${e.replace(/^com\.crossbario\.cdc\.error\.|^wamp\.error\./, '')}×${n}`)
    .join(', ');
  return (
    `${r.fault}: back in ${(r.recoverMs / 1000).toFixed(1)} s; calls failed ${r.callsFailed}/${r.calls}, ` +
    `writes failed ${r.writesFailed}/${r.writes}${errors !== '' ? ` (${errors})` : ''}, slowest failure ${r.slowestFailureMs} ms; ` +
    `/health ${JSON.stringify(r.health)}`
  );
}
