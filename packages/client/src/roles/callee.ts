/**
 * The callee role [WAMP basic §Remote Procedure Calls]: REGISTER/UNREGISTER, dispatch of
 * INVOCATIONs to handlers, INTERRUPT, progressive call invocations and registration
 * revocation [WAMP advanced §Registration Revocation].
 * @module
 */
import { MessageType, WampError, WampErrors } from '@cdc/protocol';
import type {
  ErrorMessage,
  Interrupt,
  Invocation as InvocationMessage,
  Registered,
  Unregistered,
} from '@cdc/protocol';
import { errorFromWire } from '../errors.js';
import type { InvocationHandler, Registration, RegisterOptions } from '../types.js';
import { baseOptions, checkPattern, checkUint, put, str } from '../validate.js';
import { deferred } from './context.js';
import type { Deferred, RoleContext } from './context.js';
import { Invocation } from './invocation.js';

const INVOKE = ['single', 'roundrobin', 'random', 'first', 'last'];
/** Bound on remembered finished progressive invocations (to drop their late chunks). */
const FINISHED_LIMIT = 1000;

class RegistrationImpl implements Registration {
  active = true;
  unregistering: Promise<void> | undefined;

  constructor(
    private readonly callee: Callee,
    readonly id: number,
    readonly procedure: string,
    readonly handler: InvocationHandler,
    readonly onRevoke: ((reason: string) => void) | undefined,
  ) {}

  unregister(): Promise<void> {
    return this.callee.unregister(this);
  }
}

interface PendingRegister extends Deferred<Registration> {
  procedure: string;
  handler: InvocationHandler;
  onRevoke: ((reason: string) => void) | undefined;
}

interface PendingUnregister extends Deferred<undefined> {
  registration: RegistrationImpl;
}

export class Callee {
  private readonly registrations = new Map<number, RegistrationImpl>();
  private readonly registering = new Map<number, PendingRegister>();
  private readonly unregistering = new Map<number, PendingUnregister>();
  private readonly invocations = new Map<number, Invocation>();
  /** Progressive invocations already answered: their late chunks are dropped. */
  private readonly finishedProgressive = new Set<number>();

  constructor(private readonly ctx: RoleContext) {}

  register(
    procedure: string,
    handler: InvocationHandler,
    options: RegisterOptions,
  ): Promise<Registration> {
    const error =
      this.ctx.closedError() ??
      checkPattern(procedure, options.match, 'procedure') ??
      (typeof handler !== 'function'
        ? WampError.of(WampErrors.INVALID_ARGUMENT, 'handler must be a function')
        : undefined) ??
      (options.invoke !== undefined && !INVOKE.includes(options.invoke)
        ? WampError.of(WampErrors.INVALID_ARGUMENT, `invalid invoke policy ${options.invoke}`)
        : undefined) ??
      checkUint(options.concurrency, 'concurrency');
    if (error !== undefined) return Promise.reject(error);

    const wire = baseOptions(options);
    put(wire, 'match', options.match !== 'exact' ? options.match : undefined);
    put(wire, 'invoke', options.invoke);
    put(wire, 'concurrency', options.concurrency);
    put(wire, 'disclose_caller', options.discloseCaller);
    put(wire, 'force_reregister', options.forceReregister);
    put(wire, 'forward_timeout', options.forwardTimeout);

    const requestId = this.ctx.nextId();
    const d = deferred<Registration>();
    this.registering.set(requestId, { ...d, procedure, handler, onRevoke: options.onRevoke });
    const sendError = this.ctx.send({
      type: MessageType.REGISTER,
      requestId,
      options: wire,
      procedure,
    });
    if (sendError !== undefined) {
      this.registering.delete(requestId);
      d.reject(sendError);
    }
    return d.promise;
  }

  unregister(reg: RegistrationImpl): Promise<void> {
    if (!reg.active) return Promise.resolve();
    if (reg.unregistering !== undefined) return reg.unregistering;
    const closed = this.ctx.closedError();
    if (closed !== undefined) return Promise.reject(closed);
    const requestId = this.ctx.nextId();
    const d = deferred<undefined>();
    this.unregistering.set(requestId, { ...d, registration: reg });
    reg.unregistering = d.promise;
    const sendError = this.ctx.send({
      type: MessageType.UNREGISTER,
      requestId,
      registration: reg.id,
    });
    if (sendError !== undefined) {
      this.unregistering.delete(requestId);
      reg.unregistering = undefined;
      d.reject(sendError);
    }
    return d.promise;
  }

