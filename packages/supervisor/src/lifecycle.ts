/**
 * The lifecycle vocabulary between a parent and a child it forked with a WAMP socket. These
 * messages travel on Node's IPC channel; WAMP travels on a socket pair of its own (fd 4 in
 * the child, `@cdc/transport` `ipc.ts`). The parent sends `init`; the child answers `ready`
 * or `failed`, may send messages of its own kind afterwards (a realm backend's node counts),
 * and stops on `shutdown`.
 *
 * One kind of child is one {@link Lifecycle}: its init payload, its ready payload and its
 * extra messages. Parent ({@link startProcess}) and child ({@link serveChild}) are both typed
 * by it, so the two ends of one kind cannot drift apart.
 * @module
 */

/** What one kind of child speaks: what `init` carries, what `ready` carries, what else it sends. */
export interface Lifecycle<Init = unknown, Ready = unknown, Message = never> {
  init: Init;
  ready: Ready;
  message: Message;
}

/** Any lifecycle: the constraint of code generic over the kind of child. */
export type AnyLifecycle = Lifecycle<unknown, unknown, unknown>;

/** Parent → child. */
export type ParentMessage<L extends AnyLifecycle> =
  | { cmd: 'init'; init: L['init'] }
  /** Stop now, cleanly; the parent escalates to signals if the child does not exit. */
  | { cmd: 'shutdown'; reason: string };

/** Child → parent. */
export type ChildMessage<L extends AnyLifecycle> =
  /** Up and serving (its WAMP session joined, its procedures registered). */
  | { cmd: 'ready'; ready: L['ready'] }
  /** Starting failed; the child exits right after. `uri` is the error's, when it had one. */
  | { cmd: 'failed'; error: string; uri?: string }
  | { cmd: 'message'; message: L['message'] };

function hasCmd(m: unknown, cmds: readonly string[]): boolean {
  return (
    typeof m === 'object' &&
    m !== null &&
    'cmd' in m &&
    typeof m.cmd === 'string' &&
    cmds.includes(m.cmd)
  );
}

const PARENT_CMDS = ['init', 'shutdown'] as const;
const CHILD_CMDS = ['ready', 'failed', 'message'] as const;

/**
 * Whether `m` is a parent message. The payloads are not checked: both ends are our own code,
 * typed by one {@link Lifecycle}; the check keeps stray `process.send` traffic out.
 */
export function isParentMessage<L extends AnyLifecycle>(m: unknown): m is ParentMessage<L> {
  return hasCmd(m, PARENT_CMDS);
}

/** Whether `m` is a child message (payloads unchecked, as for {@link isParentMessage}). */
export function isChildMessage<L extends AnyLifecycle>(m: unknown): m is ChildMessage<L> {
  return hasCmd(m, CHILD_CMDS);
}
