/**
 * Call routing: CALL → INVOCATION → YIELD/ERROR → RESULT/ERROR, with progressive call
 * results and invocations, canceling (skip, kill, killnowait), timeouts, caller
 * disclosure, re-routing on `wamp.error.unavailable`, built-in `wamp.*` procedures and
 * calls made by the router itself [WAMP advanced §RPC].
 * @module
 */
import {
  MessageType,
  PayloadSizeError,
  ProtocolError,
  WampError,
  WampErrors,
  parseJsonPayload,
  CrossbarErrors,
  errorMessage,
} from '@cdc/protocol';
import type { Call, Cancel, Dict, ErrorMessage, Payload, Yield } from '@cdc/protocol';
import type { Authorization } from '../types.js';
import type { RouterSession } from '../session.js';
import { appendPayload, copyPassthru, usesPassthru } from '../payload.js';
import type { Dealer } from './dealer.js';
import { Invocation } from './invocation.js';
import type { InternalCall } from './invocation.js';
import type { CalleeEntry } from './registration.js';

/** A procedure the router implements itself (the meta API). Return a value or a {@link CallResult}. */
export type BuiltinProcedure = (
  caller: RouterSession | undefined,
  args: unknown[],
  kwargs: Dict,
) => unknown;

/** A result with several positional and keyword results. */
export class CallResult {
  constructor(
    readonly args: unknown[] = [],
    readonly kwargs: Dict = {},
  ) {}
}

const CALL = MessageType.CALL;

export class CallEngine {
  private internalIds = 0;

  constructor(private readonly dealer: Dealer) {}

  call(session: RouterSession, msg: Call): Promise<void> | undefined {
    const ongoing = session.calls.get(msg.requestId);
    if (ongoing !== undefined) {
      if (ongoing.streaming) this.continueStreaming(session, ongoing, msg);
      else
        throw new ProtocolError(
          `CALL request ID ${msg.requestId} is already in use by a call in flight`,
        );
      return undefined;
    }
    // A continuation of a progressive call that already ended is dropped silently.
    if (session.features.callerProgressiveInvocations && msg.requestId <= session.callWatermark)
      return undefined;
    if (msg.requestId > session.callWatermark) session.callWatermark = msg.requestId;
    const realm = this.dealer.realm;
    if (!realm.isValidUri(msg.procedure)) {
      this.error(
        session,
        msg.requestId,
        WampErrors.INVALID_URI,
        `invalid procedure URI "${msg.procedure}"`,
      );
      return undefined;
    }
    if (msg.options['progress'] === true && !session.features.callerProgressiveInvocations) {
      throw new ProtocolError(
        'CALL with progress=true from a caller that did not announce progressive_call_invocations',
      );
    }
    const a = realm.authorizer.authorize(session, msg.procedure, 'call', msg.options);
    if (a instanceof Promise) {
      return a.then(
        (auth) => this.route(session, msg, auth),
        (e: unknown) => this.dealer.authorizerFailed(session, CALL, msg.requestId, e),
      );
    }
    this.route(session, msg, a);
    return undefined;
  }

  private route(session: RouterSession, msg: Call, auth: Authorization): void {
    if (session.state !== 'established') return;
    this.dealer.realm.stats.calls++;
    const procedure = msg.procedure;
    if (!auth.allow) {
      this.error(
        session,
        msg.requestId,
        WampErrors.NOT_AUTHORIZED,
        `session is not authorized to call procedure "${procedure}"`,
      );
      return;
    }
    if (procedure.startsWith('wamp.')) {
      const builtin = this.dealer.builtins.get(procedure);
      if (builtin !== undefined) {
        this.runBuiltin(session, msg, builtin);
        return;
      }
    }
    const found = this.dealer.index.best(procedure);
    if (found === undefined) {
      this.error(
        session,
        msg.requestId,
        WampErrors.NO_SUCH_PROCEDURE,
        `no callee registered for procedure "${procedure}"`,
      );
      return;
    }
    const reg = found.value;
    const callee = reg.pick();
    if (callee === undefined) {
      this.error(
        session,
        msg.requestId,
        CrossbarErrors.MAX_CONCURRENCY_REACHED,
        `all callees of "${procedure}" are at their concurrency limit`,
      );
      return;
    }
    const inv = new Invocation(
      0,
      callee,
      reg,
      session,
      msg.requestId,
      undefined,
      msg,
      msg.options['receive_progress'] === true,
      typeof msg.options['timeout'] === 'number' ? msg.options['timeout'] : 0,
    );
    const disclose = auth.disclose || callee.discloseCaller || msg.options['disclose_me'] === true;
    session.calls.set(msg.requestId, inv);
    this.invoke(inv, callee, disclose, found.match !== 'exact');
  }

