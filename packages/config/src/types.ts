/**
 * Config types in Crossbar.io's node config format (version 2).
 * @module
 */
import type { AuthConfig, RealmConfig, RoleConfig, RouterLimitsConfig } from '@cdc/router';

export interface TlsConfig {
  key: string;
  certificate: string;
  chain_certificates?: string[];
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

/** Crossbar.io's WebSocket `options` that CDC implements (the schema refuses the others by name). */
export interface WebSocketOptionsConfig {
  max_message_size?: number;
  /** Ping a quiet connection after this many ms. */
  auto_ping_interval?: number;
  /** Drop it when the pong does not come within this many ms. */
  auto_ping_timeout?: number;
  /** permessage-deflate; without `deflate` it is off. */
  compression?: {
    deflate?: {
      request_no_context_takeover?: boolean;
      request_max_window_bits?: number;
      no_context_takeover?: boolean;
      max_window_bits?: number;
      memory_level?: number;
    };
  };
  /** Speak the `.batched` subprotocols too (default true). */
  enable_batched?: boolean;
  /** Origins (with `*` wildcards) browsers may connect from. */
  allowed_origins?: string[];
  allow_null_origin?: boolean;
  tcp_nodelay?: boolean;
  /** How long an opening handshake may take (ms). */
  open_handshake_timeout?: number;
}

/** Cookie tracking on a WebSocket (Crossbar.io's `cookie` block). */
export interface CookieConfig {
  /** The cookie's name; default `cbtid`. */
  name?: string;
  /** Characters in a cookie ID; default 24. */
  length?: number;
  /** Lifetime in seconds; default 7 days. */
  max_age?: number;
  store?: { type: 'memory' } | { type: 'file'; filename?: string; purge_on_startup?: boolean };
}

export interface WebSocketServiceConfig {
  serializers?: SerializerName[];
  options?: WebSocketOptionsConfig;
  auth?: AuthConfig;
  cookie?: CookieConfig;
  debug?: boolean;
  url?: string;
}

export interface RawSocketServiceConfig {
  serializers?: SerializerName[];
  max_message_size?: number;
  auth?: AuthConfig;
  debug?: boolean;
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
    tls?: { hostname?: string };
    /** Seconds. */
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

export interface RouterWorkerOptions extends NativeWorkerOptions {
  limits?: RouterLimitsConfig;
}

// The worker entries are type aliases, not interfaces, so they pass where a JSON object
// (`Record<string, unknown>`) is taken, e.g. by the store, which keeps them verbatim.
export type RouterWorkerConfig = {
  type: 'router';
  id?: string;
  options?: RouterWorkerOptions;
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
  /** One center URL, several (a list, or comma-separated) of a clustered center. */
  url?: string | string[];
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
