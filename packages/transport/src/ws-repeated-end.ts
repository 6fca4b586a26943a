/**
 * `ws` ends its frame receiver (a `Writable`) once more when the socket ends and again
 * when it closes, after the close frame has already ended it, and ends a socket it has
 * already ended. Node answers each repeat by building an `ERR_STREAM_ALREADY_FINISHED`
 * error, stack trace and all, that nobody sees: ~4 % of the router's CPU per WebSocket
 * connection in handshake profiles (docs/PERFORMANCE.md, issue 16). On these two objects a
 * bare `end()` of a finished or destroyed stream is made a no-op, which is all Node does
 * with it besides building the error.
 * @module
 */
import { Socket } from 'node:net';
import { Writable } from 'node:stream';
import type WebSocket from 'ws';

type End = (this: unknown, ...args: unknown[]) => unknown;
// Called below with `this` set: the prototypes' own methods, applied to their instances.
const writableEnd = Object.getOwnPropertyDescriptor(Writable.prototype, 'end')?.value as End;
const socketEnd = Object.getOwnPropertyDescriptor(Socket.prototype, 'end')?.value as End;

function receiverEnd(this: Writable, ...args: unknown[]): Writable {
  if (args.length === 0 && (this.writableFinished || this.destroyed)) return this;
  return writableEnd.apply(this, args) as Writable;
}

function socketEndOnce(this: Socket, ...args: unknown[]): Socket {
  if (args.length === 0 && (this.writableFinished || this.destroyed)) return this;
  return socketEnd.apply(this, args) as Socket;
}

/** Make repeated bare `end()`s of `ws`'s receiver and of `socket` free. */
export function quietRepeatedEnds(ws: WebSocket, socket: Socket): void {
  // `_receiver` is ws's own; if a version of ws has none, nothing changes.
  const receiver = (ws as unknown as { _receiver?: unknown })._receiver;
  if (receiver instanceof Writable && (receiver.end as unknown) === writableEnd)
    receiver.end = receiverEnd as Writable['end'];
  if ((socket.end as unknown) === socketEnd) socket.end = socketEndOnce;
}
