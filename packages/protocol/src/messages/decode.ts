/**
 * Wire array → typed message, with validation that says exactly what is wrong. Every
 * failure is a {@link ProtocolError}; the router answers it with ABORT
 * `wamp.error.protocol_violation` and the error's message.
 * @module
 */
import { ERROR_REQUEST_TYPES, MessageType, messageName } from '../codes.js';
import { ProtocolError } from '../errors.js';
import { JsonPayload } from '../serializers/json-payload.js';
import * as F from './fields.js';
import type { Dict, Payload, WampMessage } from './types.js';

type Decoder = (m: unknown[], name: string) => WampMessage;

function id(m: unknown[], i: number, name: string, field: string): number {
  const v = m[i];
  if (!F.isId(v)) throw new ProtocolError(`${name}.${field} must be an ID, got ${F.describe(v)}`);
  return v;
}

function str(m: unknown[], i: number, name: string, field: string): string {
  const v = m[i];
  if (typeof v !== 'string') {
    throw new ProtocolError(`${name}.${field} must be a string, got ${F.describe(v)}`);
  }
  return v;
}

function uri(m: unknown[], i: number, name: string, field: string): string {
  const v = str(m, i, name, field);
  if (v.length === 0) throw new ProtocolError(`${name}.${field} must not be empty`);
  return v;
}

function dict(m: unknown[], i: number, name: string, field: string, schema: F.Schema): Dict {
  const v = m[i];
  F.checkDict(v, schema, `${name}.${field}`);
  return v;
}

function length(m: unknown[], name: string, min: number, max: number): void {
  if (m.length < min || m.length > max) {
    const want = min === max ? `${min}` : `${min} to ${max}`;
    throw new ProtocolError(`${name} must have ${want} elements, got ${m.length}`);
  }
}

/**
 * Reads `(Arguments|list | payload bytes, ArgumentsKw|dict)` starting at index `i` into
 * `out` (the message being built: no intermediate object to spread, which showed in
 * router and client profiles).
 */
function payload<T extends object>(
  out: T,
  m: unknown[],
  i: number,
  name: string,
  meta: Dict,
): T & Payload {
  const p = out as T & Payload;
  if (m.length <= i) return p;
  const a = m[i];
  if (a instanceof JsonPayload) {
    // Made only by our own IPC transport from text it serialized itself (see there).
    if (m.length > i + 1) throw new ProtocolError(`${name} has elements after its JSON payload`);
    p.json = a;
    return p;
  }
  if (a instanceof Uint8Array) {
    if (typeof meta['enc_algo'] !== 'string') {
      throw new ProtocolError(`${name} carries a binary payload without enc_algo`);
    }
    if (m.length > i + 1) throw new ProtocolError(`${name} with enc_algo payload takes no kwargs`);
    p.payload = a;
    return p;
  }
  if (!Array.isArray(a)) {
    throw new ProtocolError(`${name}.Arguments must be a list, got ${F.describe(a)}`);
  }
  p.args = a;
  if (m.length > i + 1) {
    const kw = m[i + 1];
    if (!F.isDict(kw)) {
      throw new ProtocolError(`${name}.ArgumentsKw must be a dict, got ${F.describe(kw)}`);
    }
    p.kwargs = kw;
  }
  return p;
}

