/**
 * One link between two center instances: a TCP connection that authenticates both ends
 * (`auth.ts`) and then carries many channels, one per forwarded session (`frames.ts`).
 * Either end may open channels (the connecting end odd IDs, the accepting end even), so one
 * connection serves both directions. Memory is bounded: a link whose unsent bytes exceed
 * `maxBufferedBytes` (a slow or stuck peer) is closed, and with it all its channels, with
 * a reason that says so, rather than growing without end.
 * @module
 */
import type { Socket } from 'node:net';
import { CloseReasons, errorMessage } from '@cdc/protocol';
import type { Logger } from '@cdc/protocol';
import { clientMac, macEquals, newNonce, serverMac } from './auth.js';
import {
  FrameError,
  FrameKind,
  FrameReader,
  decodeBody,
  encodeBody,
  encodeFrame,
} from './frames.js';
import type { CloseBody, Frame, FrameKindId, OpenBody } from './frames.js';

/** What a channel's owner gets from the link. */
export interface ChannelHandler {
  onFrame(body: Uint8Array): void;
  onClosed(body: CloseBody): void;
}

export interface LinkSettings {
  /** This instance's ID (logged by the peer). */
  instance: string;
  /** This instance's own link address, told to the peer so it can reuse this link. */
  address: string;
  secret: Uint8Array;
  logger: Logger;
  /** Unsent bytes a link may hold before it is closed as overloaded. */
  maxBufferedBytes: number;
  /** The largest frame accepted from an authenticated peer. */
  maxFrameBytes: number;
  /** Time allowed for connecting and authenticating. */
  handshakeTimeoutMs: number;
  /** The peer opened a channel (a session for a realm we own): its handler. */
  onOpen(link: LinkConnection, channel: number, open: OpenBody): ChannelHandler;
}

/** Frames before authentication are small: a stranger cannot make us buffer much. */
const HANDSHAKE_FRAME_LIMIT = 1024;

export type LinkState = 'handshake' | 'up' | 'down';

export class LinkConnection {
  state: LinkState = 'handshake';
  /** The peer's instance ID and link address, once authenticated. */
  peerInstance = '';
  peerAddress = '';
  /** Settles when authenticated; rejects with why the link went down before. */
  readonly ready: Promise<void>;
  readonly channels = new Map<number, ChannelHandler>();
  framesIn = 0;
  framesOut = 0;
  private readonly reader = new FrameReader(HANDSHAKE_FRAME_LIMIT);
  private readonly nonce = newNonce();
  private peerNonce: Uint8Array | undefined;
  private nextChannel: number;
  private early: Uint8Array[] = [];
  private earlyBytes = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private resolveReady!: () => void;
  private rejectReady!: (e: Error) => void;
  private readonly downListeners: ((reason: string) => void)[] = [];
  private corked = false;

