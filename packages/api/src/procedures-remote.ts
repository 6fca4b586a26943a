/**
 * The table of SPEC §4.2, the remote node API, typed by `RemoteApi`: each procedure with the
 * node procedure it forwards to, whose result shape (from the node API's table) is its own.
 * @module
 */
import type {
  ControllerProcedure,
  NodeProcedure,
  NodeResult,
  WorkerProcedure,
} from './node-api.js';
import { CONTROLLER_PROCEDURES, WORKER_PROCEDURES } from './node-table.js';
import type { RemoteApi } from './public-api.js';
import { param } from './procedure-def.js';
import type { ProcTable } from './procedure-def.js';
import { dict, id, time } from './public-shapes.js';
import type { UserRole } from './roles.js';
import { bool, config, int, listOf, num, str } from './shape.js';
import type { Shape } from './shape.js';
import type {
  ComponentConfig,
  TransportConfig,
  WebPathConfig,
  WorkerRealmConfig,
  WorkerRoleConfig,
} from '@cdc/config';

/** The result shape of a node procedure (`get_workers`, `worker.get_cpu_count`). */
function nodeResult<T extends NodeProcedure>(t: T): Shape<NodeResult<T>> {
  const d = t.startsWith('worker.')
    ? WORKER_PROCEDURES[t.slice('worker.'.length) as WorkerProcedure]
    : CONTROLLER_PROCEDURES[t as ControllerProcedure];
  return d.result;
}

/** Forwarded to `target`; changes something unless a guest may call it. */
function to<T extends NodeProcedure>(target: T, role: UserRole, summary: string) {
  return { target, result: nodeResult(target), role, mutating: role !== 'cdc-guest', summary };
}

const node = param('node_id', id);
const worker = param('worker_id', id);
const realm = param('realm_id', id);
const role = param('role_id', id);
const transport = param('transport_id', id);
const component = param('component_id', id);
const path = param('path', str, 'the web service path in the transport');
const startedAt = { result: time };
const workerConfig = (what: string) => ({
  shape: dict,
  default: {},
  description: `the ${what} worker entry without type and id (options, …)`,
});
const componentConfig = config<ComponentConfig>('component', 'ComponentConfig');
const realmConfig = config<WorkerRealmConfig>('realm', 'WorkerRealmConfig');
const roleConfig = config<WorkerRoleConfig>('role', 'WorkerRoleConfig');
const transportConfig = config<TransportConfig>('transport', 'TransportConfig');
const webPathConfig = config<WebPathConfig>('webPath', 'WebPathConfig');