const DECODERS: Record<number, Decoder> = {
  [MessageType.HELLO]: (m, n) => {
    length(m, n, 3, 3);
    // Crossbar.io edge nodes send realm null and let the router assign one.
    const realm = m[1] === null ? null : uri(m, 1, n, 'Realm');
    const details = dict(m, 2, n, 'Details', F.HELLO_DETAILS);
    const roles = details['roles'];
    if (!F.isDict(roles) || Object.keys(roles).length === 0) {
      throw new ProtocolError('HELLO.Details.roles must be a non-empty dict');
    }
    for (const [role, v] of Object.entries(roles)) {
      if (!['publisher', 'subscriber', 'caller', 'callee'].includes(role)) {
        throw new ProtocolError(`HELLO.Details.roles has an unknown role "${role}"`);
      }
      if (!F.isDict(v)) throw new ProtocolError(`HELLO.Details.roles.${role} must be a dict`);
    }
    return { type: MessageType.HELLO, realm, details: details as never };
  },
  [MessageType.WELCOME]: (m, n) => {
    length(m, n, 3, 3);
    const session = id(m, 1, n, 'Session');
    const details = dict(m, 2, n, 'Details', F.WELCOME_DETAILS);
    if (!F.isDict(details['roles']))
      throw new ProtocolError('WELCOME.Details.roles must be a dict');
    return { type: MessageType.WELCOME, session, details };
  },
  [MessageType.ABORT]: (m, n) => {
    length(m, n, 3, 5);
    const details = dict(m, 1, n, 'Details', F.GOODBYE_DETAILS);
    return payload(
      {
        type: MessageType.ABORT,
        details,
        reason: uri(m, 2, n, 'Reason'),
      },
      m,
      3,
      n,
      {},
    );
  },
  [MessageType.CHALLENGE]: (m, n) => {
    length(m, n, 3, 3);
    return {
      type: MessageType.CHALLENGE,
      authmethod: str(m, 1, n, 'AuthMethod'),
      extra: dict(m, 2, n, 'Extra', {}),
    };
  },
  [MessageType.AUTHENTICATE]: (m, n) => {
    length(m, n, 3, 3);
    return {
      type: MessageType.AUTHENTICATE,
      signature: str(m, 1, n, 'Signature'),
      extra: dict(m, 2, n, 'Extra', {}),
    };
  },
  [MessageType.GOODBYE]: (m, n) => {
    length(m, n, 3, 3);
    const details = dict(m, 1, n, 'Details', F.GOODBYE_DETAILS);
    return { type: MessageType.GOODBYE, details, reason: uri(m, 2, n, 'Reason') };
  },
  [MessageType.ERROR]: (m, n) => {
    length(m, n, 5, 7);
    const requestType = m[1];
    if (typeof requestType !== 'number' || !ERROR_REQUEST_TYPES.has(requestType)) {
      throw new ProtocolError(
        `ERROR.REQUEST.Type ${F.describe(requestType)} is not a request type`,
      );
    }
    const requestId = id(m, 2, n, 'Request');
    const details = dict(m, 3, n, 'Details', F.ERROR_DETAILS);
    const error = uri(m, 4, n, 'Error');
    return payload(
      {
        type: MessageType.ERROR,
        requestType,
        requestId,
        details,
        error,
      },
      m,
      5,
      n,
      details,
    );
  },
  [MessageType.PUBLISH]: (m, n) => {
    length(m, n, 4, 6);
    const requestId = id(m, 1, n, 'Request');
    const options = dict(m, 2, n, 'Options', F.PUBLISH_OPTIONS);
    const topic = uri(m, 3, n, 'Topic');
    return payload({ type: MessageType.PUBLISH, requestId, options, topic }, m, 4, n, options);
  },
  [MessageType.PUBLISHED]: (m, n) => {
    length(m, n, 3, 3);
    return {
      type: MessageType.PUBLISHED,
      requestId: id(m, 1, n, 'Request'),
      publication: id(m, 2, n, 'Publication'),
    };
  },
  [MessageType.SUBSCRIBE]: (m, n) => {
    length(m, n, 4, 4);
    const requestId = id(m, 1, n, 'Request');
    const options = dict(m, 2, n, 'Options', F.SUBSCRIBE_OPTIONS);
    return { type: MessageType.SUBSCRIBE, requestId, options, topic: str(m, 3, n, 'Topic') };
  },
  [MessageType.SUBSCRIBED]: (m, n) => {
    length(m, n, 3, 3);
    return {
      type: MessageType.SUBSCRIBED,
      requestId: id(m, 1, n, 'Request'),
      subscription: id(m, 2, n, 'Subscription'),
    };
  },
  [MessageType.UNSUBSCRIBE]: (m, n) => {
    length(m, n, 3, 3);
    return {
      type: MessageType.UNSUBSCRIBE,
      requestId: id(m, 1, n, 'Request'),
      subscription: id(m, 2, n, 'Subscription'),
    };
  },
  [MessageType.UNSUBSCRIBED]: (m, n) => {
    length(m, n, 2, 3);
    const requestId = id(m, 1, n, 'Request');
    return m.length === 3
      ? { type: MessageType.UNSUBSCRIBED, requestId, details: dict(m, 2, n, 'Details', {}) }
      : { type: MessageType.UNSUBSCRIBED, requestId };
  },
  [MessageType.EVENT]: (m, n) => {
    length(m, n, 4, 6);
    const subscription = id(m, 1, n, 'Subscription');
    const publication = id(m, 2, n, 'Publication');
    const details = dict(m, 3, n, 'Details', F.EVENT_DETAILS);
    return payload(
      {
        type: MessageType.EVENT,
        subscription,
        publication,
        details,
      },
      m,
      4,
      n,
      details,
    );
  },
  [MessageType.EVENT_RECEIVED]: (m, n) => {
    length(m, n, 2, 5);
    const publication = id(m, 1, n, 'Publication');
    if (m.length === 2) return { type: MessageType.EVENT_RECEIVED, publication };
    const details = dict(m, 2, n, 'Details', {});
    return payload({ type: MessageType.EVENT_RECEIVED, publication, details }, m, 3, n, details);
  },
  [MessageType.CALL]: (m, n) => {
    length(m, n, 4, 6);
    const requestId = id(m, 1, n, 'Request');
    const options = dict(m, 2, n, 'Options', F.CALL_OPTIONS);
    const procedure = uri(m, 3, n, 'Procedure');
    return payload({ type: MessageType.CALL, requestId, options, procedure }, m, 4, n, options);
  },
  [MessageType.CANCEL]: (m, n) => {
    length(m, n, 3, 3);
    return {
      type: MessageType.CANCEL,
      requestId: id(m, 1, n, 'Request'),
      options: dict(m, 2, n, 'Options', F.CANCEL_OPTIONS),
    };
  },
  [MessageType.RESULT]: (m, n) => {
    length(m, n, 3, 5);
    const requestId = id(m, 1, n, 'Request');
    const details = dict(m, 2, n, 'Details', F.RESULT_DETAILS);
    return payload({ type: MessageType.RESULT, requestId, details }, m, 3, n, details);
  },
  [MessageType.REGISTER]: (m, n) => {
    length(m, n, 4, 4);
    const requestId = id(m, 1, n, 'Request');
    const options = dict(m, 2, n, 'Options', F.REGISTER_OPTIONS);
    return { type: MessageType.REGISTER, requestId, options, procedure: str(m, 3, n, 'Procedure') };
  },
  [MessageType.REGISTERED]: (m, n) => {
    length(m, n, 3, 3);
    return {
      type: MessageType.REGISTERED,
      requestId: id(m, 1, n, 'Request'),
      registration: id(m, 2, n, 'Registration'),
    };
  },
  [MessageType.UNREGISTER]: (m, n) => {
    length(m, n, 3, 3);
    return {
      type: MessageType.UNREGISTER,
      requestId: id(m, 1, n, 'Request'),
      registration: id(m, 2, n, 'Registration'),
    };
  },
  [MessageType.UNREGISTERED]: (m, n) => {
    length(m, n, 2, 3);
    const requestId = id(m, 1, n, 'Request');
    return m.length === 3
      ? { type: MessageType.UNREGISTERED, requestId, details: dict(m, 2, n, 'Details', {}) }
      : { type: MessageType.UNREGISTERED, requestId };
  },
  [MessageType.INVOCATION]: (m, n) => {
    length(m, n, 4, 6);
    const requestId = id(m, 1, n, 'Request');
    const registration = id(m, 2, n, 'Registration');
    const details = dict(m, 3, n, 'Details', F.INVOCATION_DETAILS);
    return payload(
      {
        type: MessageType.INVOCATION,
        requestId,
        registration,
        details,
      },
      m,
      4,
      n,
      details,
    );
  },
  [MessageType.INTERRUPT]: (m, n) => {
    length(m, n, 3, 3);
    return {
      type: MessageType.INTERRUPT,
      requestId: id(m, 1, n, 'Request'),
      options: dict(m, 2, n, 'Options', F.INTERRUPT_OPTIONS),
    };
  },
  [MessageType.YIELD]: (m, n) => {
    length(m, n, 3, 5);
    const requestId = id(m, 1, n, 'Request');
    const options = dict(m, 2, n, 'Options', F.YIELD_OPTIONS);
    return payload({ type: MessageType.YIELD, requestId, options }, m, 3, n, options);
  },
};

/**
 * Validate a deserialized value and return the typed message.
 * @throws ProtocolError naming the message, the field and what is wrong.
 */
export function decodeMessage(raw: unknown): WampMessage {
  if (!Array.isArray(raw))
    throw new ProtocolError(`a message must be a list, got ${F.describe(raw)}`);
  if (raw.length === 0) throw new ProtocolError('a message must not be an empty list');
  const code: unknown = raw[0];
  if (typeof code !== 'number' || !Number.isInteger(code)) {
    throw new ProtocolError(`message type must be an integer, got ${F.describe(code)}`);
  }
  const decoder = DECODERS[code];
  if (decoder === undefined) throw new ProtocolError(`unknown message type ${code}`);
  return decoder(raw, messageName(code));
}