  /** Send the INVOCATION to `callee`; on failure, answer the caller. */
  private invoke(inv: Invocation, callee: CalleeEntry, disclose: boolean, pattern: boolean): void {
    const msg = inv.call;
    const cs = callee.session;
    if (inv.streaming && !cs.features.calleeProgressiveInvocations) {
      return this.fail(
        inv,
        WampErrors.FEATURE_NOT_SUPPORTED,
        'the callee does not support progressive call invocations',
      );
    }
    if (usesPassthru(msg.options) && !cs.features.passthru) {
      return this.fail(
        inv,
        WampErrors.FEATURE_NOT_SUPPORTED,
        'the callee does not support payload passthru',
      );
    }
    inv.callee = callee;
    inv.tried?.add(callee);
    const id = (cs.nextInvocationId =
      cs.nextInvocationId >= Number.MAX_SAFE_INTEGER ? 1 : cs.nextInvocationId + 1);
    (inv as { id: number }).id = id;
    const details: Dict = {};
    if (pattern) details['procedure'] = msg.procedure;
    if (inv.receiveProgress) details['receive_progress'] = true;
    if (inv.timeoutMs > 0) details['timeout'] = inv.timeoutMs;
    if (inv.streaming) details['progress'] = true;
    const caller = inv.caller;
    if (disclose && caller !== undefined) {
      details['caller'] = caller.id;
      details['caller_authid'] = caller.authid;
      details['caller_authrole'] = caller.authrole;
    }
    copyPassthru(msg.options, details);
    try {
      cs.send(appendPayload([MessageType.INVOCATION, id, inv.registration.id, details], msg));
    } catch (e) {
      if (e instanceof PayloadSizeError) {
        return this.fail(
          inv,
          WampErrors.PAYLOAD_SIZE_EXCEEDED,
          `the call is too large for the callee: ${e.message}`,
        );
      }
      throw e;
    }
    callee.inFlight++;
    cs.invocations.set(id, inv);
    this.armTimeout(inv);
  }

  /** A further chunk of a progressive call invocation goes to the same callee and INVOCATION. */
  private continueStreaming(session: RouterSession, inv: Invocation, msg: Call): void {
    if (inv.dropped) return;
    const last = msg.options['progress'] !== true;
    if (last) inv.streaming = false;
    const details: Dict = last ? {} : { progress: true };
    try {
      inv.callee.session.send(
        appendPayload([MessageType.INVOCATION, inv.id, inv.registration.id, details], msg),
      );
    } catch (e) {
      if (!(e instanceof PayloadSizeError)) throw e;
      this.error(session, msg.requestId, WampErrors.PAYLOAD_SIZE_EXCEEDED, e.message);
      this.interrupt(inv, 'killnowait');
      this.finish(inv);
    }
  }

  yield(session: RouterSession, msg: Yield): void {
    const inv = session.invocations.get(msg.requestId);
    if (inv === undefined) throw new ProtocolError(`YIELD for unknown INVOCATION ${msg.requestId}`);
    const progress = msg.options['progress'] === true;
    if (inv.dropped) {
      if (!progress) this.finish(inv);
      return;
    }
    const details: Dict = {};
    copyPassthru(msg.options, details);
    if (progress) {
      // Progress the caller did not ask for is not relayed.
      if (!inv.receiveProgress) return;
      details['progress'] = true;
      this.armTimeout(inv);
      this.deliver(inv, details, msg, true);
      return;
    }
    this.finish(inv);
    this.deliver(inv, details, msg, false);
  }

  calleeError(session: RouterSession, msg: ErrorMessage): void {
    const inv = session.invocations.get(msg.requestId);
    if (inv === undefined) throw new ProtocolError(`ERROR for unknown INVOCATION ${msg.requestId}`);
    if (inv.dropped) return this.finish(inv);
    if (msg.error === WampErrors.UNAVAILABLE && !inv.streaming) return this.reroute(inv);
    this.finish(inv);
    const details: Dict = {};
    copyPassthru(msg.details, details);
    this.deliverError(inv, msg.error, msg, details);
  }

