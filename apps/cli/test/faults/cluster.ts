/**
 * A real deployment for the fault tests: `cdc center start` (SQLite in a data directory, or
 * PostgreSQL) with realm `default` owned by a test key, and `cdc node start` processes
 * paired with it, each with one desired router (`desired1`, stored and started through the
 * configuration API) and one guest (restarted by its node). The test plays the service
 * manager: what it kills, it starts again on the same port and directory, as systemd's
 * `Restart=always` would.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CDC, descendants } from './procs.js';
import { Proc } from './procs.js';

export interface ClusterOptions {
  root: string;
  nodes: number;
  databaseUrl?: string;
  /** A command the center runs under (e.g. in a mount namespace of its own). */
  centerPrefix?: string[];
}

export const DESIRED_ROUTER = 'desired1';
export const GUEST = 'guest1';
/** A guest that only waits; its node restarts it when it dies. */
export const GUEST_CONFIG = {
  executable: process.execPath,
  arguments: ['-e', 'setInterval(() => {}, 1000)'],
  options: { restart: 'always' },
};

export interface ClusterNode {
  id: string;
  cbdir: string;
  proc: Proc;
  /** Whether it should run the guest now (a restarted controller starts without it). */
  guest: boolean;
}

export class Cluster {
  center!: Proc;
  url = '';
  readonly nodes: ClusterNode[] = [];
  readonly dataDir: string;
  readonly ownerKey: string;
  private port = 0;

  constructor(readonly o: ClusterOptions) {
    this.dataDir = join(o.root, 'data');
    this.ownerKey = join(o.root, 'owner');
  }

  get healthUrl(): string {
    return this.url.replace(/^ws/, 'http').replace(/\/ws$/, '/health');
  }

  /** The store the center uses, as `@cdc/store` takes it. */
  get store(): { dir: string; url?: string } {
    return {
      dir: this.dataDir,
      ...(this.o.databaseUrl !== undefined ? { url: this.o.databaseUrl } : {}),
    };
  }

  private storeArgs(): string[] {
    return this.o.databaseUrl !== undefined
      ? ['--dir', this.dataDir, '--database-url', this.o.databaseUrl]
      : ['--dir', this.dataDir];
  }

  async start(): Promise<void> {
    mkdirSync(this.dataDir, { recursive: true });
    execFileSync('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-C',
      'ops@example',
      '-f',
      this.ownerKey,
    ]);
    await this.startCenter();
    for (let i = 1; i <= this.o.nodes; i++) {
      const id = `node${i}`;
      const cbdir = join(this.o.root, id, '.crossbar');
      mkdirSync(cbdir, { recursive: true });
      writeFileSync(
        join(cbdir, 'config.json'),
        JSON.stringify({
          version: 2,
          controller: {
            cdc: { url: this.url, heartbeat: { startup_delay: 0.2, heartbeat_period: 1 } },
          },
          workers: [],
        }),
      );
      const pubkey = execFileSync(process.execPath, [CDC, 'node', 'pubkey', '--cbdir', cbdir], {
        encoding: 'utf8',
      }).trim();
      execFileSync(process.execPath, [
        CDC,
        'center',
        'pair-node',
        ...this.storeArgs(),
        '--realm',
        'default',
        '--node-id',
        id,
        '--pubkey',
        pubkey,
      ]);
      const node: ClusterNode = { id, cbdir, proc: this.nodeProc(id, cbdir), guest: false };
      this.nodes.push(node);
    }
  }

  private nodeProc(id: string, cbdir: string): Proc {
    return new Proc(id, ['node', 'start', '--cbdir', cbdir, '--log-level', 'warn'], {
      env: { CDC_URL: '', CROSSBAR_FABRIC_URL: '' },
    });
  }

  async startCenter(): Promise<void> {
    this.center = new Proc(
      'center',
      [
        'center',
        'start',
        ...this.storeArgs(),
        '--listen',
        `127.0.0.1:${this.port}`,
        '--bootstrap-owner-key',
        `${this.ownerKey}.pub`,
        '--heartbeat-period',
        '1',
      ],
      {
        env: { CDC_DATABASE_URL: '' },
        ...(this.o.centerPrefix ? { prefix: this.o.centerPrefix } : {}),
      },
    );
    const m = await this.center.waitFor(/"url":"(ws:\/\/127\.0\.0\.1:(\d+)\/ws)"/, 60_000);
    this.url = m[1] as string;
    this.port = Number(m[2]);
  }

  /** SIGKILL the center; its realm backends must go with it. Returns their PIDs. */
  async killCenter(): Promise<number[]> {
    const children = descendants(this.center.pid).map((p) => p.pid);
    await this.center.kill('SIGKILL');
    return children;
  }

  /** SIGKILL a node's controller and start it again; returns the PIDs it had started. */
  async killNode(n: ClusterNode): Promise<number[]> {
    const children = descendants(n.proc.pid).map((p) => p.pid);
    await n.proc.kill('SIGKILL');
    return children;
  }

  /**
   * Start a node's controller again. Its guest is not desired state (the configuration API
   * stores routers): the new controller stops what the old one left and runs without it.
   */
  restartNode(n: ClusterNode): void {
    n.proc = this.nodeProc(n.id, n.cbdir);
    n.guest = false;
  }

  /** The PID of the backend process of `realm` (its process title names the realm). */
  backendPid(realm: string): number | undefined {
    return descendants(this.center.pid).find((p) => p.cmdline === `cdc-realm-${realm}`)?.pid;
  }

  /** The PID of a node's native worker (its process title names it). */
  workerPid(n: ClusterNode, workerId: string): number | undefined {
    return descendants(n.proc.pid).find((p) => p.cmdline === `cdc-worker-${workerId}`)?.pid;
  }

  guestPid(n: ClusterNode): number | undefined {
    return descendants(n.proc.pid).find((p) => p.cmdline.includes('setInterval(() => {}, 1000)'))
      ?.pid;
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.proc.stop()));
    await this.center.stop();
  }
}
