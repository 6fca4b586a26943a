/**
 * Progressive call invocations [WAMP advanced §Progressive Call Invocations]: the caller
 * streams its input as several CALLs under one request ID, `progress: true` on all but the
 * last. Only `progress` is read after the first CALL, so continuations carry nothing else.
 * @module
 */
import { MessageType, WampError } from '@cdc/protocol';
import type { Args, Kwargs } from '@cdc/protocol';
import { invalidArgument } from '../errors.js';
import type { CallResult } from '../result.js';
import type { Dict } from '../types.js';
import { checkPayload } from '../validate.js';
import type { Caller } from './caller.js';

export interface ChunkOptions {
  /** The final chunk: no `progress` flag; nothing can be sent after it. */
  last?: boolean | undefined;
}

/** A call whose arguments are sent in chunks; see {@link Session.callProgressive}. */
export class ProgressiveCall {
  private sent = false;
  private ended = false;

  /** @internal Made by the session. */
  constructor(
    private readonly caller: Caller,
    readonly requestId: number,
    readonly procedure: string,
    private readonly options: Dict,
    /** Settles with the final RESULT (or ERROR) of the call. */
    readonly result: Promise<CallResult>,
  ) {}

  /**
   * Send the next chunk. The first one carries the call's options.
   * @returns false when the call has already finished (the chunk is dropped).
   * @throws WampError `wamp.error.invalid_argument` for a bad payload or a chunk after the last.
   */
  send(args?: Args | null, kwargs?: Kwargs | null, { last = false }: ChunkOptions = {}): boolean {
    if (this.ended) throw invalidArgument('the last chunk has already been sent');
    const payload = checkPayload(args, kwargs);
    if (payload instanceof WampError) throw payload;
    if (!this.caller.isPending(this.requestId)) return false;
    this.ended = last;
    const first = !this.sent;
    this.sent = true;
    const options: Dict = first ? { ...this.options } : {};
    if (!last) options['progress'] = true;
    return this.caller.startCall(this.requestId, {
      type: MessageType.CALL,
      requestId: this.requestId,
      options,
      procedure: this.procedure,
      ...payload,
    });
  }
}
