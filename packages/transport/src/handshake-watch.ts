/**
 * Drops connections that do not complete their opening handshake (RawSocket, HTTP
 * request or WebSocket upgrade) in time. One sweeping timer per listener instead of a
 * timer per socket: `socket.setTimeout` would leave a Timeout object behind on every
 * connection for its whole life.
 * @module
 */
import type { Socket } from 'node:net';

export class HandshakeWatch {
  private readonly deadlines = new Map<Socket, number>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly timeoutMs: number) {}

  watch(socket: Socket): void {
    this.deadlines.set(socket, Date.now() + this.timeoutMs);
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.sweep(), Math.min(1000, this.timeoutMs));
      this.timer.unref();
    }
  }

  /** The handshake is done (or the socket is gone). */
  release(socket: Socket): void {
    this.deadlines.delete(socket);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.deadlines.clear();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [socket, deadline] of this.deadlines) {
      if (socket.destroyed) this.deadlines.delete(socket);
      else if (now >= deadline) {
        this.deadlines.delete(socket);
        socket.destroy();
      }
    }
    if (this.deadlines.size === 0) this.stop();
  }
}
