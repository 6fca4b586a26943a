/**
 * One running INVOCATION on the callee side: builds the handler's details, turns the
 * handler's outcome into YIELD or ERROR, sends progressive results, and reacts to INTERRUPT.
 * Exactly one final YIELD/ERROR is sent, and none after an interrupt or once the session
 * has ended.
 * @module
 */
import { JsonPayload, MessageType, WampError, WampErrors, errorMessage } from '@cdc/protocol';
import type { Args, Invocation as InvocationMessage, Kwargs } from '@cdc/protocol';
import { CanceledError } from '../errors.js';
import { CallResult } from '../result.js';
import type { Dict, InvocationDetails, InvocationHandler, PassthruOptions } from '../types.js';
import { baseOptions, checkPayload, num, str } from '../validate.js';
import { ChunkQueue } from './chunks.js';
import type { RoleContext } from './context.js';

/** Keys of a returned CallResult's details that go into YIELD options. */
const PASSTHRU_KEY = /^(ppt|enc)_/;

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    (typeof v === 'object' || typeof v === 'function') &&
    v !== null &&
    typeof (v as { then?: unknown }).then === 'function'
  );
}

/**
 * The handler's details. A class with `signal` as a prototype getter: an object literal
 * with a getter is built on V8's slow path, which showed in callee profiles.
 */
class Details implements InvocationDetails {
  constructor(
    readonly procedure: string,
    readonly caller: number | undefined,
    readonly callerAuthid: string | undefined,
    readonly callerAuthrole: string | undefined,
    readonly timeout: number | undefined,
    readonly progress: InvocationDetails['progress'],
    readonly input: InvocationDetails['input'],
    readonly payload: Uint8Array | undefined,
    readonly raw: Dict,
    private readonly invocation: Invocation,
  ) {}

  get signal(): AbortSignal {
    return this.invocation.signal();
  }
}

export class Invocation {
  /**
   * Made when the handler first reads `details.signal`. Most handlers never do, and an
   * AbortController (with its GC cost) was the largest single cost of an invocation in
   * callee profiles (`npm run bench`, docs/PERFORMANCE.md).
   */
  private controller: AbortController | undefined;
  private aborted = false;
  private abortReason: unknown;
  private finished = false;
  /** The caller's further chunks, for a progressive call invocation. */
  readonly input: ChunkQueue | undefined;

  constructor(
    private readonly ctx: RoleContext,
    private readonly message: InvocationMessage,
    private readonly onDone: (inv: Invocation) => void,
  ) {
    this.input = message.details['progress'] === true ? new ChunkQueue() : undefined;
  }

  get requestId(): number {
    return this.message.requestId;
  }

  get done(): boolean {
    return this.finished;
  }

  /** Runs `handler` and answers with its outcome. */
  run(handler: InvocationHandler, registeredUri: string): void {
    const m = this.message;
    const d = m.details;
    const details = new Details(
      str(d, 'procedure') ?? registeredUri,
      num(d, 'caller'),
      str(d, 'caller_authid'),
      str(d, 'caller_authrole'),
      num(d, 'timeout'),
      d['receive_progress'] === true ? this.progress.bind(this) : undefined,
      this.input,
      m.payload,
      d,
      this,
    );
    let value: unknown;
    try {
      value = handler(m.args ?? [], m.kwargs ?? {}, details);
    } catch (e) {
      this.fail(e);
      return;
    }
    // A plain value is answered at once; a promise (or any thenable) when it settles.
    if (isThenable(value)) {
      Promise.resolve(value).then(
        (v) => this.yieldFinal(v),
        (e: unknown) => this.fail(e),
      );
    } else this.yieldFinal(value);
  }

  /** INTERRUPT [WAMP advanced §Call Canceling]: abort the handler's signal. */
  interrupt(mode: unknown): void {
    if (this.finished) return;
    const reason = new CanceledError(['the call was interrupted']);
    this.end();
    this.input?.fail(reason);
    this.abort(reason);
    // killnowait: the dealer has already answered the caller and drops what we send.
    if (mode === 'killnowait') return;
    // kill: the caller waits for us; answer now rather than trust the handler to stop.
    this.sendError(reason.uri, reason.args, {});
  }

  /** The session ended: stop the handler, send nothing. */
  close(error: WampError): void {
    if (this.finished) return;
    this.end();
    this.input?.fail(error);
    this.abort(error);
  }

  /** @internal The handler's abort signal, made on first use. */
  signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  private abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.abortReason = reason;
    this.controller?.abort(reason);
  }

  private progress(args?: Args, kwargs?: Kwargs, options: PassthruOptions = {}): void {
    if (this.finished) return;
    const payload = checkPayload(args, kwargs, options);
    if (payload instanceof WampError) throw payload;
    const yieldOptions = baseOptions(options);
    yieldOptions['progress'] = true;
    const error = this.ctx.send({
      type: MessageType.YIELD,
      requestId: this.requestId,
      options: yieldOptions,
      ...payload,
    });
    if (error !== undefined) throw error;
  }

  private yieldFinal(value: unknown): void {
    if (this.finished) return;
    this.end();
    let args: Args = [];
    let kwargs: Kwargs = {};
    const options: Dict = {};
    let bytes: Uint8Array | undefined;
    if (value instanceof JsonPayload) {
      // Already JSON text (a big result kept serialized by the callee): sent as it is.
      const error = this.ctx.send({
        type: MessageType.YIELD,
        requestId: this.requestId,
        options,
        json: value,
      });
      if (error !== undefined) this.sendError(error.uri, error.args, {});
      return;
    }
    if (value instanceof CallResult) {
      ({ args, kwargs } = value);
      bytes = value.payload;
      for (const [k, v] of Object.entries(value.details)) if (PASSTHRU_KEY.test(k)) options[k] = v;
    } else if (value !== undefined) {
      args = [value];
    }
    const error = this.ctx.send({
      type: MessageType.YIELD,
      requestId: this.requestId,
      options,
      args,
      kwargs,
      ...(bytes !== undefined ? { payload: bytes } : {}),
    });
    // Too large (or otherwise unsendable): tell the caller instead of leaving it hanging.
    if (error !== undefined) this.sendError(error.uri, error.args, {});
  }

  private fail(e: unknown): void {
    if (this.finished) return;
    this.end();
    if (e instanceof WampError) return this.sendError(e.uri, e.args, e.kwargs);
    const message = errorMessage(e);
    this.sendError(WampErrors.RUNTIME_ERROR, [message], {});
  }

  private sendError(uri: string, args: Args, kwargs: Kwargs, retry = true): void {
    const error = this.ctx.send({
      type: MessageType.ERROR,
      requestType: MessageType.INVOCATION,
      requestId: this.requestId,
      details: {},
      error: uri,
      args,
      kwargs,
    });
    // An error payload too large for the peer: send the bare URI once instead.
    if (error?.uri === WampErrors.PAYLOAD_SIZE_EXCEEDED && retry) {
      this.sendError(WampErrors.PAYLOAD_SIZE_EXCEEDED, [], {}, false);
    }
  }

  private end(): void {
    this.finished = true;
    this.onDone(this);
  }
}
