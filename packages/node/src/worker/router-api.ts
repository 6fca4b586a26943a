/**
 * A router worker's `crossbar.worker.<id>.*` router procedures over its RouterHost, with
 * Crossbar.io's names, arguments and result shapes.
 * @module
 */
import { CloseReasons } from '@cdc/protocol';
import type {
  WorkerRealmConfig,
  TransportConfig,
  WebPathConfig,
  ComponentConfig,
} from '@cdc/config';
import type { RoleConfig } from '@cdc/router';
import type { RouterHost } from '@cdc/router-host';
import { proc } from '../api/procedures.js';
import type { ProcedureTable } from '../api/procedures.js';
import type { LocalPublish } from '../api/native.js';

/** Crossbar.io's transport states. */
const STARTED = 3;
const STOPPED = 6;

export function realmObject(host: RouterHost, id: string): Record<string, unknown> {
  const r = host.getRealm(id);
  return {
    id,
    name: r.name,
    config: r.config,
    created: r.started,
    roles: r.roles.map((roleId) => host.getRole(id, roleId)),
    sessions: r.sessions,
    has_router: true,
    has_service_session: true,
    rlinks: [],
    interfaces: {},
  };
}

function transportObject(host: RouterHost, id: string, state = STARTED): Record<string, unknown> {
  const t = host.getTransport(id);
  return {
    id,
    type: t.type,
    config: t.config,
    created_at: t.started,
    listening_since: t.started,
    state,
    address: t.address,
    connections: t.connections,
  };
}

export function routerProcedures(host: RouterHost, publish: LocalPublish): ProcedureTable {
  return {
    get_router_realms: proc([], () => host.getRealms().sort()),
    get_router_realm: proc(['realm_id'], (p) => realmObject(host, p.id('realm_id'))),
    get_router_realm_by_name: proc(['realm_name'], (p) => {
      const name = p.string('realm_name');
      const id = host.realmIdByName(name);
      if (id === undefined) return host.getRealm(name); // throws crossbar.error.no_such_object
      return realmObject(host, id);
    }),
    get_router_realm_stats: proc(['realm_id'], (p) => {
      const only = p.optString('realm_id');
      const out: Record<string, unknown> = {};
      for (const id of only !== undefined ? [only] : host.getRealms()) {
        const r = host.getRealm(id);
        const realm = host.router.getRealm(r.name);
        out[id] = {
          name: r.name,
          sessions: r.sessions,
          roles: r.roles.length,
          registrations: realm?.dealer.byId.size ?? 0,
          subscriptions: realm?.broker.byId.size ?? 0,
        };
      }
      return out;
    }),
    start_router_realm: proc(['realm_id', 'realm_config'], (p) => {
      const id = p.id('realm_id');
      host.startRealm(id, p.dict('realm_config') as unknown as WorkerRealmConfig);
      publish('on_realm_started', [id]);
      return realmObject(host, id);
    }),
    stop_router_realm: proc(['realm_id'], (p) => {
      const id = p.id('realm_id');
      const obj = realmObject(host, id);
      host.stopRealm(id);
      publish('on_realm_stopped', [id]);
      return obj;
    }),
    get_router_realm_roles: proc(['realm_id'], (p) => host.getRoles(p.id('realm_id')).sort()),
    get_router_realm_role: proc(['realm_id', 'role_id'], (p) =>
      host.getRole(p.id('realm_id'), p.id('role_id')),
    ),
    start_router_realm_role: proc(['realm_id', 'role_id', 'role_config'], (p) => {
      const realmId = p.id('realm_id');
      const roleId = p.id('role_id');
      host.startRole(realmId, roleId, p.dict('role_config') as unknown as RoleConfig);
      publish('on_router_realm_role_started', [realmId, roleId]);
      return host.getRole(realmId, roleId);
    }),
    stop_router_realm_role: proc(['realm_id', 'role_id'], (p) => {
      const realmId = p.id('realm_id');
      const roleId = p.id('role_id');
      const obj = host.getRole(realmId, roleId);
      host.stopRole(realmId, roleId);
      publish('on_router_realm_role_stopped', [realmId, roleId]);
      return obj;
    }),
    get_router_transports: proc([], () =>
      host
        .getTransports()
        .sort()
        .map((id) => transportObject(host, id)),
    ),
    get_router_transport: proc(['transport_id'], (p) =>
      transportObject(host, p.id('transport_id')),
    ),
    start_router_transport: proc(['transport_id', 'config', 'create_paths'], async (p) => {
      const id = p.id('transport_id');
      const config = p.dict('config') as unknown as TransportConfig;
      publish('on_router_transport_starting', [id]);
      await host.startTransport(id, config);
      const obj = transportObject(host, id);
      publish('on_router_transport_started', [id, obj]);
      return obj;
    }),
    stop_router_transport: proc(['transport_id'], async (p) => {
      const id = p.id('transport_id');
      const obj = transportObject(host, id, STOPPED);
      publish('on_router_transport_stopping', [id]);
      await host.stopTransport(id);
      publish('on_router_transport_stopped', [id]);
      return obj;
    }),
    get_web_transport_services: proc(['transport_id'], (p) =>
      host.getWebServices(p.id('transport_id')),
    ),
    get_web_transport_service: proc(['transport_id', 'path'], (p) =>
      host.getWebService(p.id('transport_id'), p.string('path')),
    ),
    start_web_transport_service: proc(['transport_id', 'path', 'config'], (p) => {
      const id = p.id('transport_id');
      const path = p.string('path');
      publish('on_web_transport_service_starting', [id, path]);
      const r = host.startWebService(id, path, p.dict('config') as unknown as WebPathConfig);
      publish('on_web_transport_service_started', [id, path, r]);
      return r;
    }),
    stop_web_transport_service: proc(['transport_id', 'path'], (p) => {
      const id = p.id('transport_id');
      const path = p.string('path');
      const r = host.getWebService(id, path);
      publish('on_web_transport_service_stopping', [id, path]);
      host.stopWebService(id, path);
      publish('on_web_transport_service_stopped', [id, path]);
      return r;
    }),
    get_router_components: proc([], () => host.components.list()),
    get_router_component: proc(['component_id'], (p) => host.components.get(p.id('component_id'))),
    start_router_component: proc(['component_id', 'config'], async (p) => {
      const id = p.id('component_id');
      publish('on_component_start', [id]);
      const info = await host.startComponent(id, p.dict('config') as unknown as ComponentConfig);
      publish('on_component_ready', [id, info]);
      return info;
    }),
    stop_router_component: proc(['component_id'], async (p) => {
      const id = p.id('component_id');
      const info = host.components.get(id);
      await host.stopComponent(id);
      publish('on_component_stopped', [id]);
      return info;
    }),
    kill_by_authid: proc(['realm_id', 'authid', 'reason', 'message'], (p) => {
      const r = host.getRealm(p.id('realm_id'));
      const authid = p.string('authid');
      const reason = p.optString('reason') ?? CloseReasons.KILLED;
      const message = p.optString('message');
      const realm = host.router.getRealm(r.name);
      const victims = [...(realm?.sessions.values() ?? [])].filter((s) => s.authid === authid);
      for (const s of victims) s.kill(reason, message);
      return victims.map((s) => s.id);
    }),
  };
}
