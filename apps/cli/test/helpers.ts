/** Running the `cdc` command as a real process in tests. */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CDC = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/cdc.js');

export interface Run {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exit: Promise<number | null>;
}

const children: ChildProcess[] = [];

/** Stop every process still running: SIGTERM (so nodes stop their workers), then SIGKILL. */
export async function killAll(graceMs = 5000): Promise<void> {
  const live = children.filter((c) => c.exitCode === null && c.signalCode === null);
  await Promise.all(
    live.map(
      (c) =>
        new Promise<void>((res) => {
          const timer = setTimeout(() => c.kill('SIGKILL'), graceMs);
          c.once('exit', () => {
            clearTimeout(timer);
            res();
          });
          c.kill('SIGTERM');
        }),
    ),
  );
}

export function run(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; detached?: boolean } = {},
): Run {
  const child = spawn(process.execPath, [CDC, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    // A process group of its own, as a shell's job: a test can signal all of it.
    detached: opts.detached === true,
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  // 'exit' can come before the last output is read: wait for both pipes to end too, but not
  // for long (a grandchild holding them open must not hang the test).
  const ended = (s: Readable): Promise<void> =>
    s.readableEnded ? Promise.resolve() : new Promise((res) => s.once('end', () => res()));
  const exit = new Promise<number | null>((res) =>
    child.once('exit', (code) => {
      const drained = Promise.all([ended(child.stdout), ended(child.stderr)]);
      const cap = new Promise((r) => setTimeout(r, 2000).unref());
      void Promise.race([drained, cap]).then(() => res(code));
    }),
  );
  return { child, out: () => out, err: () => err, exit };
}

// Generous: on a loaded machine (CI shares its cores) a center can take well over 15 s to start.
export async function waitFor(f: () => string, re: RegExp, ms = 60_000): Promise<RegExpMatchArray> {
  const until = Date.now() + ms;
  for (;;) {
    const m = re.exec(f());
    if (m !== null) return m;
    if (Date.now() > until) throw new Error(`timed out waiting for ${re.source} in:\n${f()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