  /** Call re-routing: the callee said it is unavailable; try the next one under the policy. */
  private reroute(inv: Invocation): void {
    const prev = inv.callee;
    prev.inFlight--;
    prev.session.invocations.delete(inv.id);
    this.clearTimeout(inv);
    inv.tried ??= new Set([prev]);
    const next = inv.registration.pick(inv.tried);
    if (next === undefined) {
      return this.fail(
        inv,
        WampErrors.NO_AVAILABLE_CALLEE,
        `no callee of "${inv.call.procedure}" is available`,
      );
    }
    this.invoke(inv, next, next.discloseCaller, inv.registration.match !== 'exact');
  }

  cancel(session: RouterSession, msg: Cancel): void {
    const inv = session.calls.get(msg.requestId);
    if (inv === undefined || inv.dropped) return; // already answered: nothing to cancel
    let mode = (msg.options['mode'] as string | undefined) ?? 'killnowait';
    if (!inv.callee.session.features.calleeCanCancel) mode = 'skip';
    if (mode === 'kill') {
      this.interrupt(inv, 'kill'); // the callee's answer goes to the caller as usual
      return;
    }
    inv.dropped = true;
    session.calls.delete(msg.requestId);
    this.clearTimeout(inv);
    this.error(session, msg.requestId, WampErrors.CANCELED, 'the call was canceled');
    if (mode === 'killnowait') this.interrupt(inv, 'killnowait');
  }

  callInternal(
    procedure: string,
    args: unknown[],
    kwargs: Dict,
    timeoutMs: number,
  ): Promise<{ args: unknown[]; kwargs: Dict }> {
    return new Promise((resolve, reject) => {
      const internal: InternalCall = { resolve, reject };
      const builtin = procedure.startsWith('wamp.')
        ? this.dealer.builtins.get(procedure)
        : undefined;
      if (builtin !== undefined) {
        Promise.resolve(builtin(undefined, args, kwargs)).then(
          (r) => resolve(toResult(r)),
          (e: unknown) => reject(asWampError(e)),
        );
        return;
      }
      const found = this.dealer.index.best(procedure);
      const callee = found?.value.pick();
      if (found === undefined || callee === undefined) {
        reject(
          WampError.of(
            WampErrors.NO_SUCH_PROCEDURE,
            `no callee registered for procedure "${procedure}"`,
          ),
        );
        return;
      }
      const call: Call = {
        type: CALL,
        requestId: ++this.internalIds,
        options: {},
        procedure,
        args,
        kwargs,
      };
      const inv = new Invocation(
        0,
        callee,
        found.value,
        undefined,
        call.requestId,
        internal,
        call,
        false,
        timeoutMs,
      );
      this.invoke(inv, callee, false, found.match !== 'exact');
    });
  }

  /** A leaving session: its calls as caller are interrupted, its invocations as callee fail. */
  detach(session: RouterSession): void {
    for (const inv of session.invocations.values()) {
      if (!inv.dropped)
        this.deliverError(inv, WampErrors.CANCELED, { args: ['the callee went away'] }, {});
      this.finish(inv);
    }
    for (const inv of session.calls.values()) {
      inv.dropped = true;
      this.clearTimeout(inv);
      this.interrupt(inv, 'killnowait');
    }
    session.calls.clear();
  }

  // --- helpers ----------------------------------------------------------------------

  private runBuiltin(
    session: RouterSession,
    msg: Call,
    f: (c: RouterSession | undefined, a: unknown[], k: Dict) => unknown,
  ): void {
    const reply = (r: unknown): void => {
      const res = toResult(r);
      session.trySend(appendPayload([MessageType.RESULT, msg.requestId, {}], res));
    };
    const fail = (e: unknown): void => {
      const err = asWampError(e);
      session.trySend(appendPayload([MessageType.ERROR, CALL, msg.requestId, {}, err.uri], err));
    };
    try {
      const r = f(session, msg.args ?? [], msg.kwargs ?? {});
      if (r instanceof Promise) r.then(reply, fail);
      else reply(r);
    } catch (e) {
      fail(e);
    }
  }

