/**
 * The internal link of a center instance (SPEC §9): a TCP listener other instances connect
 * to, and a pool of links to other instances (one per peer, made on demand, remade after
 * it drops; a link a peer opened to us is reused for our sessions to it). It installs the
 * router's forwarding hook: a session authenticated here for a realm another instance owns
 * is carried to it on a channel of the link; a channel opened by a peer becomes a session
 * on our router, welcomed at once since the peer authenticated it.
 * @module
 */
import { createServer, connect as netConnect } from 'node:net';
import type { Server, Socket } from 'node:net';
import { CdcErrors } from '@cdc/api';
import { CloseReasons, MessageType, silentLogger } from '@cdc/protocol';
import type { Logger } from '@cdc/protocol';
import type { ForwardHook, ForwardRequest, Router } from '@cdc/router';
import { ChannelTransport, ForwardChannel } from './channels.js';
import { LinkConnection } from './connection.js';
import type { ChannelHandler, LinkSettings } from './connection.js';
import type { OpenBody } from './frames.js';

export interface ClusterLinkOptions {
  /** This instance's ID (for the peers' logs). */
  instance: string;
  /** The shared cluster secret every instance is given. */
  secret: Uint8Array;
  /** The router sessions are forwarded from and to; its `forward` hook is set. */
  router: Router;
  /** Where to listen for other instances (default 127.0.0.1, port 0: any free port). */
  host?: string | undefined;
  port?: number | undefined;
  /**
   * The link address (`host:port`) of the instance that owns `realm`, when that is not
   * this one; `undefined` when nobody else serves it (then it is not forwarded).
   */
  ownerOf: (realm: string) => string | undefined;
  /**
   * Whether a session forwarded here for `realm` can be served now (default: yes). Not
   * yet (its backend is still starting after a move), the client is told
   * `backend_unavailable` and comes back, rather than joining a realm whose procedures are
   * missing.
   */
  admits?: ((realm: string) => boolean) | undefined;
  logger?: Logger | undefined;
  /** Unsent bytes one link may hold before it is closed as overloaded (default 8 MiB). */
  maxBufferedBytes?: number | undefined;
  /** The largest frame accepted (default 16 MiB + a little: the largest WAMP message). */
  maxFrameBytes?: number | undefined;
  /** Time to connect and authenticate a link (default 5 s). */
  handshakeTimeoutMs?: number | undefined;
}

export interface ClusterLinkStats {
  links: number;
  /** Sessions accepted here and forwarded to their owner. */
  forwarded: number;
  /** Sessions forwarded here by other instances. */
  hosted: number;
  framesIn: number;
  framesOut: number;
}

export class ClusterLink {
  /** Links by peer address, for reuse. */
  private readonly links = new Map<string, LinkConnection>();
  /** Every live link, ours and the peers'. */
  private readonly all = new Set<LinkConnection>();
  private readonly forwarded = new Set<ForwardChannel>();
  private readonly hosted = new Set<ChannelTransport>();
  private readonly settings: LinkSettings;
  private readonly logger: Logger;
  private readonly framesClosed = { in: 0, out: 0 };
  /** The router hook: installed on the router by {@link ClusterLink.start}. */
  readonly hook: ForwardHook;

  private constructor(
    private readonly options: ClusterLinkOptions,
    private readonly server: Server,
    /** `host:port` other instances reach this one at. */
    readonly address: string,
  ) {
    this.logger = options.logger ?? silentLogger;
    this.settings = {
      instance: options.instance,
      address,
      secret: options.secret,
      logger: this.logger,
      maxBufferedBytes: options.maxBufferedBytes ?? 8 * 1024 * 1024,
      maxFrameBytes: options.maxFrameBytes ?? 16 * 1024 * 1024 + 1024,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 5000,
      onOpen: (link, channel, open) => this.host(link, channel, open),
    };
    this.hook = {
      forwards: (realm) => options.ownerOf(realm) !== undefined,
      open: (req) => this.forward(req),
    };
    server.on('connection', (socket) => this.accepted(socket));
  }

