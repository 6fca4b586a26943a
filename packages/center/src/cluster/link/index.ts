/**
 * The internal link between center instances (cluster mode, SPEC §9): forwarding sessions
 * accepted by one instance to the instance that owns their realm.
 * @module
 */
export { ClusterLink } from './cluster-link.js';
export type { ClusterLinkOptions, ClusterLinkStats } from './cluster-link.js';
