/**
 * The publisher role [WAMP basic §Publish & Subscribe], with publisher exclusion and
 * identification, subscriber black/white listing and event retention options
 * [WAMP advanced §Publish & Subscribe].
 * @module
 */
import { MessageType, WampError, WampErrors } from '@cdc/protocol';
import type { ErrorMessage, Published } from '@cdc/protocol';
import { errorFromWire, invalidArgument } from '../errors.js';
import type { Publication, PublishOptions } from '../types.js';
import { baseOptions, checkPayload, checkUri, put } from '../validate.js';
import { deferred } from './context.js';
import type { Deferred, RoleContext } from './context.js';

const isIdList = (v: unknown): boolean =>
  Array.isArray(v) && v.every((e) => typeof e === 'number' && Number.isInteger(e) && e > 0);
const isStringList = (v: unknown): boolean =>
  Array.isArray(v) && v.every((e) => typeof e === 'string');

export class Publisher {
  private readonly acks = new Map<number, Deferred<Publication>>();

  constructor(private readonly ctx: RoleContext) {}

  publish(
    topic: string,
    args: unknown,
    kwargs: unknown,
    options: PublishOptions,
  ): Promise<Publication | undefined> {
    const payload = checkPayload(args, kwargs, options);
    if (payload instanceof WampError) return Promise.reject(payload);
    const error =
      this.ctx.closedError() ??
      checkUri(topic, 'topic') ??
      this.checkLists(options) ??
      (options.pptScheme !== undefined && !this.ctx.routerHas('broker', 'payload_passthru_mode')
        ? WampError.of(WampErrors.FEATURE_NOT_SUPPORTED, 'the broker has no payload passthru mode')
        : undefined);
    if (error !== undefined) return Promise.reject(error);

    const wire = baseOptions(options);
    put(wire, 'acknowledge', options.acknowledge);
    put(wire, 'exclude_me', options.excludeMe);
    put(wire, 'exclude', options.exclude);
    put(wire, 'eligible', options.eligible);
    put(wire, 'exclude_authid', options.excludeAuthid);
    put(wire, 'exclude_authrole', options.excludeAuthrole);
    put(wire, 'eligible_authid', options.eligibleAuthid);
    put(wire, 'eligible_authrole', options.eligibleAuthrole);
    put(wire, 'retain', options.retain);
    put(wire, 'disclose_me', options.discloseMe);

    const requestId = this.ctx.nextId();
    const ack = options.acknowledge === true ? deferred<Publication>() : undefined;
    if (ack !== undefined) this.acks.set(requestId, ack);
    const sendError = this.ctx.send({
      type: MessageType.PUBLISH,
      requestId,
      options: wire,
      topic,
      ...payload,
    });
    if (sendError !== undefined) {
      this.acks.delete(requestId);
      return Promise.reject(sendError);
    }
    return ack?.promise ?? Promise.resolve(undefined);
  }

  onPublished(m: Published): void {
    const ack = this.acks.get(m.requestId);
    if (ack === undefined)
      return this.ctx.violation(`PUBLISHED for unknown request ${m.requestId}`);
    this.acks.delete(m.requestId);
    ack.resolve({ id: m.publication });
  }

  onError(m: ErrorMessage): void {
    const ack = this.acks.get(m.requestId);
    if (ack === undefined) {
      // Routers should not answer unacknowledged publications; some do. Not worth a crash.
      this.ctx.reportError(errorFromWire(m.error, m.args ?? [], m.kwargs ?? {}), 'publish');
      return;
    }
    this.acks.delete(m.requestId);
    ack.reject(errorFromWire(m.error, m.args ?? [], m.kwargs ?? {}));
  }

  close(error: () => WampError): void {
    for (const ack of this.acks.values()) ack.reject(error());
    this.acks.clear();
  }

  private checkLists(o: PublishOptions): WampError | undefined {
    for (const key of ['exclude', 'eligible'] as const) {
      if (o[key] !== undefined && !isIdList(o[key])) {
        return invalidArgument(`${key} must be a list of session IDs`);
      }
    }
    for (const key of [
      'excludeAuthid',
      'excludeAuthrole',
      'eligibleAuthid',
      'eligibleAuthrole',
    ] as const) {
      if (o[key] !== undefined && !isStringList(o[key])) {
        return invalidArgument(`${key} must be a list of strings`);
      }
    }
    return undefined;
  }
}
