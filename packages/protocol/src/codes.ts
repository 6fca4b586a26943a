/**
 * WAMP message type codes.
 * @module
 */

/** Message type codes, [WAMP basic §Messages] and [WAMP advanced §Messages]. */
export const MessageType = {
  HELLO: 1,
  WELCOME: 2,
  ABORT: 3,
  CHALLENGE: 4,
  AUTHENTICATE: 5,
  GOODBYE: 6,
  ERROR: 8,
  PUBLISH: 16,
  PUBLISHED: 17,
  SUBSCRIBE: 32,
  SUBSCRIBED: 33,
  UNSUBSCRIBE: 34,
  UNSUBSCRIBED: 35,
  EVENT: 36,
  CALL: 48,
  CANCEL: 49,
  RESULT: 50,
  REGISTER: 64,
  REGISTERED: 65,
  UNREGISTER: 66,
  UNREGISTERED: 67,
  INVOCATION: 68,
  INTERRUPT: 69,
  YIELD: 70,
  /** Provisional acknowledged event delivery (`x_acknowledged_event_delivery`). */
  EVENT_RECEIVED: 337,
} as const;

export type MessageType = (typeof MessageType)[keyof typeof MessageType];

const NAMES = new Map<number, string>(Object.entries(MessageType).map(([k, v]) => [v, k]));

/** The message name for a code, e.g. `CALL` for 48; `#<code>` when unknown. */
export function messageName(code: number): string {
  return NAMES.get(code) ?? `#${code}`;
}

/** The request types an ERROR message may refer to. */
export const ERROR_REQUEST_TYPES: ReadonlySet<number> = new Set([
  MessageType.PUBLISH,
  MessageType.SUBSCRIBE,
  MessageType.UNSUBSCRIBE,
  MessageType.CALL,
  MessageType.CANCEL,
  MessageType.REGISTER,
  MessageType.UNREGISTER,
  MessageType.INVOCATION,
]);
