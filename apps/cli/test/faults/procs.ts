/**
 * Processes for the fault tests: a `cdc` command run as a real process whose output is
 * kept (the last lines, for failure messages), and the process tree under a PID read from
 * `/proc`, which is how the tests find a center's realm backends and a node's workers to
 * kill, and check that nothing a killed process started is left running.
 * @module
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CDC = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/cdc.js');

const KEEP_LINES = 400;

export class Proc {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  private readonly lines: string[] = [];

  /** Run `cdc args…`, or `prefix… node cdc.js args…` (e.g. in a mount namespace). */
  constructor(
    readonly name: string,
    args: string[],
    o: { env?: NodeJS.ProcessEnv; prefix?: string[] } = {},
  ) {
    const argv = [...(o.prefix ?? []), process.execPath, CDC, ...args];
    this.child = spawn(argv[0] as string, argv.slice(1), {
      env: { ...process.env, ...o.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const take = (d: Buffer): void => {
      for (const l of d.toString().split('\n')) if (l !== '') this.lines.push(l);
      if (this.lines.length > KEEP_LINES) this.lines.splice(0, this.lines.length - KEEP_LINES);
    };
    this.child.stdout?.on('data', take);
    this.child.stderr?.on('data', take);
    this.exited = new Promise((res) =>
      this.child.on('exit', (code, signal) => res({ code, signal })),
    );
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  output(): string {
    return this.lines.join('\n');
  }

  /** Wait for a line matching `re` (from the start of what was kept). */
  async waitFor(re: RegExp, ms = 20_000): Promise<RegExpMatchArray> {
    const end = Date.now() + ms;
    for (;;) {
      const m = re.exec(this.output());
      if (m !== null) return m;
      if (!this.running)
        throw new Error(`${this.name} exited waiting for ${re}:\n${this.output()}`);
      if (Date.now() > end) throw new Error(`${this.name}: no ${re} in:\n${this.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.running) return;
    this.child.kill(signal);
    await this.exited;
  }

  /** SIGTERM (a node stops its workers), then SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.running) return;
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    this.child.kill('SIGTERM');
    await this.exited;
    clearTimeout(timer);
  }
}

export interface ProcInfo {
  pid: number;
  ppid: number;
  cmdline: string;
}

/** Every process now, from `/proc`. */
export function processes(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // `pid (comm) state ppid …`: comm may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      out.push({ pid: Number(name), ppid, cmdline });
    } catch {
      // gone between the listing and the read
    }
  }
  return out;
}

/** The processes below `pid` (children, grandchildren, …). */
export function descendants(pid: number, all = processes()): ProcInfo[] {
  const out: ProcInfo[] = [];
  const walk = (p: number): void => {
    for (const c of all.filter((x) => x.ppid === p)) {
      out.push(c);
      walk(c.pid);
    }
  };
  walk(pid);
  return out;
}

/** Whether a process with this PID still exists (and is not a zombie). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
