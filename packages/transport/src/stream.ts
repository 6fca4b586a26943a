/**
 * The part shared by transports over a Node socket (RawSocket, WebSocket): coalesced
 * writes, a bound on unread output, and the auto-ping bookkeeping.
 *
 * Writes: frames queued during one loop turn are written with a single `socket.write` at
 * its end — one syscall instead of one per message. Small batches are copied into one
 * buffer (no per-chunk stream bookkeeping); large ones go out corked, without copying.
 * Figures in `flush.ts`.
 * @module
 */
import type { Socket } from 'node:net';
import type { Serializer } from '@cdc/protocol';
import { BaseTransport } from './base.js';
import { scheduleFlush, type Flushable } from './flush.js';
import type { Heartbeat, HeartbeatMember } from './heartbeat.js';

/** Above this many queued bytes a turn's frames are written corked instead of copied. */
const COPY_LIMIT = 64 * 1024;

/** Default bound on bytes waiting to be written to a peer before it is dropped. */
export const DEFAULT_MAX_WRITE_BUFFER = 64 * 1024 * 1024;

export interface StreamTransportOptions {
  /** Drop a peer that lets more than this many bytes pile up unread. */
  maxWriteBuffer: number;
  /** Auto-ping, when configured. */
  heartbeat?: Heartbeat | undefined;
}

export abstract class StreamTransport extends BaseTransport implements Flushable, HeartbeatMember {
  private out: Buffer | undefined;
  private outMore: Buffer[] | undefined;
  private outBytes = 0;
  private flushQueued = false;
  private corked = false;
  /** Set once we close or fail the connection; nothing is sent or delivered after it. */
  protected closing = false;
  /** Data arrived since the last heartbeat tick. */
  protected seen = false;
  private quietSince = 0;
  private pingSentAt = 0;
  private readonly maxWriteBuffer: number;
  private readonly heartbeatRef: Heartbeat | undefined;
  /** A set that holds this transport while it is open (its listener's bookkeeping). */
  registry: Set<StreamTransport> | undefined;

  constructor(
    serializer: Serializer,
    protected readonly socket: Socket,
    options: StreamTransportOptions,
  ) {
    super(serializer);
    this.maxWriteBuffer = options.maxWriteBuffer;
    this.heartbeatRef = options.heartbeat;
    options.heartbeat?.add(this);
  }

  get isOpen(): boolean {
    return !this.closing && !this.closed;
  }

  /** The socket under this transport (a TLSSocket on TLS). */
  get rawSocket(): Socket {
    return this.socket;
  }

  /** Queue a complete frame for the end-of-turn write. */
  protected queue(frame: Buffer): void {
    if (this.out === undefined) {
      this.out = frame;
      this.outBytes = frame.length;
      this.scheduleFlush();
    } else {
      (this.outMore ??= []).push(frame);
      this.outBytes += frame.length;
    }
  }

  /** Cork the socket until the end of the turn (for writes made by `ws` itself). */
  protected corkForTurn(): void {
    if (this.corked) return;
    this.corked = true;
    this.socket.cork();
    this.scheduleFlush();
  }

  protected scheduleFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    scheduleFlush(this);
  }

  /** Write out what this turn queued. Idempotent; also called directly before closing. */
  flush(): void {
    // Batched output moves into the queue first; it is written below, so no new flush.
    this.beforeFlush();
    this.flushQueued = false;
    const socket = this.socket;
    const first = this.out;
    if (first !== undefined) {
      this.out = undefined;
      const more = this.outMore;
      if (socket.writableEnded || socket.destroyed) {
        // The connection went away meanwhile (the peer closed): drop the output.
        if (more !== undefined) more.length = 0;
      } else if (more === undefined || more.length === 0) socket.write(first);
      else if (this.outBytes <= COPY_LIMIT) {
        const all = Buffer.allocUnsafe(this.outBytes);
        first.copy(all, 0);
        let at = first.length;
        for (const b of more) {
          b.copy(all, at);
          at += b.length;
        }
        more.length = 0;
        socket.write(all);
      } else {
        socket.cork();
        socket.write(first);
        for (const b of more) socket.write(b);
        more.length = 0;
        socket.uncork();
      }
    }
    if (this.corked) {
      this.corked = false;
      socket.uncork();
    }
    if (socket.writableLength > this.maxWriteBuffer && !socket.destroyed) {
      // A peer that does not read would make us buffer without bound: drop it.
      this.abort('write buffer overflow');
    }
  }

  /** Hook: move pending batched output into the queue right before writing. */
  protected beforeFlush(): void {
    // Nothing by default.
  }

  heartbeat(now: number, beat: Heartbeat): void {
    if (this.seen || this.quietSince === 0) {
      this.seen = false;
      this.quietSince = now;
      this.pingSentAt = 0;
      return;
    }
    if (this.pingSentAt !== 0) {
      if (now - this.pingSentAt >= beat.timeoutMs) {
        this.abort('ping timeout');
      }
      return;
    }
    if (now - this.quietSince >= beat.intervalMs && this.isOpen) {
      this.pingSentAt = now;
      this.sendPing();
    }
  }

  protected override onClosed(): void {
    this.heartbeatRef?.delete(this);
    this.registry?.delete(this);
  }

  /** Send a transport-level ping (auto-ping). */
  protected abstract sendPing(): void;

  /** Drop the connection now, without a closing handshake; `onClose` gets `reason`. */
  protected abstract abort(reason: string): void;
}
