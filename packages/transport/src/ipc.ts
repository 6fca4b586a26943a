/**
 * WAMP over a Node IPC channel (a forked child process and its parent): how worker
 * processes talk to their node controller's router. Messages travel as structured clones,
 * tagged so the channel can carry other (lifecycle) messages too; what the broker has
 * already serialized for fan-out travels as the serialized form and is decoded on arrival.
 * @module
 */
import { SERIALIZERS } from '@cdc/protocol';
import type { TransportInfo } from '@cdc/protocol';
import { BaseTransport } from './base.js';

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
}

export function isWampEnvelope(m: unknown): m is IpcWampEnvelope {
  return typeof m === 'object' && m !== null && 'wamp' in m;
}

function isCloseEnvelope(m: unknown): boolean {
  return typeof m === 'object' && m !== null && 'wampClose' in m;
}

const json = SERIALIZERS.json;

class IpcTransport extends BaseTransport {
  readonly info: TransportInfo;
  private open = true;

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
    if (!isWampEnvelope(m)) return;
    if (typeof m.wamp === 'string') {
      let msg: unknown;
      try {
        msg = json.unserialize(m.wamp);
      } catch (e) {
        this.deliverError(e as Error);
        return;
      }
      this.deliver(msg);
    } else this.deliver(m.wamp);
  };

  private readonly onDisconnect = (): void => {
    this.shut(false);
  };

  send(message: unknown[]): void {
    this.post({ wamp: message });
  }

  sendSerialized(data: Uint8Array | string): void {
    this.post({ wamp: typeof data === 'string' ? data : new TextDecoder().decode(data) });
  }

  private post(envelope: IpcWampEnvelope): void {
    if (!this.open || this.channel.send === undefined) return;
    try {
      this.channel.send(envelope);
    } catch {
      this.shut(false);
    }
  }

  /** Close our end and tell the other end, whose transport closes too. */
  close(): void {
    if (!this.open) return;
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
