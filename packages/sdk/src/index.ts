/**
 * @cdc/sdk — typed access to the CDC center from Node and browsers: `connectCenter` gives a
 * client with one method per public procedure and one subscription per public event, made
 * from the contract (`@cdc/api`). This entry has no Node built-ins and brings no transport
 * or key: `@cdc/sdk/node` (OpenSSH keys, ssh-agent, node key files) and `@cdc/sdk/browser`
 * (WebCrypto keys in IndexedDB, the browser's WebSocket) do.
 * @module
 */
export { CenterClient, connectCenter } from './client.js';
export type {
  Center,
  CenterOptions,
  ConnectionState,
  ConnectionStatus,
  SessionInfo,
} from './client.js';
export { CdcError, isCdcError } from './errors.js';
export type {
  CenterApi,
  EventSubscriptions,
  Method,
  MethodPath,
  Methods,
  SdkOptions,
  Unsubscribe,
} from './api-types.js';
export type { RawHandler } from './subscriptions.js';
export { methodName, eventMethodName, optionName, GROUP_KEYS } from './names.js';
export type { MethodName, OptionName, EventMethodName } from './names.js';
export { CdcErrors } from '@cdc/api';
export { WampErrors, CrossbarErrors, CloseReasons } from '@cdc/protocol';
export type { ChallengeSigner } from '@cdc/client';
export type * from '@cdc/api';
