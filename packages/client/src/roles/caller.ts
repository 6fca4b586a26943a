/**
 * The caller role [WAMP basic §Remote Procedure Calls]: CALL/RESULT/ERROR correlation by
 * request ID, progressive results, call canceling and progressive call invocations.
 * @module
 */
import { MessageType, WampError, WampErrors } from '@cdc/protocol';
import type { Call, ErrorMessage, Result } from '@cdc/protocol';
import { CanceledError, errorFromWire, invalidArgument } from '../errors.js';
import { CallResult } from '../result.js';
import type { CallOptions, CancelMode, Dict } from '../types.js';
import { baseOptions, checkPayload, checkUint, checkUri, put } from '../validate.js';
import type { Deferred, RoleContext } from './context.js';

const CANCEL_MODES: readonly string[] = ['skip', 'kill', 'killnowait'];
/** Bound on remembered abandoned calls (crossbar may never answer a skip). */
const ABANDONED_LIMIT = 10_000;

/**
 * A call waiting for its result. A class rather than a spread of a deferred plus closures:
 * one object per call, and no abort listener unless the call has a signal (profiled as
 * the caller's largest cost per call, `npm run bench`).
 */
class PendingCall implements Deferred<CallResult> {
  /** Whether the (first) CALL went on the wire. */
  started = false;
  readonly promise: Promise<CallResult>;
  resolve!: (value: CallResult) => void;
  reject!: (error: unknown) => void;
  /** The abort listener, when the call has a signal. */
  onAbort: (() => void) | undefined;

  constructor(
    readonly onProgress: ((result: CallResult) => void) | undefined,
    readonly signal: AbortSignal | undefined,
  ) {
    this.promise = new Promise<CallResult>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** Removes the abort listener. */
  detach(): void {
    if (this.onAbort !== undefined) this.signal?.removeEventListener('abort', this.onAbort);
  }
}

/** A checked call, ready to send. */
export interface PreparedCall {
  requestId: number;
  options: Dict;
  result: Promise<CallResult>;
}

export class Caller {
  private readonly calls = new Map<number, PendingCall>();
  /** Calls given up locally (canceled): a late RESULT/ERROR for them is dropped silently. */
  private readonly abandoned = new Set<number>();

  constructor(private readonly ctx: RoleContext) {}

  call(
    procedure: string,
    args: unknown,
    kwargs: unknown,
    options: CallOptions,
  ): Promise<CallResult> {
    const payload = checkPayload(args, kwargs, options);
    if (payload instanceof WampError) return Promise.reject(payload);
    const prepared = this.prepare(procedure, options);
    if (prepared instanceof WampError) return Promise.reject(prepared);
    const { requestId } = prepared;
    this.startCall(requestId, {
      type: MessageType.CALL,
      requestId,
      options: prepared.options,
      procedure,
      args: payload.args,
      kwargs: payload.kwargs,
    });
    return prepared.result;
  }

  /**
   * Checks a call and registers it as pending (nothing is sent yet).
   * @returns the prepared call, or the error that stops it.
   */
  prepare(procedure: string, options: CallOptions): PreparedCall | WampError {
    const error =
      this.ctx.closedError() ??
      checkUri(procedure, 'procedure') ??
      checkUint(options.timeout, 'timeout') ??
      (options.cancelMode !== undefined && !CANCEL_MODES.includes(options.cancelMode)
        ? invalidArgument(`invalid cancelMode ${JSON.stringify(options.cancelMode)}`)
        : undefined) ??
      (options.pptScheme !== undefined && !this.ctx.routerHas('dealer', 'payload_passthru_mode')
        ? WampError.of(WampErrors.FEATURE_NOT_SUPPORTED, 'the dealer has no payload passthru mode')
        : undefined);
    if (error !== undefined) return error;
    if (options.signal?.aborted === true) return new CanceledError();

    const wire = baseOptions(options);
    put(wire, 'timeout', options.timeout !== 0 ? options.timeout : undefined);
    put(wire, 'receive_progress', options.onProgress !== undefined ? true : undefined);
    put(wire, 'disclose_me', options.discloseMe);

    const requestId = this.ctx.nextId();
    const signal = options.signal;
    const pending = new PendingCall(options.onProgress, signal);
    if (signal !== undefined) {
      const mode = options.cancelMode ?? 'killnowait';
      pending.onAbort = (): void => this.cancel(requestId, mode);
      signal.addEventListener('abort', pending.onAbort, { once: true });
    }
    this.calls.set(requestId, pending);
    return { requestId, options: wire, result: pending.promise };
  }

