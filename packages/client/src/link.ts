/**
 * The session's hold on its transport: attaches once, validates every incoming message
 * with the protocol core, and hands typed messages to whoever currently owns the session
 * (the handshake, then the established session).
 * @module
 */
import { MessageType, ProtocolError, decodeMessage, encodeMessage } from '@cdc/protocol';
import type { CloseDetails, Transport, WampMessage } from '@cdc/protocol';

/** The owner of the link at a given phase. */
export interface LinkSink {
  onMessage(message: WampMessage): void;
  /** Invalid or undecodable input: the owner aborts with `wamp.error.protocol_violation`. */
  onViolation(message: string): void;
  onClose(details: CloseDetails): void;
}

export class Link {
  private sink: LinkSink | undefined;
  private closed = false;

  constructor(readonly transport: Transport) {}

  /** Whether the transport is still usable by this session. */
  get isOpen(): boolean {
    return !this.closed && this.transport.isOpen;
  }

  /** Route deliveries to `sink`; the first call attaches to the transport. */
  setSink(sink: LinkSink): void {
    const first = this.sink === undefined;
    this.sink = sink;
    if (!first) return;
    this.transport.attach({
      onMessage: (raw) => {
        if (this.closed) return;
        let message: WampMessage;
        try {
          message = decodeMessage(raw);
        } catch (e) {
          this.sink?.onViolation(e instanceof ProtocolError ? e.message : String(e));
          return;
        }
        this.sink?.onMessage(message);
      },
      onProtocolError: (error) => {
        if (!this.closed) this.sink?.onViolation(error.message);
      },
      onClose: (details) => {
        if (this.closed) return;
        this.closed = true;
        this.sink?.onClose(details);
      },
    });
  }

  /**
   * Encode and send.
   * @throws PayloadSizeError when the message exceeds the peer's limit (nothing is sent).
   */
  send(message: WampMessage): void {
    if (!this.isOpen) return;
    this.transport.send(encodeMessage(message));
  }

  /** Send ABORT (best effort) and close; nothing is delivered afterwards. */
  abort(reason: string, message: string): void {
    try {
      this.send({ type: MessageType.ABORT, details: { message }, reason });
    } catch {
      // A failing ABORT does not matter: we close anyway.
    }
    this.close();
  }

  /** Close the transport; no further deliveries reach the sink. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.transport.close(1000);
    } catch {
      // Closing an already broken transport may throw; it is gone either way.
    }
  }
}
