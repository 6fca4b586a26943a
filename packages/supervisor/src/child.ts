/**
 * The child's side of the lifecycle: wait for `init`, run, report `ready` (or `failed`, and
 * exit), and stop cleanly on `shutdown` or when the parent goes away. A child's entry module
 * is one call: `serveChild<MyLifecycle>({ name }, async (init, child) => { …; return ready })`.
 * Children import it as `@cdc/supervisor/child`, which loads none of the parent's side.
 * @module
 */
import { WampError, errorMessage } from '@cdc/protocol';
import type { Transport } from '@cdc/protocol';
import { createIpcTransport, parentWampStream } from '@cdc/transport';
import { isParentMessage } from './lifecycle.js';
import type { AnyLifecycle, ChildMessage } from './lifecycle.js';

export interface ChildContext<L extends AnyLifecycle> {
  /** The WAMP transport to the parent's router (the socket pair on fd 4); once per child. */
  connect(peer: string): Transport;
  /** Send one of this kind's own messages to the parent. */
  send(message: L['message']): void;
  /** Run `hook` when the child stops (hooks run last first; a failing one does not stop the rest). */
  onStop(hook: () => Promise<unknown>): void;
  /** Run the stop hooks (once) and exit with `code`. */
  exit(code: number): Promise<never>;
}

export interface ServeOptions {
  /** The child in its own stderr, `<name> failed to start: …` (`worker`, `realm backend`). */
  name: string;
}

function post<L extends AnyLifecycle>(m: ChildMessage<L>): void {
  process.send?.(m);
}

/**
 * Serve one child's lifecycle in this process (forked by {@link startProcess} with a WAMP
 * child spec of the same {@link Lifecycle}). `run` gets the init payload; what it returns
 * goes out as `ready`; what it throws goes out as `failed` (with its URI for a `WampError`)
 * and the child exits with code 1.
 */
export function serveChild<L extends AnyLifecycle>(
  o: ServeOptions,
  run: (init: L['init'], child: ChildContext<L>) => Promise<L['ready']>,
): void {
  const hooks: (() => Promise<unknown>)[] = [];
  let exiting: Promise<never> | undefined;
  let started = false;
  const ctx: ChildContext<L> = {
    connect: (peer) => createIpcTransport(parentWampStream(), peer),
    send: (message) => post<L>({ cmd: 'message', message }),
    onStop: (hook) => void hooks.push(hook),
    exit: (code) =>
      (exiting ??= (async () => {
        for (const h of hooks.reverse()) await h().catch(() => undefined);
        process.exit(code);
      })()),
  };
  // The parent went away: nothing left to serve.
  process.on('disconnect', () => void ctx.exit(0));
  // Ctrl-C on a terminal reaches the whole foreground process group: the parent decides
  // when its children stop (`shutdown`), so a child does not die of it on its own.
  process.on('SIGINT', () => undefined);
  process.on('message', (m: unknown) => {
    if (!isParentMessage<L>(m)) return;
    if (m.cmd === 'shutdown') {
      void ctx.exit(0);
      return;
    }
    if (started) return;
    started = true;
    run(m.init, ctx).then(
      (ready) => post<L>({ cmd: 'ready', ready }),
      (e: unknown) => {
        const uri = e instanceof WampError ? e.uri : undefined;
        const first = e instanceof WampError ? e.args[0] : undefined;
        const error = typeof first === 'string' ? first : errorMessage(e);
        process.stderr.write(
          `${o.name} failed to start: ${uri !== undefined ? `${uri}: ` : ''}${error}\n`,
        );
        post<L>(uri !== undefined ? { cmd: 'failed', error, uri } : { cmd: 'failed', error });
        void ctx.exit(1);
      },
    );
  });
}
