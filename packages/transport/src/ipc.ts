/**
 * WAMP between a process and the child it forked: how worker processes talk to their node
 * controller's router, and realm backends to the center's. It runs over a socket pair of
 * its own (an extra `stdio` pipe, fd 4 in the child), not Node's IPC channel, which stays
 * for lifecycle messages: that channel copies a large message together again with every
 * chunk that arrives (a realm backend's answers over a whole fleet are megabytes) and
 * serializes everything once more with V8's serializer.
 *
 * Frames: a 4-byte length of the rest, a 4-byte length of the message's head, the head as
 * `wamp.2.json` text, then, for a YIELD, its payload elements as JSON text of their own,
 * which the receiving router keeps as a `JsonPayload` and splices into what it sends to JSON
 * callers without parsing it. A head length of 0xFFFFFFFF is a clean close; the stream
 * ending without one is the other process gone.
 *
 * What one turn of the event loop sends goes out as one write, before the loop next waits
 * for I/O, keeping the order of messages.
 * @module
 */
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ChildProcess } from 'node:child_process';
import { JsonPayload, MessageType, jsonSerializer, serializePayload } from '@cdc/protocol';
import type { TransportInfo } from '@cdc/protocol';
import { BaseTransport } from './base.js';

const json = jsonSerializer;
const CLOSE = 0xffffffff;
/** Larger frames mean a corrupt stream (the largest fleet answers are tens of MB). */
const MAX_FRAME = 1 << 30;

/** The child's file descriptor of the WAMP socket. */
export const IPC_WAMP_FD = 4;
/** `stdio` for `fork`: stdout and stderr piped, the IPC channel, and the WAMP socket. */
export const IPC_STDIO: ['ignore', 'pipe', 'pipe', 'ipc', 'pipe'] = [
  'ignore',
  'pipe',
  'pipe',
  'ipc',
  'pipe',
];

/** The parent's end of a child's WAMP socket (the child was forked with {@link IPC_STDIO}). */
export function childWampStream(child: ChildProcess): Duplex {
  const s = child.stdio[IPC_WAMP_FD];
  if (s === null || s === undefined) throw new Error('the child has no WAMP socket (fd 4)');
  return s as Duplex;
}

/** The child's end of its WAMP socket to the parent. */
export function parentWampStream(): Duplex {
  return new Socket({ fd: IPC_WAMP_FD, readable: true, writable: true });
}

function frame(head: string, payload = ''): Buffer {
  const hl = Buffer.byteLength(head);
  const pl = payload === '' ? 0 : Buffer.byteLength(payload);
  const f = Buffer.allocUnsafe(8 + hl + pl);
  f.writeUInt32BE(4 + hl + pl, 0);
  f.writeUInt32BE(hl, 4);
  f.write(head, 8);
  if (pl > 0) f.write(payload, 8 + hl);
  return f;
}

const CLOSE_FRAME = Buffer.from([0, 0, 0, 4, 0xff, 0xff, 0xff, 0xff]);

/** Put a payload sent as text back on its message: kept as text on a YIELD, else parsed. */
function withPayload(msg: unknown[], payload: string): void {
  if (msg[0] === MessageType.YIELD) msg.push(new JsonPayload(payload));
  else {
    const elements = json.unserialize(payload);
    if (!Array.isArray(elements)) throw new TypeError('an IPC payload must be a JSON array');
    msg.push(...(elements as unknown[]));
  }
}

class IpcTransport extends BaseTransport {
  readonly info: TransportInfo;
  private open = true;
  private queue: Buffer[] = [];
  private scheduled = false;
  /** Received bytes not yet a whole frame. */
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(
    private readonly stream: Duplex,
    peer: string,
  ) {
    super(json);
    this.info = { type: 'ipc', serializer: 'json', peer, tls: false };
    stream.on('data', this.onData);
    stream.on('end', this.onGone);
    stream.on('close', this.onGone);
    stream.on('error', this.onGone);
  }

  get isOpen(): boolean {
    return this.open;
  }

  private readonly onData = (chunk: Buffer): void => {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.open && this.buffered >= 4) {
      let first = this.chunks[0];
      if (first === undefined) return;
      if (first.length < 4) {
        // A length split across reads: join what is here once, so it reads as one.
        first = Buffer.concat(this.chunks, this.buffered);
        this.chunks = [first];
      }
      const n = first.readUInt32BE(0);
      if (n < 4 || n > MAX_FRAME) {
        this.deliverError(new Error(`IPC frame of ${n} bytes`));
        this.shut(false);
        return;
      }
      if (this.buffered < 4 + n) return;
      // One copy of a whole frame, once it is all here.
      const all = this.chunks.length === 1 ? first : Buffer.concat(this.chunks, this.buffered);
      this.receive(all.subarray(4, 4 + n));
      const rest = all.subarray(4 + n);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
    }
  };

  private receive(f: Buffer): void {
    const hl = f.readUInt32BE(0);
    if (hl === CLOSE) {
      this.stream.end();
      this.shut(true);
      return;
    }
    let msg: unknown;
    try {
      msg = json.unserialize(f.toString('utf8', 4, 4 + hl));
      if (f.length > 4 + hl && Array.isArray(msg)) withPayload(msg, f.toString('utf8', 4 + hl));
    } catch (e) {
      this.deliverError(e as Error);
      return;
    }
    this.deliver(msg);
  }

  private readonly onGone = (): void => {
    this.shut(false);
  };

  send(message: unknown[]): void {
    if (!this.open) return;
    if (message[0] !== MessageType.YIELD) {
      this.post(frame(json.serialize(message)));
      return;
    }
    const last = message[message.length - 1];
    const payload = last instanceof JsonPayload ? last.text : serializePayload(message, 3);
    if (payload === undefined) this.post(frame(json.serialize(message)));
    else this.post(frame(json.serialize(message.slice(0, 3)), payload));
  }

  sendSerialized(data: Uint8Array | string): void {
    if (!this.open) return;
    this.post(frame(typeof data === 'string' ? data : Buffer.from(data).toString('utf8')));
  }

  private post(f: Buffer): void {
    this.queue.push(f);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Send what this turn of the event loop queued, as one write. */
  private readonly flush = (): void => {
    this.scheduled = false;
    const q = this.queue;
    this.queue = [];
    if (!this.open || q.length === 0) return;
    this.stream.write(q.length === 1 ? q[0] : Buffer.concat(q));
  };

  /** Close our end and tell the other end, whose transport closes too (cleanly). */
  close(): void {
    if (!this.open) return;
    this.flush(); // what was sent before closing arrives before the close
    this.stream.end(CLOSE_FRAME);
    this.shut(true);
  }

  private shut(clean: boolean): void {
    if (!this.open) return;
    this.open = false;
    this.queue = [];
    this.chunks = [];
    this.stream.off('data', this.onData);
    this.stream.off('end', this.onGone);
    this.stream.off('close', this.onGone);
    // An error after we are done must not become an uncaught one.
    this.stream.off('error', this.onGone);
    this.stream.on('error', () => undefined);
    this.deliverClose({ wasClean: clean });
  }
}

/**
 * A transport over the WAMP socket between a parent and its forked child: the parent
 * passes {@link childWampStream}, the child {@link parentWampStream}. Closing it ends the
 * socket; the process lifecycle is the caller's business.
 */
export function createIpcTransport(stream: Duplex, peer = 'ipc'): BaseTransport {
  return new IpcTransport(stream, peer);
}