  /** Relay a RESULT (final or progressive) to the caller. */
  private deliver(inv: Invocation, details: Dict, p: Payload, progress: boolean): void {
    if (inv.internal !== undefined) {
      if (!progress)
        inv.internal.resolve(
          p.json !== undefined
            ? parseJsonPayload(p.json)
            : { args: p.args ?? [], kwargs: p.kwargs ?? {} },
        );
      return;
    }
    const caller = inv.caller;
    if (caller === undefined) return;
    try {
      caller.send(appendPayload([MessageType.RESULT, inv.callerRequestId, details], p));
    } catch (e) {
      if (!(e instanceof PayloadSizeError)) throw e;
      this.error(
        caller,
        inv.callerRequestId,
        WampErrors.PAYLOAD_SIZE_EXCEEDED,
        `the result is too large for the caller: ${e.message}`,
      );
      if (progress) {
        this.interrupt(inv, 'killnowait');
        inv.dropped = true;
        caller.calls.delete(inv.callerRequestId);
      }
    }
  }

  private deliverError(inv: Invocation, uri: string, p: Payload, details: Dict): void {
    this.dealer.realm.stats.errors++;
    if (inv.internal !== undefined) {
      inv.internal.reject(new WampError(uri, p.args ?? [], p.kwargs ?? {}));
      return;
    }
    const caller = inv.caller;
    if (caller === undefined || caller.state !== 'established') return;
    try {
      caller.send(appendPayload([MessageType.ERROR, CALL, inv.callerRequestId, details, uri], p));
    } catch (e) {
      if (!(e instanceof PayloadSizeError)) throw e;
      this.error(caller, inv.callerRequestId, uri, 'error payload too large for the caller');
    }
  }

  /** Fail a call that has no live INVOCATION (or whose INVOCATION was withdrawn). */
  private fail(inv: Invocation, uri: string, message: string): void {
    inv.caller?.calls.delete(inv.callerRequestId);
    inv.done = true;
    this.deliverError(inv, uri, { args: [message] }, {});
  }

  private finish(inv: Invocation): void {
    if (inv.done) return;
    inv.done = true;
    this.clearTimeout(inv);
    inv.callee.inFlight--;
    inv.callee.session.invocations.delete(inv.id);
    const caller = inv.caller;
    if (caller !== undefined && caller.calls.get(inv.callerRequestId) === inv)
      caller.calls.delete(inv.callerRequestId);
  }

  private interrupt(inv: Invocation, mode: 'kill' | 'killnowait'): void {
    const cs = inv.callee.session;
    if (inv.done || !cs.features.calleeCanCancel || cs.state !== 'established') return;
    cs.trySend([MessageType.INTERRUPT, inv.id, { mode }]);
  }

  /** Call timeout [WAMP advanced §Call Timeouts]; with progress, it counts per gap. */
  private armTimeout(inv: Invocation): void {
    if (inv.timeoutMs <= 0) return;
    this.clearTimeout(inv);
    inv.timer = setTimeout(() => this.timedOut(inv), inv.timeoutMs);
  }

  private clearTimeout(inv: Invocation): void {
    if (inv.timer !== undefined) clearTimeout(inv.timer);
    inv.timer = undefined;
  }

  private timedOut(inv: Invocation): void {
    inv.timer = undefined;
    if (inv.done || inv.dropped) return;
    inv.dropped = true;
    inv.caller?.calls.delete(inv.callerRequestId);
    this.deliverError(
      inv,
      WampErrors.TIMEOUT,
      { args: [`the call did not finish within ${inv.timeoutMs} ms`] },
      {},
    );
    // The INVOCATION stays known until the callee answers (it may still send an ERROR).
    this.interrupt(inv, 'killnowait');
  }

  private error(session: RouterSession, requestId: number, uri: string, message: string): void {
    this.dealer.realm.stats.errors++;
    this.dealer.error(session, CALL, requestId, uri, message);
  }
}

function toResult(r: unknown): { args: unknown[]; kwargs: Dict } {
  if (r instanceof CallResult) return { args: r.args, kwargs: r.kwargs };
  return { args: r === undefined ? [] : [r], kwargs: {} };
}

function asWampError(e: unknown): WampError {
  if (e instanceof WampError) return e;
  return WampError.of(WampErrors.RUNTIME_ERROR, errorMessage(e));
}
