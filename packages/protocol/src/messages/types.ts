/**
 * Typed WAMP messages. Field names follow the spec's message layouts; `args`/`kwargs` are
 * absent when the wire message had none. `payload` holds autobahn's transparent payload
 * (`enc_algo` form), raw bytes that stand in place of `Arguments|list`.
 * @module
 */
import { MessageType } from '../codes.js';
import type { Args, Kwargs } from '../errors.js';
import type { JsonPayload } from '../serializers/json-payload.js';

export type Dict = Record<string, unknown>;

/** Present on messages that can carry an application payload. */
export interface Payload {
  args?: Args | undefined;
  kwargs?: Kwargs | undefined;
  /** Transparent payload bytes (autobahn `enc_*` form) in place of args. */
  payload?: Uint8Array | undefined;
  /** Args and kwargs still as JSON text, in place of both (see `JsonPayload`). */
  json?: JsonPayload | undefined;
}

export interface Hello {
  type: typeof MessageType.HELLO;
  realm: string | null;
  details: HelloDetails;
}

export interface HelloDetails extends Dict {
  roles: Record<string, { features?: Dict } | undefined>;
  agent?: string;
  authmethods?: string[];
  authid?: string;
  authrole?: string;
  authextra?: Dict;
  resumable?: boolean;
}

export interface Welcome {
  type: typeof MessageType.WELCOME;
  session: number;
  details: Dict;
}

export interface Abort {
  type: typeof MessageType.ABORT;
  details: Dict;
  reason: string;
  args?: Args | undefined;
  kwargs?: Kwargs | undefined;
}

export interface Challenge {
  type: typeof MessageType.CHALLENGE;
  authmethod: string;
  extra: Dict;
}

export interface Authenticate {
  type: typeof MessageType.AUTHENTICATE;
  signature: string;
  extra: Dict;
}

export interface Goodbye {
  type: typeof MessageType.GOODBYE;
  details: Dict;
  reason: string;
}

export interface ErrorMessage extends Payload {
  type: typeof MessageType.ERROR;
  requestType: number;
  requestId: number;
  details: Dict;
  error: string;
}

export interface Publish extends Payload {
  type: typeof MessageType.PUBLISH;
  requestId: number;
  options: Dict;
  topic: string;
}

export interface Published {
  type: typeof MessageType.PUBLISHED;
  requestId: number;
  publication: number;
}

export interface Subscribe {
  type: typeof MessageType.SUBSCRIBE;
  requestId: number;
  options: Dict;
  topic: string;
}

export interface Subscribed {
  type: typeof MessageType.SUBSCRIBED;
  requestId: number;
  subscription: number;
}

export interface Unsubscribe {
  type: typeof MessageType.UNSUBSCRIBE;
  requestId: number;
  subscription: number;
}

export interface Unsubscribed {
  type: typeof MessageType.UNSUBSCRIBED;
  requestId: number;
  /** Present on router-initiated revocation (`requestId` 0). */
  details?: Dict | undefined;
}

export interface Event extends Payload {
  type: typeof MessageType.EVENT;
  subscription: number;
  publication: number;
  details: Dict;
}

export interface EventReceived extends Payload {
  type: typeof MessageType.EVENT_RECEIVED;
  publication: number;
  details?: Dict | undefined;
}

export interface Call extends Payload {
  type: typeof MessageType.CALL;
  requestId: number;
  options: Dict;
  procedure: string;
}

export interface Cancel {
  type: typeof MessageType.CANCEL;
  requestId: number;
  options: Dict;
}

export interface Result extends Payload {
  type: typeof MessageType.RESULT;
  requestId: number;
  details: Dict;
}

export interface Register {
  type: typeof MessageType.REGISTER;
  requestId: number;
  options: Dict;
  procedure: string;
}

export interface Registered {
  type: typeof MessageType.REGISTERED;
  requestId: number;
  registration: number;
}

export interface Unregister {
  type: typeof MessageType.UNREGISTER;
  requestId: number;
  registration: number;
}

export interface Unregistered {
  type: typeof MessageType.UNREGISTERED;
  requestId: number;
  /** Present on router-initiated revocation (`requestId` 0). */
  details?: Dict | undefined;
}

export interface Invocation extends Payload {
  type: typeof MessageType.INVOCATION;
  requestId: number;
  registration: number;
  details: Dict;
}

export interface Interrupt {
  type: typeof MessageType.INTERRUPT;
  requestId: number;
  options: Dict;
}

export interface Yield extends Payload {
  type: typeof MessageType.YIELD;
  requestId: number;
  options: Dict;
}

export type WampMessage =
  | Hello
  | Welcome
  | Abort
  | Challenge
  | Authenticate
  | Goodbye
  | ErrorMessage
  | Publish
  | Published
  | Subscribe
  | Subscribed
  | Unsubscribe
  | Unsubscribed
  | Event
  | EventReceived
  | Call
  | Cancel
  | Result
  | Register
  | Registered
  | Unregister
  | Unregistered
  | Invocation
  | Interrupt
  | Yield;

/** Narrows a message union by its `type` code. */
export type MessageOf<T extends WampMessage['type']> = Extract<WampMessage, { type: T }>;
