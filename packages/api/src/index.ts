/**
 * @cdc/api — the one contract between the center, the node, the CLI, the SDK and the web
 * UI: realms and roles, every public procedure and event, the node's management API (its
 * procedures and events, typed, with result checks), the uplink protocol, result types.
 * @module
 */
export * from './roles.js';
export { CdcErrors, ERROR_CATALOGUE } from './errors.js';
export type { CdcErrorUri } from './errors.js';
export * from './uplink.js';
export type * from './types.js';
export { NODE_STATUSES } from './types.js';
export { PROCEDURES, registeredUris, procedureByUri, auditName } from './procedures.js';
export type { ProcedureDef, RemoteTarget, ParamDef, ProcedureGroup } from './procedures.js';
export {
  argsSchema,
  kwargsSchema,
  resultSchema,
  paramSchema,
  camelCase,
  optionName,
} from './procedure-def.js';
export type { Param, Option, ProcSpec, ProcTable } from './procedure-def.js';
export { EVENTS, PUBLIC_EVENTS, WORKER_LOG_EVENT, workerLogTopic } from './events.js';
export type { EventDef } from './events.js';
export type * from './public-api.js';
export {
  managementRealmRoles,
  userRole,
  nodeRole,
  SUBSCRIBABLE_PREFIXES,
  CODE_RUNNING_PROCEDURES,
} from './permissions.js';
export type { RoleSpec, RolePermission } from './permissions.js';
export { REGISTRATION_PROCEDURES, CENTER_REALM_CREATED, globalRealmRoles } from './registration.js';
export type { UserInfo, ManagementRealmInfo } from './registration.js';
export type * from './node-types.js';
export type * from './node-api.js';
export { CONTROLLER_PROCEDURES, WORKER_PROCEDURES, workerProcedures } from './node-table.js';
export type { NodeProcedureDef, NodeTable } from './node-table.js';
export { CONTROLLER_EVENTS, WORKER_EVENTS } from './node-event-table.js';
export type { NodeEventDef } from './node-event-table.js';
export {
  LOCAL_PREFIX,
  controllerUri,
  workerPrefix,
  workerUri,
  parseLocalUri,
  nodeCall,
  forwardedCall,
  nodeProcedureDef,
} from './node-uri.js';
export type { NodeCall } from './node-uri.js';
export type { Shape, JsonSchema, SchemaOptions } from './shape.js';
export { TOKEN_LABEL_RE } from './public-shapes.js';
