/**
 * The router side of component tests, driven by hand in transcript style:
 * `await expectMessage(peer, MessageType.HELLO)`, `peer.send([2, 1, {...}])`.
 */
import assert from 'node:assert/strict';
import {
  MessageType,
  ROUTER_ROLES,
  decodeMessage,
  messageName,
  type CloseDetails,
  type MessageOf,
  type WampMessage,
} from '@cdc/protocol';
import { joinSession, type JoinOptions, type Session } from '../src/index.js';
import { transportPair, type MemoryTransport, type PairOptions } from './memory-transport.js';

export class RouterPeer {
  private readonly inbox: unknown[] = [];
  private readonly waiters: ((m: unknown) => void)[] = [];
  readonly closed: Promise<CloseDetails>;
  isClosed = false;

  constructor(readonly transport: MemoryTransport) {
    let onClose!: (d: CloseDetails) => void;
    this.closed = new Promise((r) => (onClose = r));
    transport.attach({
      onMessage: (m) => {
        const w = this.waiters.shift();
        if (w !== undefined) w(m);
        else this.inbox.push(m);
      },
      onProtocolError: (e) => {
        throw e;
      },
      onClose: (d) => {
        this.isClosed = true;
        onClose(d);
      },
    });
  }

  /** The next raw message from the client (fails after `ms`). */
  next(ms = 1000): Promise<unknown> {
    const m = this.inbox.shift();
    if (m !== undefined) return Promise.resolve(m);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`no message from the client within ${ms} ms`));
      }, ms);
      const w = (msg: unknown): void => {
        clearTimeout(timer);
        resolve(msg);
      };
      this.waiters.push(w);
    });
  }

  send(message: unknown[]): void {
    this.transport.send(message);
  }

  /** Close cleanly (as after ABORT/GOODBYE). */
  close(): void {
    this.transport.close();
  }

  /** Drop the connection without a closing handshake. */
  drop(): void {
    this.transport.drop();
  }

  /** Messages received but not yet read. */
  get pending(): number {
    return this.inbox.length;
  }
}

/** Reads the next message and checks its type. */
export async function expectMessage<T extends WampMessage['type']>(
  peer: RouterPeer,
  type: T,
): Promise<MessageOf<T>> {
  const raw = await peer.next();
  const m = decodeMessage(raw);
  assert.equal(
    m.type,
    type,
    `expected ${messageName(type)}, got ${messageName(m.type)} ${JSON.stringify(raw)}`,
  );
  return m as MessageOf<T>;
}

/** Asserts the client sends nothing for `ms` (after letting microtasks run). */
export async function expectNothing(peer: RouterPeer, ms = 20): Promise<void> {
  await delay(ms);
  assert.equal(peer.pending, 0, 'the client sent an unexpected message');
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Lets queued microtasks (message deliveries) run. */
export async function flush(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
  await delay(0);
}

export const WELCOME_DETAILS = {
  realm: 'realm1',
  authid: 'alice',
  authrole: 'user',
  authmethod: 'anonymous',
  authprovider: 'static',
  authextra: { x_cb_node: 'n1' },
  roles: ROUTER_ROLES,
};

export interface Joined {
  session: Session;
  peer: RouterPeer;
  transport: MemoryTransport;
  hello: MessageOf<typeof MessageType.HELLO>;
}

/** Joins a session against the scripted router, which welcomes it at once. */
export async function establish(
  options: Partial<JoinOptions> = {},
  welcome: Record<string, unknown> = WELCOME_DETAILS,
  pair: PairOptions = {},
): Promise<Joined> {
  const [transport, routerSide] = transportPair(pair);
  const peer = new RouterPeer(routerSide);
  const joining = joinSession(transport, { realm: 'realm1', ...options });
  const hello = await expectMessage(peer, MessageType.HELLO);
  peer.send([MessageType.WELCOME, 4242, welcome]);
  const session = await joining;
  return { session, peer, transport, hello };
}

/** A router role set without some features, for feature-detection tests. */
export function rolesWithout(role: 'broker' | 'dealer', ...features: string[]): unknown {
  const f = Object.fromEntries(
    Object.entries(ROUTER_ROLES[role].features).filter(([name]) => !features.includes(name)),
  );
  return { ...ROUTER_ROLES, [role]: { features: f } };
}
