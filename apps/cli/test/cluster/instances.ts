/**
 * A clustered center for the cluster-mode tests: `cdc center start --cluster` instances on
 * one PostgreSQL test database (each on its own port), `cdc center status --json` to see who
 * owns what, and an owner's API session that always goes to the current owner of a realm.
 * @module
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Connection } from '@cdc/client';
import { loadUserSigner } from '@cdc/cryptosign';
import { connect } from '@cdc/transport';
import { CDC, Proc } from '../faults/procs.js';

const run = promisify(execFile);

/**
 * Short leases keep the tests quick: a dead owner's realms move within about this. Not
 * shorter: on a loaded CI machine a lease pass can take seconds, and a lease that lapses
 * under load moves its realm for nothing.
 */
export const LEASE_S = 6;

export interface Instance {
  id: string;
  proc: Proc;
  url: string;
}

export interface StatusJson {
  instances: { id: string; address: string; ageMs: number }[];
  realms: { realm: string; owner: string; token: number; remainingMs: number; heldMs: number }[];
}

export class CenterCluster {
  readonly instances = new Map<string, Instance>();

  constructor(readonly o: { databaseUrl: string; root: string; ownerKey: string }) {}

  get env(): NodeJS.ProcessEnv {
    return { CDC_DATABASE_URL: this.o.databaseUrl, CDC_CLUSTER_LEASE_S: String(LEASE_S) };
  }

  /** Start instance `id` on `port` (a free one by default); resolves once it listens. */
  async start(id: string, extra: string[] = [], port = 0): Promise<Instance> {
    const proc = new Proc(
      id,
      [
        'center',
        'start',
        '--cluster',
        '--instance-id',
        id,
        '--dir',
        `${this.o.root}/${id}`,
        '--listen',
        `127.0.0.1:${port}`,
        '--bootstrap-owner-key',
        `${this.o.ownerKey}.pub`,
        '--heartbeat-period',
        '1',
        ...extra,
      ],
      { env: this.env },
    );
    const m = await proc.waitFor(/"url":"(ws:\/\/127\.0\.0\.1:\d+\/ws)"/, 60_000);
    const i = { id, proc, url: m[1] as string };
    this.instances.set(id, i);
    return i;
  }

  /** Run `cdc …` with the cluster's database; its stdout. */
  async cdc(args: string[]): Promise<string> {
    const { stdout } = await run(process.execPath, [CDC, ...args], {
      env: { ...process.env, ...this.env },
    });
    return stdout;
  }

  async status(): Promise<StatusJson> {
    return JSON.parse(await this.cdc(['center', 'status', '--json'])) as StatusJson;
  }

  /** The live owner of `realm` (its lease unexpired), if any; `heldMs`: since it took it. */
  async owner(realm: string): Promise<{ id: string; token: number; heldMs: number } | undefined> {
    const l = (await this.status()).realms.find((r) => r.realm === realm && r.remainingMs > 0);
    return l === undefined ? undefined : { id: l.owner, token: l.token, heldMs: l.heldMs };
  }

  /** A session of the realm's owner key that (re)connects to whichever instance owns it. */
  async session(realm: string): Promise<Connection> {
    const c = new Connection({
      transport: async () => {
        const o = await this.owner(realm);
        const i = o === undefined ? undefined : this.instances.get(o.id);
        if (i === undefined) throw new Error(`no instance serves realm "${realm}" right now`);
        return connect(i.url);
      },
      realm,
      authmethods: ['cryptosign'],
      signer: await loadUserSigner(this.o.ownerKey),
      initialDelay: 100,
      maxDelay: 500,
      jitter: 'none',
    });
    await c.open();
    return c;
  }

  /** A session of the owner key on one instance only (no reconnecting elsewhere). */
  async sessionOn(id: string, realm: string): Promise<Connection> {
    const i = this.instances.get(id);
    if (i === undefined) throw new Error(`no instance ${id}`);
    const c = new Connection({
      transport: () => connect(i.url),
      realm,
      authmethods: ['cryptosign'],
      signer: await loadUserSigner(this.o.ownerKey),
      maxRetries: 0,
    });
    await c.open();
    return c;
  }

  /** An instance's `/health` body. */
  async health(id: string): Promise<{
    cluster: { instance: string; postgres: string; leases: Record<string, { token: number }> };
  }> {
    const i = this.instances.get(id);
    if (i === undefined) throw new Error(`no instance ${id}`);
    const r = await fetch(i.url.replace(/^ws/, 'http').replace(/\/ws$/, '/health'));
    return (await r.json()) as Awaited<ReturnType<CenterCluster['health']>>;
  }

  /**
   * A service manager's restart: SIGTERM, wait for the exit (it hands its realms over), start
   * it again with the same id, directory and port (so URLs given to clients stay right).
   */
  async restart(id: string): Promise<Instance> {
    const i = this.instances.get(id);
    if (i === undefined) throw new Error(`no instance ${id}`);
    await i.proc.stop(45_000);
    return this.start(id, [], Number(new URL(i.url).port));
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.instances.values()].map((i) => i.proc.stop(10_000)));
  }
}

/** Poll `f` until it gives a value; throws saying `what` after `ms`. */
export async function until<T>(
  f: () => Promise<T | undefined>,
  what: string,
  ms = 60_000,
): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end)
      throw new Error(
        `${what} did not happen within ${ms} ms${last instanceof Error ? `: ${last.message}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}