  /** Listen for other instances and install the forwarding hook on the router. */
  static async start(options: ClusterLinkOptions): Promise<ClusterLink> {
    const server = createServer();
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // Exclusive: a `--processes` worker's link is its own. Shared (Node's cluster default),
      // every worker would publish one port and the primary would hand a peer's connection
      // to any worker, not the realm's owner.
      server.listen({ port: options.port ?? 0, host, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const addr = server.address();
    const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
    const link = new ClusterLink(options, server, `${host}:${port}`);
    options.router.forward = link.hook;
    return link;
  }

  /**
   * Close every forwarded session of `realm`, both those accepted here and those hosted
   * here for other instances (its owner changed): their clients are told and reconnect.
   * Returns how many were closed.
   */
  closeRealm(realm: string, message = `realm "${realm}" moved to another instance`): number {
    let n = 0;
    for (const c of [...this.forwarded]) {
      if (c.realm !== realm) continue;
      c.end(CloseReasons.CLOSE_REALM, message);
      n++;
    }
    for (const t of [...this.hosted]) {
      if (t.open.realm !== realm) continue;
      t.end({ message, reason: CloseReasons.CLOSE_REALM });
      n++;
    }
    return n;
  }

  stats(): ClusterLinkStats {
    let framesIn = this.framesClosed.in;
    let framesOut = this.framesClosed.out;
    for (const l of this.all) {
      framesIn += l.framesIn;
      framesOut += l.framesOut;
    }
    return {
      links: this.all.size,
      forwarded: this.forwarded.size,
      hosted: this.hosted.size,
      framesIn,
      framesOut,
    };
  }

  /**
   * Drop every link now (their forwarded sessions close: clients reconnect); new links are
   * made on demand. For a changed secret, and for tests of a lost link.
   */
  disconnect(reason: string): void {
    for (const l of [...this.all]) l.close(reason);
  }

  /** Stop listening and close every link (their sessions close); removes the hook. */
  async close(): Promise<void> {
    if (this.options.router.forward === this.hook) this.options.router.forward = undefined;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const l of [...this.all]) {
      l.close('this instance is stopping');
    }
    await closed;
  }

  // --- the accepting side -------------------------------------------------------------

  private forward(req: ForwardRequest): ForwardChannel | undefined {
    const address = this.options.ownerOf(req.principal.realm);
    // Never to ourselves: the owner's side does not forward, so that would only refuse.
    if (address === undefined || address === this.address) return undefined;
    const channel = new ForwardChannel(this.linkTo(address), req, (c) => this.forwarded.delete(c));
    this.forwarded.add(channel);
    return channel;
  }

  /** The link to `address`: the one we have (ours or the peer's), else a new one. */
  private linkTo(address: string): LinkConnection {
    const have = this.links.get(address);
    if (have !== undefined && have.state !== 'down') return have;
    const [host, port] = splitAddress(address);
    const socket = netConnect({ host, port });
    const link = new LinkConnection(socket, 'client', this.settings, address);
    this.register(link);
    this.reuse(link, address);
    return link;
  }

  private register(link: LinkConnection): void {
    this.all.add(link);
    link.onDown(() => {
      this.framesClosed.in += link.framesIn;
      this.framesClosed.out += link.framesOut;
      this.all.delete(link);
    });
  }

  private reuse(link: LinkConnection, address: string): void {
    this.links.set(address, link);
    link.onDown(() => {
      if (this.links.get(address) === link) this.links.delete(address);
    });
  }

  // --- the owner's side ---------------------------------------------------------------

  private accepted(socket: Socket): void {
    const label = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    const link = new LinkConnection(socket, 'server', this.settings, label);
    this.register(link);
    link.ready.then(
      () => {
        // Reuse the peer's link for our own sessions to it, unless we made one already.
        const mine = this.links.get(link.peerAddress);
        if (mine === undefined || mine.state === 'down') this.reuse(link, link.peerAddress);
      },
      () => undefined,
    );
  }

  private host(link: LinkConnection, channel: number, open: OpenBody): ChannelHandler {
    const t = new ChannelTransport(link, channel, open, (x) => this.hosted.delete(x));
    this.hosted.add(t);
    const principal = {
      realm: open.realm,
      authid: open.authid,
      authrole: open.authrole,
      authmethod: open.authmethod,
      authprovider: open.authprovider,
      authextra: open.authextra,
    };
    // After the frame is handled: the channel is registered before anything is sent on it.
    queueMicrotask(() => {
      if (!t.isOpen) return;
      if (this.options.admits?.(open.realm) === false) {
        const message = `management realm "${open.realm}" is not available right now`;
        t.send([MessageType.ABORT, { message }, CdcErrors.BACKEND_UNAVAILABLE]);
        t.close();
        return;
      }
      this.options.router.acceptAuthenticated(t, principal, open.hello);
    });
    return t;
  }
}

function splitAddress(address: string): [string, number] {
  const i = address.lastIndexOf(':');
  const port = Number(address.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new TypeError(`bad cluster link address "${address}" (expected host:port)`);
  }
  return [address.slice(0, i).replace(/^\[|\]$/g, ''), port];
}
