/**
 * A PostgreSQL server of the test's own, to stop and start: the shared server on
 * 127.0.0.1:5432 serves every other test running at the same time, so the fault tests never
 * touch it. Debian's binaries (`/usr/lib/postgresql/<version>/bin`, the newest) make a
 * cluster in a temporary directory (`initdb`, trust authentication, user `postgres`) and run
 * it on a free port of 127.0.0.1 with `pg_ctl`, its socket in its own directory. PostgreSQL
 * refuses to run as root, so as root the cluster belongs to, and runs as, the `postgres`
 * user (the Debian package makes it); the directories above it get the search bit so that
 * user can reach it.
 * @module
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';

function binDir(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0] === undefined)
    throw new Error(`no PostgreSQL server binaries in ${base}/*/bin (apt-get install postgresql)`);
  return join(base, versions[0], 'bin');
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Let `uid` reach `dir`: the search bit on every directory above it that lacks it. */
function reachable(dir: string): void {
  for (let d = dirname(dir); d !== dirname(d); d = dirname(d)) {
    const st = statSync(d);
    if ((st.mode & 0o001) === 0) chmodSync(d, st.mode | 0o001);
  }
}

export class PrivatePostgres {
  readonly dir: string;
  readonly data: string;
  port = 0;
  private readonly bin = binDir();
  private readonly owner: { uid: number; gid: number } | undefined;

  private constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'cdc-pg-'));
    this.data = join(this.dir, 'data');
    if (userInfo().uid === 0) {
      const id = (flag: string): number =>
        Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
      this.owner = { uid: id('-u'), gid: id('-g') };
      reachable(this.dir);
      chownSync(this.dir, this.owner.uid, this.owner.gid);
    }
  }

  static async create(): Promise<PrivatePostgres> {
    const pg = new PrivatePostgres();
    try {
      pg.port = await freePort();
      await pg.run('initdb', [
        '-D',
        pg.data,
        '-U',
        'postgres',
        '-A',
        'trust',
        '-E',
        'UTF8',
        '--no-sync',
      ]);
      await pg.start();
    } catch (e) {
      pg.destroy();
      throw e;
    }
    return pg;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private runSync(tool: string, args: string[]): void {
    execFileSync(join(this.bin, tool), args, {
      stdio: 'ignore',
      cwd: this.dir,
      ...(this.owner ?? {}),
    });
  }

  /** Without blocking the event loop: the load goes on while the server stops and starts. */
  private async run(tool: string, args: string[]): Promise<void> {
    await promisify(execFile)(join(this.bin, tool), args, { cwd: this.dir, ...(this.owner ?? {}) });
  }

  /** Start and wait until it takes connections. */
  start(): Promise<void> {
    return this.run('pg_ctl', [
      '-D',
      this.data,
      '-l',
      join(this.dir, 'server.log'),
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${this.port} -h 127.0.0.1 -k ${this.dir} -c fsync=off -c max_connections=60`,
      'start',
    ]);
  }

  /** Stop; `immediate` is a crash (no checkpoint, recovery from the WAL at the next start). */
  stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    return this.run('pg_ctl', ['-D', this.data, '-m', mode, '-w', 'stop']);
  }

  /** `pg_ctl restart` without its log file would leave the server writing to our pipe. */
  async restart(): Promise<void> {
    await this.stop('fast');
    await this.start();
  }

  /** Stop the server if it runs and remove its directory. */
  destroy(): void {
    try {
      if (existsSync(join(this.data, 'postmaster.pid')))
        this.runSync('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
