/**
 * A router worker's `crossbar.worker.<id>.*` router procedures over its RouterHost, with
 * Crossbar.io's names, arguments and result shapes, and ours: `get_router_config`, the
 * whole running router in one answer.
 * @module
 */
import { CloseReasons } from '@cdc/protocol';
import type { NativeWorkerOptions } from '@cdc/config';
import type {
  ComponentEvents,
  RealmStats,
  RouterRealmInfo,
  RouterTransportInfo,
  RouterWorkerApi,
  RouterWorkerEvents,
} from '@cdc/api';
import type { RouterHost } from '@cdc/router-host';
import type { Handlers } from '../api/procedures.js';
import type { LocalPublish } from '../api/native.js';
import { configArg } from '../api/params.js';

/** Crossbar.io's transport states. */
const STARTED = 3;
const STOPPED = 6;

export function realmObject(host: RouterHost, id: string): RouterRealmInfo {
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

function transportObject(host: RouterHost, id: string, state = STARTED): RouterTransportInfo {
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

/** Who the router worker is: its ID and the options it was started with. */
export interface RouterWorkerSelf {
  id: string;
  options: NativeWorkerOptions;
}

export function routerProcedures(
  host: RouterHost,
  self: RouterWorkerSelf,
  publish: LocalPublish<RouterWorkerEvents & ComponentEvents>,
): Handlers<RouterWorkerApi> {
  return {
    get_router_realms: () => host.getRealms().sort(),
    get_router_realm: (p) => realmObject(host, p.id('realm_id')),
    get_router_realm_by_name: (p) => {
      const name = p.string('realm_name');
      // An unknown name is crossbar.error.no_such_object, naming it.
      return realmObject(host, host.realmIdByName(name) ?? name);
    },
    get_router_realm_stats: (p) => {
      const only = p.optString('realm_id');
      const out: Record<string, RealmStats> = {};
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
    },
    start_router_realm: (p) => {
      const id = p.id('realm_id');
      host.startRealm(id, configArg(p, 'realm_config', 'realm'));
      publish('on_realm_started', [id]);
      return realmObject(host, id);
    },
    stop_router_realm: (p) => {
      const id = p.id('realm_id');
      const obj = realmObject(host, id);
      host.stopRealm(id);
      publish('on_realm_stopped', [id]);
      return obj;
    },
    get_router_realm_roles: (p) => host.getRoles(p.id('realm_id')).sort(),
    get_router_realm_role: (p) => host.getRole(p.id('realm_id'), p.id('role_id')),
    start_router_realm_role: (p) => {
      const realmId = p.id('realm_id');
      const roleId = p.id('role_id');
      host.startRole(realmId, roleId, configArg(p, 'role_config', 'role'));
      publish('on_router_realm_role_started', [realmId, roleId]);
      return host.getRole(realmId, roleId);
    },
    stop_router_realm_role: (p) => {
      const realmId = p.id('realm_id');
      const roleId = p.id('role_id');
      const obj = host.getRole(realmId, roleId);
      host.stopRole(realmId, roleId);
      publish('on_router_realm_role_stopped', [realmId, roleId]);
      return obj;
    },
    get_router_transports: () =>
      host
        .getTransports()
        .sort()
        .map((id) => transportObject(host, id)),
    get_router_transport: (p) => transportObject(host, p.id('transport_id')),
    start_router_transport: async (p) => {
      const id = p.id('transport_id');
      const config = configArg(p, 'config', 'transport');
      publish('on_router_transport_starting', [id]);
      await host.startTransport(id, config);
      const obj = transportObject(host, id);
      publish('on_router_transport_started', [id, obj]);
      return obj;
    },
    stop_router_transport: async (p) => {
      const id = p.id('transport_id');
      const obj = transportObject(host, id, STOPPED);
      publish('on_router_transport_stopping', [id]);
      await host.stopTransport(id);
      publish('on_router_transport_stopped', [id]);
      return obj;
    },
    get_web_transport_services: (p) => host.getWebServices(p.id('transport_id')),
    get_web_transport_service: (p) => host.getWebService(p.id('transport_id'), p.string('path')),
    start_web_transport_service: async (p) => {
      const id = p.id('transport_id');
      const path = p.string('path');
      publish('on_web_transport_service_starting', [id, path]);
      const r = await host.startWebService(id, path, configArg(p, 'config', 'webPath'));
      publish('on_web_transport_service_started', [id, path, r]);
      return r;
    },
    stop_web_transport_service: (p) => {
      const id = p.id('transport_id');
      const path = p.string('path');
      const r = host.getWebService(id, path);
      publish('on_web_transport_service_stopping', [id, path]);
      host.stopWebService(id, path);
      publish('on_web_transport_service_stopped', [id, path]);
      return r;
    },
    get_router_components: () => host.components.list(),
    get_router_component: (p) => host.components.get(p.id('component_id')),
    start_router_component: async (p) => {
      const id = p.id('component_id');
      publish('on_component_start', [id]);
      const info = await host.startComponent(id, configArg(p, 'config', 'component'));
      publish('on_component_ready', [id, info]);
      return info;
    },
    stop_router_component: async (p) => {
      const id = p.id('component_id');
      const info = host.components.get(id);
      await host.stopComponent(id);
      publish('on_component_stopped', [id]);
      return info;
    },
    kill_by_authid: (p) => {
      const r = host.getRealm(p.id('realm_id'));
      const authid = p.string('authid');
      const reason = p.optString('reason') ?? CloseReasons.KILLED;
      const message = p.optString('message');
      const realm = host.router.getRealm(r.name);
      const victims = [...(realm?.sessions.values() ?? [])].filter((s) => s.authid === authid);
      for (const s of victims) s.kill(reason, message);
      return victims.map((s) => s.id);
    },
    get_router_config: () => ({
      type: 'router',
      id: self.id,
      options: self.options,
      ...host.runningConfig(),
    }),
  };
}
