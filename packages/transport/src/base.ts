/**
 * What every transport shares: the handler hand-over (events that arrive before
 * `attach` are kept and delivered first), exactly-once close delivery, and containment
 * of exceptions thrown by the handler so that one session's bug never escapes into a
 * socket callback and takes the process down.
 * @module
 */
import type {
  CloseDetails,
  Serializer,
  Transport,
  TransportHandler,
  TransportInfo,
} from '@cdc/protocol';

const MESSAGE = 0;
const ERROR = 1;
const CLOSE = 2;
type Early = [typeof MESSAGE, unknown] | [typeof ERROR, Error] | [typeof CLOSE, CloseDetails];

export abstract class BaseTransport implements Transport {
  abstract readonly info: TransportInfo;
  abstract readonly isOpen: boolean;
  protected handler: TransportHandler | undefined;
  /** Events received before `attach` (rare: normally the owner attaches at once). */
  private early: Early[] | undefined;
  private closeDelivered = false;

  constructor(readonly serializer: Serializer) {}

  abstract send(message: unknown[]): void;
  abstract sendSerialized(data: Uint8Array | string): void;
  abstract close(code?: number, reason?: string): void;

  /** Whether `onClose` has been delivered (or queued for delivery on attach). */
  get closed(): boolean {
    return this.closeDelivered;
  }

  /** Attach the owner; events received earlier are delivered to it synchronously first. */
  attach(handler: TransportHandler): void {
    if (this.handler !== undefined) throw new Error('transport handler already attached');
    this.handler = handler;
    const early = this.early;
    if (early === undefined) return;
    this.early = undefined;
    for (const e of early) {
      switch (e[0]) {
        case MESSAGE:
          this.deliver(e[1]);
          break;
        case ERROR:
          this.deliverError(e[1]);
          break;
        case CLOSE:
          this.callClose(handler, e[1]);
          break;
      }
    }
  }

  /** Hand one decoded message to the owner. Exceptions from the owner propagate. */
  protected deliver(message: unknown): void {
    const h = this.handler;
    if (h !== undefined) h.onMessage(message);
    else (this.early ??= []).push([MESSAGE, message]);
  }

  /** Report a protocol error; exceptions from the owner are swallowed (we are failing anyway). */
  protected deliverError(error: Error): void {
    const h = this.handler;
    if (h === undefined) {
      (this.early ??= []).push([ERROR, error]);
      return;
    }
    try {
      h.onProtocolError(error);
    } catch {
      // The connection is being failed in any case.
    }
  }

  /** Deliver `onClose` once; later calls are ignored. */
  protected deliverClose(details: CloseDetails): void {
    if (this.closeDelivered) return;
    this.closeDelivered = true;
    this.onClosed();
    const h = this.handler;
    if (h === undefined) (this.early ??= []).push([CLOSE, details]);
    else this.callClose(h, details);
  }

  private callClose(h: TransportHandler, details: CloseDetails): void {
    try {
      h.onClose(details);
    } catch {
      // Nothing left to do for this connection.
    }
  }

  /** Hook for subclasses: release timers and registrations once closed. */
  protected onClosed(): void {
    // Nothing by default.
  }
}