export const REMOTE_TABLE: ProcTable<RemoteApi> = {
  'com.crossbario.cdc.remote.get_controller_status@1': {
    params: [node],
    ...to('get_status', 'cdc-guest', 'node controller status'),
  },
  'com.crossbario.cdc.remote.shutdown_node@1': {
    params: [node],
    ...to('shutdown', 'cdc-devop', 'shut the node down'),
  },
  'com.crossbario.cdc.remote.get_node_workers@1': {
    params: [node],
    ...to('get_workers', 'cdc-guest', 'worker IDs running on the node'),
  },
  'com.crossbario.cdc.remote.get_worker_status@1': {
    params: [node, worker],
    ...to('get_worker', 'cdc-guest', 'one worker'),
  },
  'com.crossbario.cdc.remote.get_worker_log@1': {
    params: [node, worker],
    options: { limit: { shape: int(0), default: 100, description: 'how many recent lines' } },
    ...to('get_worker_log', 'cdc-guest', 'recent log lines of a worker'),
  },
  'com.crossbario.cdc.remote.start_router_worker@1': {
    params: [node, param('router_id', id)],
    options: { router_config: workerConfig('router') },
    ...to(
      'start_worker',
      'cdc-devop',
      'start a router worker with its realms, roles, transports, components',
    ),
    ...startedAt,
  },
  'com.crossbario.cdc.remote.start_container_worker@1': {
    params: [node, param('container_id', id)],
    options: { container_config: workerConfig('container') },
    ...to('start_worker', 'cdc-devop', 'start a container worker with its components'),
    ...startedAt,
  },
  'com.crossbario.cdc.remote.start_guest_worker@1': {
    params: [
      node,
      param('guest_id', id),
      param(
        'guest_config',
        dict,
        'the guest worker entry without type and id: executable, arguments, options',
      ),
    ],
    ...to('start_worker', 'cdc-admin', "start a guest worker (runs code of the caller's choosing)"),
    ...startedAt,
  },
  'com.crossbario.cdc.remote.shutdown_worker@1': {
    params: [node, worker],
    ...to('stop_worker', 'cdc-devop', 'stop a worker'),
  },
  'com.crossbario.cdc.remote.get_worker_cpu_count@1': {
    params: [node, worker],
    ...to('worker.get_cpu_count', 'cdc-guest', 'CPUs a worker can see'),
  },
  'com.crossbario.cdc.remote.get_worker_cpu_affinity@1': {
    params: [node, worker],
    ...to('worker.get_cpu_affinity', 'cdc-guest', "a worker's CPU affinity"),
  },
  'com.crossbario.cdc.remote.set_worker_cpu_affinity@1': {
    params: [node, worker, param('cpus', listOf(int(0)))],
    ...to('worker.set_cpu_affinity', 'cdc-devop', "pin a worker's CPUs"),
  },
  'com.crossbario.cdc.remote.get_worker_pythonpath@1': {
    params: [node, worker],
    ...to('worker.get_pythonpath', 'cdc-guest', 'module search paths of a worker'),
  },
  'com.crossbario.cdc.remote.add_worker_pythonpath@1': {
    params: [node, worker, param('paths', listOf(str))],
    options: {
      prepend: {
        shape: bool,
        default: true,
        description: 'in front of the others, else at the end',
      },
    },
    ...to('worker.add_pythonpath', 'cdc-admin', 'add module search paths'),
  },
  'com.crossbario.cdc.remote.get_worker_profilers@1': {
    params: [node, worker],
    ...to('worker.get_profilers', 'cdc-guest', 'profilers a worker has'),
  },
  'com.crossbario.cdc.remote.start_worker_profiler@1': {
    params: [node, worker],
    options: {
      profiler: { shape: str, default: 'v8', description: 'v8 (vmprof is its alias)' },
      runtime: { shape: num, default: 10, description: 'seconds' },
    },
    ...to('worker.start_profiler', 'cdc-devop', 'start profiling a worker'),
  },
  'com.crossbario.cdc.remote.get_worker_profile@1': {
    params: [node, worker, param('profile_id', int(0))],
    ...to('worker.get_profile', 'cdc-guest', 'a profile'),
  },
  'com.crossbario.cdc.remote.get_router_realms@1': {
    params: [node, worker],
    ...to('worker.get_router_realms', 'cdc-guest', 'realms of a router worker'),
  },
  'com.crossbario.cdc.remote.get_router_realm_status@1': {
    params: [node, worker, realm],
    ...to('worker.get_router_realm', 'cdc-guest', 'one realm'),
  },
  'com.crossbario.cdc.remote.start_router_realm@1': {
    params: [node, worker, realm, param('realm_config', realmConfig)],
    ...to('worker.start_router_realm', 'cdc-devop', 'start a realm'),
  },
  'com.crossbario.cdc.remote.stop_router_realm@1': {
    params: [node, worker, realm],
    ...to('worker.stop_router_realm', 'cdc-devop', 'stop a realm'),
  },
  'com.crossbario.cdc.remote.get_realm_roles@1': {
    params: [node, worker, realm],
    ...to('worker.get_router_realm_roles', 'cdc-guest', 'roles of a realm'),
  },
  'com.crossbario.cdc.remote.get_realm_role_status@1': {
    params: [node, worker, realm, role],
    ...to('worker.get_router_realm_role', 'cdc-guest', 'one role'),
  },
  'com.crossbario.cdc.remote.start_realm_role@1': {
    params: [node, worker, realm, role, param('role_config', roleConfig)],
    ...to('worker.start_router_realm_role', 'cdc-devop', 'start a role'),
  },
  'com.crossbario.cdc.remote.stop_realm_role@1': {
    params: [node, worker, realm, role],
    ...to('worker.stop_router_realm_role', 'cdc-devop', 'stop a role'),
  },
  'com.crossbario.cdc.remote.get_router_transports@1': {
    params: [node, worker],
    ...to('worker.get_router_transports', 'cdc-guest', 'transports of a router worker'),
  },
  'com.crossbario.cdc.remote.get_router_transport_status@1': {
    params: [node, worker, transport],
    ...to('worker.get_router_transport', 'cdc-guest', 'one transport'),
  },
  'com.crossbario.cdc.remote.start_router_transport@1': {
    params: [node, worker, transport, param('config', transportConfig)],
    ...to('worker.start_router_transport', 'cdc-devop', 'start a transport'),
  },
  'com.crossbario.cdc.remote.stop_router_transport@1': {
    params: [node, worker, transport],
    ...to('worker.stop_router_transport', 'cdc-devop', 'stop a transport'),
  },
  'com.crossbario.cdc.remote.get_web_services@1': {
    params: [node, worker, transport],
    ...to('worker.get_web_transport_services', 'cdc-guest', 'web services of a transport'),
  },
  'com.crossbario.cdc.remote.get_web_service_status@1': {
    params: [node, worker, transport, path],
    ...to('worker.get_web_transport_service', 'cdc-guest', 'one web service'),
  },
  'com.crossbario.cdc.remote.start_web_service@1': {
    params: [node, worker, transport, path, param('config', webPathConfig)],
    ...to('worker.start_web_transport_service', 'cdc-devop', 'start a web service'),
  },
  'com.crossbario.cdc.remote.stop_web_service@1': {
    params: [node, worker, transport, path],
    ...to('worker.stop_web_transport_service', 'cdc-devop', 'stop a web service'),
  },
  'com.crossbario.cdc.remote.get_router_components@1': {
    params: [node, worker],
    ...to('worker.get_router_components', 'cdc-guest', 'components of a router worker'),
  },
  'com.crossbario.cdc.remote.get_router_component_status@1': {
    params: [node, worker, component],
    ...to('worker.get_router_component', 'cdc-guest', 'one component'),
  },
  'com.crossbario.cdc.remote.start_router_component@1': {
    params: [node, worker, component, param('config', componentConfig)],
    ...to(
      'worker.start_router_component',
      'cdc-admin',
      "start a component (runs code of the caller's choosing)",
    ),
  },
  'com.crossbario.cdc.remote.stop_router_component@1': {
    params: [node, worker, component],
    ...to('worker.stop_router_component', 'cdc-devop', 'stop a component'),
  },
  'com.crossbario.cdc.remote.stop_container@1': {
    params: [node, worker],
    ...to('stop_worker', 'cdc-devop', 'stop a container worker'),
  },
  'com.crossbario.cdc.remote.get_container_components@1': {
    params: [node, worker],
    ...to('worker.get_components', 'cdc-guest', 'components of a container'),
  },
  'com.crossbario.cdc.remote.get_container_component_status@1': {
    params: [node, worker, component],
    ...to('worker.get_component', 'cdc-guest', 'one container component'),
  },
  'com.crossbario.cdc.remote.start_container_component@1': {
    params: [node, worker, component, param('config', componentConfig)],
    ...to(
      'worker.start_component',
      'cdc-admin',
      "start a container component (runs code of the caller's choosing)",
    ),
  },
  'com.crossbario.cdc.remote.stop_container_component@1': {
    params: [node, worker, component],
    ...to('worker.stop_component', 'cdc-devop', 'stop a container component'),
  },
  'com.crossbario.cdc.remote.restart_container_component@1': {
    params: [node, worker, component],
    ...to('worker.restart_component', 'cdc-devop', 'restart a container component'),
  },
};