  onRegistered(m: Registered): void {
    const p = this.registering.get(m.requestId);
    if (p === undefined) return this.ctx.violation(`REGISTERED for unknown request ${m.requestId}`);
    this.registering.delete(m.requestId);
    const reg = new RegistrationImpl(this, m.registration, p.procedure, p.handler, p.onRevoke);
    this.registrations.set(reg.id, reg);
    p.resolve(reg);
  }

  onUnregistered(m: Unregistered): void {
    if (m.requestId === 0) return this.revoked(m);
    const p = this.unregistering.get(m.requestId);
    if (p === undefined) {
      return this.ctx.violation(`UNREGISTERED for unknown request ${m.requestId}`);
    }
    this.unregistering.delete(m.requestId);
    this.drop(p.registration);
    p.resolve(undefined);
  }

  onError(m: ErrorMessage): void {
    const error = errorFromWire(m.error, m.args ?? [], m.kwargs ?? {});
    if (m.requestType === MessageType.REGISTER) {
      const p = this.registering.get(m.requestId);
      if (p === undefined) return this.ctx.violation(`ERROR for unknown REGISTER ${m.requestId}`);
      this.registering.delete(m.requestId);
      return p.reject(error);
    }
    const p = this.unregistering.get(m.requestId);
    if (p === undefined) return this.ctx.violation(`ERROR for unknown UNREGISTER ${m.requestId}`);
    this.unregistering.delete(m.requestId);
    p.registration.unregistering = undefined;
    // Revoked meanwhile: the registration is gone, which is what was asked for.
    if (!p.registration.active) return p.resolve(undefined);
    p.reject(error);
  }

  onInvocation(m: InvocationMessage): void {
    const running = this.invocations.get(m.requestId);
    if (running !== undefined) {
      // A continuation of a progressive call invocation, or a duplicate.
      if (running.input === undefined || running.input.closed) {
        return this.ctx.violation(`INVOCATION ${m.requestId} is already running`);
      }
      const last = m.details['progress'] !== true;
      running.input.push({ args: m.args ?? [], kwargs: m.kwargs ?? {}, last });
      return;
    }
    if (this.finishedProgressive.has(m.requestId)) {
      // A late chunk of an invocation we already answered; the final one ends the call.
      if (m.details['progress'] !== true) this.finishedProgressive.delete(m.requestId);
      return;
    }
    const reg = this.registrations.get(m.registration);
    if (reg === undefined) {
      // Unregistered (or revoked) while the INVOCATION was on its way.
      this.ctx.send({
        type: MessageType.ERROR,
        requestType: MessageType.INVOCATION,
        requestId: m.requestId,
        details: {},
        error: WampErrors.NO_SUCH_REGISTRATION,
        args: [`no registration ${m.registration}`],
      });
      return;
    }
    const inv = new Invocation(this.ctx, m, (done) => this.finished(done));
    this.invocations.set(m.requestId, inv);
    inv.run(reg.handler, reg.procedure);
  }

  onInterrupt(m: Interrupt): void {
    // Unknown: the invocation has already been answered; nothing to stop.
    this.invocations.get(m.requestId)?.interrupt(m.options['mode']);
  }

  /** The session ended: every registration is gone and running handlers are aborted. */
  close(error: () => WampError): void {
    for (const p of this.registering.values()) p.reject(error());
    for (const p of this.unregistering.values()) p.reject(error());
    this.registering.clear();
    this.unregistering.clear();
    for (const reg of this.registrations.values()) reg.active = false;
    this.registrations.clear();
    for (const inv of [...this.invocations.values()]) inv.close(error());
    this.invocations.clear();
  }

  private revoked(m: Unregistered): void {
    const details = m.details ?? {};
    const id = details['registration'];
    if (typeof id !== 'number') {
      return this.ctx.violation('UNREGISTERED revocation without Details.registration');
    }
    const reg = this.registrations.get(id);
    if (reg === undefined) return;
    this.drop(reg);
    const reason = str(details, 'reason') ?? WampErrors.UNREGISTERED;
    try {
      reg.onRevoke?.(reason);
    } catch (e) {
      this.ctx.reportError(e, 'onRevoke');
    }
  }

  private drop(reg: RegistrationImpl): void {
    reg.active = false;
    if (this.registrations.get(reg.id) === reg) this.registrations.delete(reg.id);
  }

  private finished(inv: Invocation): void {
    this.invocations.delete(inv.requestId);
    if (inv.input !== undefined && !inv.input.closed) {
      this.finishedProgressive.add(inv.requestId);
      if (this.finishedProgressive.size > FINISHED_LIMIT) {
        const oldest = this.finishedProgressive.values().next();
        if (oldest.done !== true) this.finishedProgressive.delete(oldest.value);
      }
    }
  }
}
