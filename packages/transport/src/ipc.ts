/**
 * WAMP over a Node IPC channel (a forked child process and its parent): how worker
 * processes talk to their node controller's router, and realm backends to the center's.
 * Messages travel as `wamp.2.json` text in envelopes tagged so that the channel can carry
 * other (lifecycle) messages too; a receiver also takes an envelope holding the message
 * itself (a structured clone).
 *
 * A YIELD's payload travels as text of its own, which the receiving router keeps as a
 * `JsonPayload` and splices into what it sends to JSON callers without parsing it: a realm
 * backend's answers over a whole fleet are megabytes.
 *
 * Every `send` on the channel is a system call, so what one turn of the event loop sends
 * goes out as one batch (a center's realm backend receives a heartbeat from each of
 * thousands of nodes, each in its own I/O callback). The batch leaves before the loop next
 * waits for I/O, keeping the order of messages.
 * @module
 */
import { JsonPayload, MessageType, jsonSerializer, serializePayload } from '@cdc/protocol';
import type { TransportInfo } from '@cdc/protocol';
import { BaseTransport } from './base.js';

const json = jsonSerializer;

/** The part of `ChildProcess` / `process` an IPC transport uses. */
export interface IpcChannel {
  send?(message: unknown): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'disconnect', listener: () => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'disconnect', listener: () => void): unknown;
}

/** The envelope of a WAMP message on the channel. */
export interface IpcWampEnvelope {
  wamp: unknown[] | string;
  /** The message's payload elements as JSON text, when `wamp` holds only its head. */
  payload?: string;
}

export function isWampEnvelope(m: unknown): m is IpcWampEnvelope {
  return typeof m === 'object' && m !== null && 'wamp' in m;
}

/** Several WAMP envelopes sent in one turn of the event loop, in order. */
interface IpcBatch {
  wampBatch: IpcWampEnvelope[];
}

function isBatch(m: unknown): m is IpcBatch {
  return typeof m === 'object' && m !== null && Array.isArray((m as IpcBatch).wampBatch);
}

function isCloseEnvelope(m: unknown): boolean {
  return typeof m === 'object' && m !== null && 'wampClose' in m;
}

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
  private queue: IpcWampEnvelope[] = [];
  private scheduled = false;

  constructor(
    private readonly channel: IpcChannel,
    peer: string,
  ) {
    super(json);
    this.info = { type: 'ipc', serializer: 'json', peer, tls: false };
    channel.on('message', this.onChannelMessage);
    channel.on('disconnect', this.onDisconnect);
  }

  get isOpen(): boolean {
    return this.open;
  }

  private readonly onChannelMessage = (m: unknown): void => {
    if (!this.open) return;
    if (isCloseEnvelope(m)) {
      this.shut(true);
      return;
    }
    if (isBatch(m)) {
      for (const e of m.wampBatch) {
        if (!this.isOpen) return; // a message of the batch closed it
        if (isWampEnvelope(e)) this.receive(e);
      }
      return;
    }
    if (isWampEnvelope(m)) this.receive(m);
  };

  private receive(m: IpcWampEnvelope): void {
    if (typeof m.wamp === 'string') {
      let msg: unknown;
      try {
        msg = json.unserialize(m.wamp);
      } catch (e) {
        this.deliverError(e as Error);
        return;
      }
      if (typeof m.payload === 'string' && Array.isArray(msg)) {
        try {
          withPayload(msg, m.payload);
        } catch (e) {
          this.deliverError(e as Error);
          return;
        }
      }
      this.deliver(msg);
    } else this.deliver(m.wamp);
  }

  private readonly onDisconnect = (): void => {
    this.shut(false);
  };

  /**
   * Sent as JSON text: V8's structured clone (the channel's own format) costs several
   * times more to decode, which shows with big results (`get_nodes` over a fleet).
   */
  send(message: unknown[]): void {
    if (!this.open) return;
    const last = message[message.length - 1];
    const payload =
      message[0] !== MessageType.YIELD
        ? undefined
        : last instanceof JsonPayload
          ? last.text
          : serializePayload(message, 3);
    if (payload === undefined) this.post({ wamp: json.serialize(message) });
    else this.post({ wamp: json.serialize(message.slice(0, 3)), payload });
  }

  sendSerialized(data: Uint8Array | string): void {
    this.post({ wamp: typeof data === 'string' ? data : new TextDecoder().decode(data) });
  }

  private post(envelope: IpcWampEnvelope): void {
    if (!this.open || this.channel.send === undefined) return;
    this.queue.push(envelope);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Send what this turn of the event loop queued: one envelope as itself, more as a batch. */
  private readonly flush = (): void => {
    this.scheduled = false;
    const q = this.queue;
    this.queue = [];
    if (!this.open || q.length === 0 || this.channel.send === undefined) return;
    try {
      this.channel.send(q.length === 1 ? q[0] : ({ wampBatch: q } satisfies IpcBatch));
    } catch {
      this.shut(false);
    }
  };

  /** Close our end and tell the other end, whose transport closes too. */
  close(): void {
    if (!this.open) return;
    this.flush(); // what was sent before closing arrives before the close
    try {
      this.channel.send?.({ wampClose: true });
    } catch {
      // The channel is gone: the other end sees the disconnect.
    }
    this.shut(true);
  }

  private shut(clean: boolean): void {
    if (!this.open) return;
    this.open = false;
    this.queue = [];
    this.channel.off('message', this.onChannelMessage);
    this.channel.off('disconnect', this.onDisconnect);
    this.deliverClose({ wasClean: clean });
  }
}

/**
 * A transport over an IPC channel. Both ends create one over their side of the channel;
 * closing it detaches from the channel (the process lifecycle is the caller's business).
 */
export function createIpcTransport(channel: IpcChannel, peer = 'ipc'): BaseTransport {
  return new IpcTransport(channel, peer);
}