  /** Sends a CALL (the first, or a progressive continuation) for a pending call. */
  startCall(requestId: number, message: Call): boolean {
    const p = this.calls.get(requestId);
    if (p === undefined) return false;
    const error = this.ctx.send(message);
    if (error !== undefined) {
      this.settle(requestId);
      // A failed continuation chunk: the dealer still has the call; ignore its answer.
      if (p.started) this.abandon(requestId);
      p.reject(error);
      return false;
    }
    p.started = true;
    return true;
  }

  /** Whether the call is still waiting for its result. */
  isPending(requestId: number): boolean {
    return this.calls.has(requestId);
  }

  onResult(m: Result): void {
    const progress = m.details['progress'] === true;
    const p = this.calls.get(m.requestId);
    if (p === undefined) return this.unknown(m.requestId, progress, 'RESULT');
    const result = new CallResult(m.args ?? [], m.kwargs ?? {}, m.details);
    if (m.payload !== undefined) result.payload = m.payload;
    if (progress) {
      // A progress RESULT nobody asked for is harmless; drop it.
      if (p.onProgress === undefined) return;
      try {
        p.onProgress(result);
      } catch (e) {
        this.ctx.reportError(e, 'onProgress');
      }
      return;
    }
    this.settle(m.requestId)?.resolve(result);
  }

  onError(m: ErrorMessage): void {
    if (!this.calls.has(m.requestId)) return this.unknown(m.requestId, false, 'ERROR');
    this.settle(m.requestId)?.reject(errorFromWire(m.error, m.args ?? [], m.kwargs ?? {}));
  }

  /** Rejects every pending call with `error()`: the session ended. */
  close(error: () => WampError): void {
    for (const id of [...this.calls.keys()]) this.settle(id)?.reject(error());
    this.abandoned.clear();
  }

  /** Cancel on abort [WAMP advanced §Call Canceling]. */
  private cancel(requestId: number, mode: CancelMode): void {
    const p = this.calls.get(requestId);
    if (p === undefined) return;
    const canCancel = p.started && this.ctx.routerHas('dealer', 'call_canceling');
    if (canCancel) {
      this.ctx.send({ type: MessageType.CANCEL, requestId, options: { mode } });
      // kill: the dealer answers once the callee has (ERROR canceled, or even a RESULT).
      if (mode === 'kill') return;
    }
    // skip/killnowait, or a dealer that cannot cancel: stop waiting now, drop what comes.
    this.settle(requestId);
    if (p.started) this.abandon(requestId);
    p.reject(new CanceledError());
  }

  private settle(requestId: number): PendingCall | undefined {
    const p = this.calls.get(requestId);
    if (p === undefined) return undefined;
    this.calls.delete(requestId);
    p.detach();
    return p;
  }

  private abandon(requestId: number): void {
    this.abandoned.add(requestId);
    if (this.abandoned.size > ABANDONED_LIMIT) {
      const oldest = this.abandoned.values().next();
      if (oldest.done !== true) this.abandoned.delete(oldest.value);
    }
  }

  private unknown(requestId: number, progress: boolean, what: string): void {
    if (this.abandoned.has(requestId)) {
      if (!progress) this.abandoned.delete(requestId);
      return;
    }
    this.ctx.violation(`${what} for unknown call request ${requestId}`);
  }
}
