/**
 * The center's own error URIs (SPEC §4.6), and the one catalogue of every URI CDC raises:
 * these with the protocol's and the node's (`@cdc/protocol`). `docs/errors.md` is generated
 * from {@link ERROR_CATALOGUE}; a test keeps both in step.
 * @module
 */
import { WAMP_ERROR_CATALOGUE } from '@cdc/protocol';

/** The center's own errors (SPEC §4.6). */
export const CdcErrors = {
  NODE_OFFLINE: 'com.crossbario.cdc.error.node_offline',
  NODE_UNPAIRED: 'com.crossbario.cdc.error.node_unpaired',
  NO_SUCH_NODE: 'com.crossbario.cdc.error.no_such_node',
  NO_SUCH_REALM: 'com.crossbario.cdc.error.no_such_realm',
  NO_SUCH_ROUTER: 'com.crossbario.cdc.error.no_such_router',
  NO_SUCH_WORKER: 'com.crossbario.cdc.error.no_such_worker',
  INVALID_CONFIG: 'com.crossbario.cdc.error.invalid_config',
  ROUTER_RUNNING: 'com.crossbario.cdc.error.router_running',
  RESTART_REQUIRED: 'com.crossbario.cdc.error.restart_required',
  ALREADY_EXISTS: 'com.crossbario.cdc.error.already_exists',
  INVALID_PIN: 'com.crossbario.cdc.error.invalid_pin',
  REGISTRATION_EXPIRED: 'com.crossbario.cdc.error.registration_expired',
  TOO_MANY_ATTEMPTS: 'com.crossbario.cdc.error.too_many_attempts',
  NAME_TAKEN: 'com.crossbario.cdc.error.name_taken',
  REALM_TAKEN: 'com.crossbario.cdc.error.realm_taken',
  INVALID_NAME: 'com.crossbario.cdc.error.invalid_name',
  UNKNOWN_KEY: 'com.crossbario.cdc.error.unknown_key',
  RATE_LIMITED: 'com.crossbario.cdc.error.rate_limited',
  NO_SUCH_REGISTRATION: 'com.crossbario.cdc.error.no_such_registration',
  MAIL_FAILED: 'com.crossbario.cdc.error.mail_failed',
  KEY_IN_USE: 'com.crossbario.cdc.error.key_in_use',
  LAST_OWNER: 'com.crossbario.cdc.error.last_owner',
  DATABASE_UNAVAILABLE: 'com.crossbario.cdc.error.database_unavailable',
  BACKEND_UNAVAILABLE: 'com.crossbario.cdc.error.backend_unavailable',
  BAD_NODE_ANSWER: 'com.crossbario.cdc.error.bad_node_answer',
  CENTER_UNREACHABLE: 'com.crossbario.cdc.error.center_unreachable',
  NO_SUCH_TOKEN: 'com.crossbario.cdc.error.no_such_token',
  REALM_MOVED: 'com.crossbario.cdc.error.realm_moved',
} as const;

export type CdcErrorUri = (typeof CdcErrors)[keyof typeof CdcErrors];

const CDC_ERROR_MEANINGS: Readonly<Record<CdcErrorUri, string>> = {
  [CdcErrors.NODE_OFFLINE]:
    'The node is not connected to the center (or dropped while the call was in flight).',
  [CdcErrors.NODE_UNPAIRED]: 'The node key is not paired with any management realm; pair it first.',
  [CdcErrors.NO_SUCH_NODE]: 'No node with that ID in this management realm.',
  [CdcErrors.NO_SUCH_REALM]: 'No management realm with that name.',
  [CdcErrors.NO_SUCH_ROUTER]: 'No router with that ID is configured for the node.',
  [CdcErrors.NO_SUCH_WORKER]: 'No worker with that ID is configured for the node.',
  [CdcErrors.INVALID_CONFIG]:
    'A configuration failed validation; the message names the path of the bad field.',
  [CdcErrors.ROUTER_RUNNING]: 'The router runs; stop it first.',
  [CdcErrors.RESTART_REQUIRED]: 'The change needs a restart of the router, which was not allowed.',
  [CdcErrors.ALREADY_EXISTS]: 'An object with that ID or name exists already.',
  [CdcErrors.INVALID_PIN]: 'The PIN does not match the registration, or was used already.',
  [CdcErrors.REGISTRATION_EXPIRED]: 'The registration is older than 15 minutes.',
  [CdcErrors.TOO_MANY_ATTEMPTS]: 'The registration took too many wrong PINs.',
  [CdcErrors.NAME_TAKEN]: 'The user name is taken.',
  [CdcErrors.REALM_TAKEN]: 'The management realm name is taken.',
  [CdcErrors.INVALID_NAME]: 'A user or realm name breaks the naming rules.',
  [CdcErrors.UNKNOWN_KEY]: 'The public key is not known to the center.',
  [CdcErrors.RATE_LIMITED]:
    'Too many registrations or mails for this key, email address or source address; the message and `retry_after` (s) say when to try again.',
  [CdcErrors.NO_SUCH_REGISTRATION]:
    'No registration with that ID (of that kind) is pending for the calling key or user.',
  [CdcErrors.MAIL_FAILED]:
    'The mail with the PIN could not be delivered (the reason is in the message); nothing was left pending.',
  [CdcErrors.KEY_IN_USE]:
    "The key is in use: paired as a node (with another management realm, or here), or a user's or API client's key where a node key is needed.",
  [CdcErrors.LAST_OWNER]: "The realm's last owner key cannot be revoked or given a lesser role.",
  [CdcErrors.DATABASE_UNAVAILABLE]:
    'The database cannot be reached or written; nothing was changed.',
  [CdcErrors.BACKEND_UNAVAILABLE]: 'The management realm backend is restarting; try again shortly.',
  [CdcErrors.BAD_NODE_ANSWER]:
    'A node answered a procedure unlike the node API contract; the message names the node, the procedure and what was wrong.',
  [CdcErrors.CENTER_UNREACHABLE]:
    'The SDK has no connection to the center: none of its URLs could be reached, or it is reconnecting. Raised by the SDK, never sent by the center.',
  [CdcErrors.NO_SUCH_TOKEN]:
    'No API token with that ID in this management realm (or it was revoked).',
  [CdcErrors.REALM_MOVED]:
    'Cluster mode: the realm passed to another center instance while this one served it; nothing was written. Reconnect and try again.',
};

/** Every catalogued URI with a one-line meaning; the source of `docs/errors.md`. */
export const ERROR_CATALOGUE: Readonly<Record<string, string>> = {
  ...WAMP_ERROR_CATALOGUE,
  ...CDC_ERROR_MEANINGS,
};
