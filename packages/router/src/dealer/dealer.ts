/**
 * The dealer [WAMP basic §Remote Procedure Calls]: registrations with exact, prefix and
 * wildcard matching and shared-registration policies, their revocation and meta events.
 * Calls themselves are routed by {@link CallEngine}.
 * @module
 */
import { MessageType, WampErrors, isValidPattern, randomId, UriIndex } from '@cdc/protocol';
import type {
  Call,
  Cancel,
  Dict,
  ErrorMessage,
  MatchPolicy,
  Register,
  Unregister,
  Yield,
} from '@cdc/protocol';
import type { Authorization } from '../types.js';
import type { Realm } from '../realm.js';
import type { RouterSession } from '../session.js';
import { CallEngine } from './calls.js';
import type { BuiltinProcedure } from './calls.js';
import { Registration } from './registration.js';
import { replyAuthorizerFailed, replyError } from '../replies.js';
import type { InvokePolicy } from './registration.js';

export class Dealer {
  readonly index = new UriIndex<Registration>();
  readonly byId = new Map<number, Registration>();
  readonly builtins = new Map<string, BuiltinProcedure>();
  private readonly engine: CallEngine;

  constructor(readonly realm: Realm) {
    this.engine = new CallEngine(this);
  }

  // --- REGISTER / UNREGISTER --------------------------------------------------------

  register(session: RouterSession, msg: Register): Promise<void> | undefined {
    const match = (msg.options['match'] as MatchPolicy | undefined) ?? 'exact';
    if (!isValidPattern(msg.procedure, match, { strict: this.realm.strictUris })) {
      this.error(
        session,
        MessageType.REGISTER,
        msg.requestId,
        WampErrors.INVALID_URI,
        `invalid procedure URI "${msg.procedure}" for match "${match}"`,
      );
      return undefined;
    }
    if (msg.procedure.startsWith('wamp.') && session.authrole !== 'trusted') {
      this.error(
        session,
        MessageType.REGISTER,
        msg.requestId,
        WampErrors.INVALID_URI,
        `procedure "${msg.procedure}" is reserved for the router`,
      );
      return undefined;
    }
    const a = this.realm.authorizer.authorize(session, msg.procedure, 'register', msg.options);
    if (a instanceof Promise) {
      return a.then(
        (auth) => this.doRegister(session, msg, match, auth),
        (e: unknown) => this.authorizerFailed(session, MessageType.REGISTER, msg.requestId, e),
      );
    }
    this.doRegister(session, msg, match, a);
    return undefined;
  }

  private doRegister(
    session: RouterSession,
    msg: Register,
    match: MatchPolicy,
    auth: Authorization,
  ): void {
    if (session.state !== 'established') return;
    const uri = msg.procedure;
    if (!auth.allow) {
      this.error(
        session,
        MessageType.REGISTER,
        msg.requestId,
        WampErrors.NOT_AUTHORIZED,
        `session is not authorized to register procedure "${uri}"`,
      );
      return;
    }
    const invoke = (msg.options['invoke'] as InvokePolicy | undefined) ?? 'single';
    let reg = this.index.get(uri, match);
    if (reg !== undefined && msg.options['force_reregister'] === true) {
      // Crossbar.io: kick the existing callees, then register anew.
      for (const c of [...reg.callees]) this.removeCallee(reg, c.session, WampErrors.UNREGISTERED);
      reg = undefined;
    }
    if (reg !== undefined) {
      if (reg.calleeOf(session) !== undefined || reg.invoke === 'single') {
        this.error(
          session,
          MessageType.REGISTER,
          msg.requestId,
          WampErrors.PROCEDURE_ALREADY_EXISTS,
          `procedure "${uri}" is already registered`,
        );
        return;
      }
      if (reg.invoke !== invoke) {
        this.error(
          session,
          MessageType.REGISTER,
          msg.requestId,
          WampErrors.PROCEDURE_EXISTS_WITH_DIFFERENT_INVOCATION_POLICY,
          `procedure "${uri}" is registered with invocation policy "${reg.invoke}", not "${invoke}"`,
        );
        return;
      }
    }
    const created = reg === undefined;
    if (reg === undefined) {
      reg = new Registration(this.newId(), uri, match, invoke);
      this.index.set(uri, match, reg);
      this.byId.set(reg.id, reg);
    }
    reg.callees.push({
      session,
      registration: reg,
      concurrency: typeof msg.options['concurrency'] === 'number' ? msg.options['concurrency'] : 0,
      inFlight: 0,
      discloseCaller: msg.options['disclose_caller'] === true,
    });
    session.registrations.add(reg);
    session.send([MessageType.REGISTERED, msg.requestId, reg.id]);
    if (created) this.meta('wamp.registration.on_create', () => [session.id, reg.info()]);
    this.meta('wamp.registration.on_register', [session.id, reg.id]);
  }

