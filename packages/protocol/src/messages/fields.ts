/**
 * Type checks for the known keys of Options and Details dictionaries. Unknown keys are
 * ignored, as the spec asks; a known key with the wrong type is a protocol violation that
 * names the key.
 * @module
 */
import { ProtocolError } from '../errors.js';

/** Largest WAMP ID, 2^53. */
export const MAX_ID = 2 ** 53;

type Check = (v: unknown) => boolean;

export const isDict = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

export const isId = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_ID;

const isBool: Check = (v) => typeof v === 'boolean';
const isString: Check = (v) => typeof v === 'string';
const isUint: Check = (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const listOf =
  (c: Check): Check =>
  (v) =>
    Array.isArray(v) && v.every(c);
const oneOf =
  (...values: string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v);

const isForwardFor: Check = listOf(
  (e) =>
    isDict(e) &&
    (e['session'] === undefined || isId(e['session'])) &&
    (e['authid'] === undefined || isString(e['authid'])) &&
    (e['authrole'] === undefined || isString(e['authrole'])),
);

/** autobahn's transparent payload algorithms, plus custom `x_…`. */
const isEncAlgo: Check = (v) =>
  typeof v === 'string' && (['cryptobox', 'mqtt', 'xbr'].includes(v) || /^x_[a-z0-9_]*$/.test(v));
const isEncSerializer = oneOf('json', 'msgpack', 'cbor', 'ubjson', 'flatbuffers');

const PASSTHRU: Record<string, Check> = {
  enc_algo: isEncAlgo,
  enc_key: isString,
  enc_serializer: isEncSerializer,
  ppt_scheme: isString,
  ppt_serializer: isString,
  ppt_cipher: isString,
  ppt_keyid: isString,
  forward_for: isForwardFor,
};

export type Schema = Readonly<Record<string, Check>>;

export const MATCH_POLICIES = ['exact', 'prefix', 'wildcard'] as const;
export const INVOKE_POLICIES = ['single', 'roundrobin', 'random', 'first', 'last'] as const;
export const CANCEL_MODES = ['skip', 'kill', 'killnowait'] as const;

export const HELLO_DETAILS: Schema = {
  agent: isString,
  authmethods: listOf(isString),
  authid: isString,
  authrole: isString,
  authextra: isDict,
  resumable: isBool,
};

export const WELCOME_DETAILS: Schema = {
  realm: isString,
  authid: isString,
  authrole: isString,
  authmethod: isString,
  authprovider: isString,
  authextra: isDict,
  agent: isString,
};

export const PUBLISH_OPTIONS: Schema = {
  ...PASSTHRU,
  acknowledge: isBool,
  exclude_me: isBool,
  exclude: listOf(isId),
  exclude_authid: listOf(isString),
  exclude_authrole: listOf(isString),
  eligible: listOf(isId),
  eligible_authid: listOf(isString),
  eligible_authrole: listOf(isString),
  retain: isBool,
  disclose_me: isBool,
  transaction_hash: isString,
  x_acknowledged_delivery: isBool,
};

export const SUBSCRIBE_OPTIONS: Schema = {
  match: oneOf(...MATCH_POLICIES),
  get_retained: isBool,
  forward_for: isForwardFor,
};

export const EVENT_DETAILS: Schema = {
  ...PASSTHRU,
  publisher: isId,
  publisher_authid: isString,
  publisher_authrole: isString,
  topic: isString,
  retained: isBool,
  transaction_hash: isString,
  x_acknowledged_delivery: isBool,
  trustlevel: isUint,
};

export const CALL_OPTIONS: Schema = {
  ...PASSTHRU,
  timeout: isUint,
  receive_progress: isBool,
  progress: isBool,
  disclose_me: isBool,
  transaction_hash: isString,
};

export const CANCEL_OPTIONS: Schema = { mode: oneOf(...CANCEL_MODES) };

export const RESULT_DETAILS: Schema = {
  ...PASSTHRU,
  progress: isBool,
  callee: isId,
  callee_authid: isString,
  callee_authrole: isString,
};

export const REGISTER_OPTIONS: Schema = {
  match: oneOf(...MATCH_POLICIES),
  invoke: oneOf(...INVOKE_POLICIES),
  concurrency: isUint,
  force_reregister: isBool,
  disclose_caller: isBool,
  forward_timeout: isBool,
  forward_for: isForwardFor,
};

export const INVOCATION_DETAILS: Schema = {
  ...PASSTHRU,
  caller: isId,
  caller_authid: isString,
  caller_authrole: isString,
  procedure: isString,
  receive_progress: isBool,
  progress: isBool,
  timeout: isUint,
  trustlevel: isUint,
};

export const INTERRUPT_OPTIONS: Schema = { mode: oneOf(...CANCEL_MODES), reason: isString };

export const YIELD_OPTIONS: Schema = { ...PASSTHRU, progress: isBool };

export const ERROR_DETAILS: Schema = { ...PASSTHRU };

export const GOODBYE_DETAILS: Schema = { message: isString };

/** Checks the known keys of `dict` against `schema`; throws naming the first bad key. */
export function checkDict(
  dict: unknown,
  schema: Schema,
  where: string,
): asserts dict is Record<string, unknown> {
  if (!isDict(dict)) throw new ProtocolError(`${where} must be a dict`);
  for (const key in dict) {
    const check = schema[key];
    const value = dict[key];
    // msgpack and cbor can carry `undefined` (wampy sends `{match: undefined}`): absent.
    if (check !== undefined && value !== undefined && !check(value)) {
      throw new ProtocolError(`${where}.${key} has an invalid value: ${describe(value)}`);
    }
  }
}

/** A short description of a value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Uint8Array) return `bytes[${v.length}]`;
  if (Array.isArray(v)) return `list[${v.length}]`;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (typeof v === 'object') return 'dict';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') {
    return `${typeof v} ${v.toString()}`;
  }
  return typeof v;
}
