/**
 * Config types in Crossbar.io's node config format (version 2).
 * @module
 */
import type { AuthConfig, RealmConfig, RoleConfig } from '@cdc/router';

export interface TlsConfig {
  key: string;
  certificate: string;
  ca_certificates?: string[];
  dhparam?: string;
  ciphers?: string;
}

export type EndpointConfig =
  | {
      type: 'tcp';
      port: number;
      interface?: string;
      version?: 4 | 6;
      backlog?: number;
      shared?: boolean;
      tls?: TlsConfig;
    }
  | { type: 'unix'; path: string };

/** A role of a realm entry, with the ID it is started and stopped by (else its name). */
export interface WorkerRoleConfig extends RoleConfig {
  id?: string;
}

/** A realm entry of a router worker: the router's realm config with the ID it is managed by. */
export interface WorkerRealmConfig extends RealmConfig {
  id?: string;
  roles?: WorkerRoleConfig[];
}

export type SerializerName = 'json' | 'msgpack' | 'cbor';

export interface WebSocketServiceConfig {
  serializers?: SerializerName[];
  options?: {
    max_message_size?: number;
    auto_ping_interval?: number;
    auto_ping_timeout?: number;
    compression?: Record<string, unknown>;
    enable_batched?: boolean;
  };
  auth?: AuthConfig;
  url?: string;
}

export interface RawSocketServiceConfig {
  serializers?: SerializerName[];
  max_message_size?: number;
  auth?: AuthConfig;
}

export type WebPathConfig =
  | {
      type: 'static';
      directory: string;
      options?: {
        enable_directory_listing?: boolean;
        cache_timeout?: number;
        default_file?: string;
      };
    }
  | ({ type: 'websocket' } & WebSocketServiceConfig)
  | { type: 'redirect'; url: string; status?: number }
  | { type: 'nodeinfo' }
  | { type: 'publisher'; realm: string; role: string; options?: Record<string, unknown> }
  | { type: 'caller'; realm: string; role: string; options?: Record<string, unknown> }
  | { type: 'json'; value: unknown };

export type TransportConfig =
  | ({ type: 'websocket'; id?: string; endpoint: EndpointConfig } & WebSocketServiceConfig)
  | ({ type: 'rawsocket'; id?: string; endpoint: EndpointConfig } & RawSocketServiceConfig)
  | {
      type: 'universal';
      id?: string;
      endpoint: EndpointConfig;
      rawsocket?: RawSocketServiceConfig;
      websocket?: Record<string, WebSocketServiceConfig>;
      web?: { paths?: Record<string, WebPathConfig> };
    }
  | {
      type: 'web';
      id?: string;
      endpoint: EndpointConfig;
      paths: Record<string, WebPathConfig>;
      options?: Record<string, unknown>;
    };

export interface ClientTransportConfig {
  type: 'websocket' | 'rawsocket';
  endpoint: {
    type: 'tcp' | 'unix';
    host?: string;
    port?: number;
    path?: string;
    tls?: Record<string, unknown>;
    timeout?: number;
  };
  url?: string;
  serializers?: SerializerName[];
  serializer?: SerializerName;
}

export interface ComponentConfig {
  type: 'module' | 'class';
  id?: string;
  path?: string;
  classname?: string;
  realm: string;
  role?: string;
  extra?: unknown;
  transport?: ClientTransportConfig;
}

export interface NativeWorkerOptions {
  title?: string;
  cpu_affinity?: number[];
  env?: { inherit?: boolean | string[]; vars?: Record<string, string> };
  pythonpath?: string[];
  restart?: 'never' | 'always' | 'on-failure';
  expose_controller?: boolean;
  expose_shared?: boolean;
}

// The worker entries are type aliases, not interfaces, so they pass where a JSON object
// (`Record<string, unknown>`) is taken, e.g. by the store, which keeps them verbatim.
export type RouterWorkerConfig = {
  type: 'router';
  id?: string;
  options?: NativeWorkerOptions;
  realms?: WorkerRealmConfig[];
  transports?: TransportConfig[];
  components?: ComponentConfig[];
};

export type ContainerWorkerConfig = {
  type: 'container';
  id?: string;
  options?: NativeWorkerOptions;
  components?: ComponentConfig[];
};

export type GuestWorkerConfig = {
  type: 'guest';
  id?: string;
  executable: string;
  arguments?: string[];
  options?: {
    title?: string;
    workdir?: string;
    env?: { inherit?: boolean | string[]; vars?: Record<string, string> };
    stdout?: 'close' | 'log' | 'drop';
    stderr?: 'close' | 'log' | 'drop';
    watch?: { directories: string[]; action?: 'restart' };
    restart?: 'never' | 'always' | 'on-failure';
    cpu_affinity?: number[];
  };
};

export type WorkerConfig = RouterWorkerConfig | ContainerWorkerConfig | GuestWorkerConfig;

export interface UplinkConfig {
  url?: string;
  realm?: string;
  transport?: ClientTransportConfig | null;
  heartbeat?: { startup_delay?: number; heartbeat_period?: number; include_system_stats?: boolean };
}

export interface NodeConfig {
  version: 2;
  controller?: {
    id?: string;
    options?: { title?: string; [k: string]: unknown };
    cdc?: UplinkConfig;
    fabric?: UplinkConfig;
  };
  workers?: WorkerConfig[];
}