  unregister(session: RouterSession, msg: Unregister): void {
    const reg = this.byId.get(msg.registration);
    if (reg === undefined || reg.calleeOf(session) === undefined) {
      this.error(
        session,
        MessageType.UNREGISTER,
        msg.requestId,
        WampErrors.NO_SUCH_REGISTRATION,
        `no registration ${msg.registration} for this session`,
      );
      return;
    }
    this.removeCallee(reg, session);
    session.send([MessageType.UNREGISTERED, msg.requestId]);
  }

  /** Remove a callee; with `revokeReason`, tell it when it can be told [registration revocation]. */
  removeCallee(reg: Registration, session: RouterSession, revokeReason?: string): void {
    const i = reg.callees.findIndex((c) => c.session === session);
    if (i < 0) return;
    reg.callees.splice(i, 1);
    session.registrations.delete(reg);
    if (revokeReason !== undefined && session.features.calleeRevocation) {
      session.trySend([
        MessageType.UNREGISTERED,
        0,
        { registration: reg.id, reason: revokeReason },
      ]);
    }
    this.meta('wamp.registration.on_unregister', [session.id, reg.id]);
    if (reg.callees.length === 0) {
      this.index.delete(reg.uri, reg.match);
      this.byId.delete(reg.id);
      this.meta('wamp.registration.on_delete', [session.id, reg.id]);
    }
  }

  /** Drop everything a leaving session holds, failing or interrupting its calls. */
  detach(session: RouterSession): void {
    this.engine.detach(session);
    for (const reg of [...session.registrations]) this.removeCallee(reg, session);
  }

  // --- calls (delegated) ------------------------------------------------------------

  call(session: RouterSession, msg: Call): Promise<void> | undefined {
    return this.engine.call(session, msg);
  }

  yield(session: RouterSession, msg: Yield): void {
    this.engine.yield(session, msg);
  }

  calleeError(session: RouterSession, msg: ErrorMessage): void {
    this.engine.calleeError(session, msg);
  }

  cancel(session: RouterSession, msg: Cancel): void {
    this.engine.cancel(session, msg);
  }

  /** Call a procedure as the router itself; rejects with a WampError. */
  callInternal(
    procedure: string,
    args: unknown[],
    kwargs: Dict = {},
    timeoutMs = 30_000,
  ): Promise<{ args: unknown[]; kwargs: Dict }> {
    return this.engine.callInternal(procedure, args, kwargs, timeoutMs);
  }

  // --- helpers ----------------------------------------------------------------------

  meta(topic: string, args: unknown[] | (() => unknown[])): void {
    this.realm.broker.meta(topic, args);
  }

  private newId(): number {
    let id = randomId();
    while (this.byId.has(id)) id = randomId();
    return id;
  }

  error(
    session: RouterSession,
    requestType: number,
    requestId: number,
    uri: string,
    message: string,
    details: Dict = {},
  ): void {
    replyError(session, requestType, requestId, uri, message, details);
  }

  authorizerFailed(
    session: RouterSession,
    requestType: number,
    requestId: number,
    e: unknown,
  ): void {
    replyAuthorizerFailed(session, requestType, requestId, e);
  }
}
