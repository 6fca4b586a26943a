/**
 * @cdc/router-host — a router with realms, roles, transports, web services and
 * components from Crossbar.io config, each startable and stoppable live.
 * @module
 */
export { RouterHost } from './host.js';
export type { RouterHostOptions, TransportInfo } from './host.js';
export { ComponentRunner, connectClient } from './components.js';
export type { ComponentContext, ComponentInfo, ComponentMain } from './components.js';
export { startTransport, webSocketOptions, rawSocketOptions, ANY_PATH } from './transports.js';
export { WebTree } from './web/tree.js';
export type { WebService } from './web/types.js';
