/**
 * Typed message → wire array. Trailing empty payload is left out, as the spec asks:
 * `[]` args are only sent when kwargs follow.
 * @module
 */
import { MessageType } from '../codes.js';
import type { Payload, WampMessage } from './types.js';

/** Whether a dict has any key (without building the key list). */
function hasKeys(d: object): boolean {
  for (const _ in d) return true;
  return false;
}

function withPayload(head: unknown[], m: Payload): unknown[] {
  const raw = m.payload ?? m.json;
  if (raw !== undefined) {
    head.push(raw);
    return head;
  }
  if (m.kwargs !== undefined && hasKeys(m.kwargs)) {
    head.push(m.args ?? [], m.kwargs);
  } else if (m.args !== undefined && m.args.length > 0) {
    head.push(m.args);
  }
  return head;
}

/** Encode a typed message into the array that serializers write. */
export function encodeMessage(m: WampMessage): unknown[] {
  switch (m.type) {
    case MessageType.HELLO:
      return [m.type, m.realm, m.details];
    case MessageType.WELCOME:
      return [m.type, m.session, m.details];
    case MessageType.ABORT:
      return withPayload([m.type, m.details, m.reason], m);
    case MessageType.CHALLENGE:
      return [m.type, m.authmethod, m.extra];
    case MessageType.AUTHENTICATE:
      return [m.type, m.signature, m.extra];
    case MessageType.GOODBYE:
      return [m.type, m.details, m.reason];
    case MessageType.ERROR:
      return withPayload([m.type, m.requestType, m.requestId, m.details, m.error], m);
    case MessageType.PUBLISH:
      return withPayload([m.type, m.requestId, m.options, m.topic], m);
    case MessageType.PUBLISHED:
      return [m.type, m.requestId, m.publication];
    case MessageType.SUBSCRIBE:
      return [m.type, m.requestId, m.options, m.topic];
    case MessageType.SUBSCRIBED:
      return [m.type, m.requestId, m.subscription];
    case MessageType.UNSUBSCRIBE:
      return [m.type, m.requestId, m.subscription];
    case MessageType.UNSUBSCRIBED:
      return m.details !== undefined ? [m.type, m.requestId, m.details] : [m.type, m.requestId];
    case MessageType.EVENT:
      return withPayload([m.type, m.subscription, m.publication, m.details], m);
    case MessageType.EVENT_RECEIVED: {
      const head: unknown[] = [m.type, m.publication];
      if (m.details !== undefined || m.args !== undefined || m.kwargs !== undefined) {
        head.push(m.details ?? {});
      }
      return withPayload(head, m);
    }
    case MessageType.CALL:
      return withPayload([m.type, m.requestId, m.options, m.procedure], m);
    case MessageType.CANCEL:
      return [m.type, m.requestId, m.options];
    case MessageType.RESULT:
      return withPayload([m.type, m.requestId, m.details], m);
    case MessageType.REGISTER:
      return [m.type, m.requestId, m.options, m.procedure];
    case MessageType.REGISTERED:
      return [m.type, m.requestId, m.registration];
    case MessageType.UNREGISTER:
      return [m.type, m.requestId, m.registration];
    case MessageType.UNREGISTERED:
      return m.details !== undefined ? [m.type, m.requestId, m.details] : [m.type, m.requestId];
    case MessageType.INVOCATION:
      return withPayload([m.type, m.requestId, m.registration, m.details], m);
    case MessageType.INTERRUPT:
      return [m.type, m.requestId, m.options];
    case MessageType.YIELD:
      return withPayload([m.type, m.requestId, m.options], m);
  }
}