  constructor(
    private readonly socket: Socket,
    readonly role: 'client' | 'server',
    private readonly settings: LinkSettings,
    /** Who the peer is, for log lines (its address, or the socket's). */
    readonly label: string,
  ) {
    this.nextChannel = role === 'client' ? 1 : 2;
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => undefined); // observed by callers that wait; not an unhandled rejection
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.down(`connection error: ${e.message}`));
    socket.on('close', () => this.down('connection closed by the peer'));
    this.timer = setTimeout(
      () => this.down(`not authenticated within ${settings.handshakeTimeoutMs} ms`),
      settings.handshakeTimeoutMs,
    );
    this.timer.unref();
    if (role === 'server') {
      this.write(
        encodeFrame(
          FrameKind.CHALLENGE,
          0,
          encodeBody({ nonce: this.nonce, instance: settings.instance }),
        ),
      );
    }
  }

  /** Called once when the link goes down, with why. */
  onDown(listener: (reason: string) => void): void {
    this.downListeners.push(listener);
  }

  /** Open a channel to the peer; frames are queued until the link is authenticated. */
  open(handler: ChannelHandler, body: OpenBody): number {
    if (this.state === 'down') throw new Error(`the link to ${this.label} is down`);
    const id = this.nextChannel;
    this.nextChannel = this.nextChannel >= 0xfffffffd ? (this.role === 'client' ? 1 : 2) : id + 2;
    this.channels.set(id, handler);
    this.send(FrameKind.OPEN, id, encodeBody(body));
    return id;
  }

  send(kind: FrameKindId, channel: number, body: Uint8Array): void {
    if (this.state === 'down') return;
    const frame = encodeFrame(kind, channel, body);
    this.framesOut++;
    if (this.state === 'handshake') {
      this.early.push(frame);
      this.earlyBytes += frame.byteLength;
      if (this.earlyBytes > this.settings.maxBufferedBytes) this.overloaded(this.earlyBytes);
      return;
    }
    this.write(frame);
    const waiting = this.socket.writableLength;
    if (waiting > this.settings.maxBufferedBytes) this.overloaded(waiting);
  }

  /** Close one channel: tell the peer (unless it closed it) and forget it. */
  closeChannel(channel: number, body: CloseBody): void {
    if (!this.channels.delete(channel)) return;
    this.send(FrameKind.CLOSE, channel, encodeBody(body));
  }

  /** Close the link: every channel is closed with `reason` (`wamp.close.transport_lost`). */
  close(message: string): void {
    this.down(message);
  }

  private overloaded(bytes: number): void {
    this.down(
      `the link to ${this.label} is overloaded: ${bytes} bytes wait to be sent ` +
        `(at most ${this.settings.maxBufferedBytes})`,
    );
  }

  /**
   * Write a frame; the frames of one tick go out in one system call (cork until the next
   * tick), which is what lets one link carry many busy sessions.
   */
  private write(frame: Uint8Array): void {
    const socket = this.socket;
    if (socket.destroyed) return;
    if (!this.corked) {
      this.corked = true;
      socket.cork();
      process.nextTick(() => {
        this.corked = false;
        socket.uncork();
      });
    }
    socket.write(frame);
  }

  private onData(chunk: Buffer): void {
    if (this.state === 'down') return;
    let frames: Frame[];
    try {
      frames = this.reader.push(chunk);
    } catch (e) {
      this.down(`bad frame from the peer: ${errorMessage(e)}`);
      return;
    }
    for (const f of frames) {
      // A frame may have taken the link down (a refusal, a bad channel).
      if ((this.state as LinkState) === 'down') return;
      this.framesIn++;
      try {
        if (this.state === 'handshake') this.handshake(f);
        else this.dispatch(f);
      } catch (e) {
        this.down(
          e instanceof FrameError ? `bad frame from the peer: ${e.message}` : errorMessage(e),
        );
      }
    }
  }

  private dispatch(f: Frame): void {
    switch (f.kind) {
      case FrameKind.MSG:
        this.channels.get(f.channel)?.onFrame(f.body);
        return;
      case FrameKind.OPEN: {
        if ((f.channel % 2 === 1) === (this.role === 'client') || this.channels.has(f.channel)) {
          throw new FrameError(`channel ${f.channel} cannot be opened by the peer`);
        }
        const open = decodeBody(f.body) as unknown as OpenBody;
        this.channels.set(f.channel, this.settings.onOpen(this, f.channel, open));
        return;
      }
      case FrameKind.CLOSE: {
        const h = this.channels.get(f.channel);
        if (h === undefined) return; // we closed it meanwhile
        this.channels.delete(f.channel);
        h.onClosed(decodeBody(f.body) as unknown as CloseBody);
        return;
      }
      default:
        throw new FrameError(`frame kind ${f.kind} after authentication`);
    }
  }

  /** The three-frame mutual authentication (see `auth.ts`). */
  private handshake(f: Frame): void {
    const b = decodeBody(f.body);
    const s = this.settings;
    if (this.role === 'client' && f.kind === FrameKind.CHALLENGE) {
      if (!(b['nonce'] instanceof Uint8Array)) throw new FrameError('CHALLENGE without a nonce');
      this.peerNonce = b['nonce'];
      this.peerInstance = String(b['instance']);
      const mac = clientMac(s.secret, this.peerNonce, this.nonce, s.instance);
      this.write(
        encodeFrame(
          FrameKind.RESPONSE,
          0,
          encodeBody({ nonce: this.nonce, instance: s.instance, address: s.address, mac }),
        ),
      );
      return;
    }
    if (this.role === 'server' && f.kind === FrameKind.RESPONSE) {
      const instance = String(b['instance']);
      const nonce = b['nonce'];
      const ok =
        nonce instanceof Uint8Array &&
        macEquals(b['mac'], clientMac(s.secret, this.nonce, nonce, instance));
      if (!ok) {
        // Tell the peer why before hanging up, so its log says it too.
        const body = encodeBody({ message: 'wrong cluster secret' });
        this.socket.end(encodeFrame(FrameKind.CLOSE, 0, body));
        this.down(
          `instance "${instance}" at ${this.label} was refused: wrong cluster secret`,
          true,
        );
        return;
      }
      this.peerInstance = instance;
      this.peerAddress = String(b['address']);
      const mac = serverMac(s.secret, this.nonce, nonce, s.instance);
      this.write(encodeFrame(FrameKind.ACCEPT, 0, encodeBody({ mac })));
      this.up();
      return;
    }
    if (this.role === 'client' && f.kind === FrameKind.ACCEPT && this.peerNonce !== undefined) {
      if (
        !macEquals(b['mac'], serverMac(s.secret, this.peerNonce, this.nonce, this.peerInstance))
      ) {
        this.down(`${this.label} does not know the cluster secret: not forwarding to it`);
        return;
      }
      this.peerAddress = this.label;
      this.up();
      return;
    }
    if (f.kind === FrameKind.CLOSE) {
      this.down(`${this.label} refused this instance: ${String(b['message'])}`);
      return;
    }
    throw new FrameError(`unexpected frame kind ${f.kind} during authentication`);
  }

  private up(): void {
    clearTimeout(this.timer);
    this.state = 'up';
    this.reader.maxFrame = this.settings.maxFrameBytes;
    const early = this.early;
    this.early = [];
    this.earlyBytes = 0;
    for (const frame of early) this.write(frame);
    this.resolveReady();
  }

  /** Go down once; `graceful` lets a last frame already written (a refusal) reach the peer. */
  private down(reason: string, graceful = false): void {
    if (this.state === 'down') return;
    const wasUp = this.state === 'up';
    this.state = 'down';
    clearTimeout(this.timer);
    this.early = [];
    if (!graceful) this.socket.destroy();
    else setTimeout(() => this.socket.destroy(), 1000).unref();
    const log = { peer: this.label, instance: this.peerInstance || undefined, reason };
    if (wasUp) this.settings.logger.warn(log, 'cluster link down');
    else this.settings.logger.warn(log, 'cluster link refused');
    this.rejectReady(new Error(reason));
    const channels = [...this.channels.values()];
    this.channels.clear();
    for (const h of channels) {
      h.onClosed({ message: reason, reason: CloseReasons.TRANSPORT_LOST });
    }
    for (const l of this.downListeners) l(reason);
  }
}
