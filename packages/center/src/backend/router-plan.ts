/**
 * What it takes to bring a running router worker to its stored config (SPEC §4.3
 * `reload_router`, and `start_router`, which is a reload from nothing): the changes, the
 * ones that need the worker restarted (its options), and the ordered node calls that make
 * the others live — each with the calls that undo it, so a failure half-way can be rolled
 * back. Pure: no I/O; the caller reads the running state from the node and runs the steps.
 * @module
 */
import { webPathsOf, withWebPaths } from '@cdc/config';
import type {
  ComponentConfig,
  NativeWorkerOptions,
  RouterWorkerConfig,
  TransportConfig,
  WebPathConfig,
  WorkerRealmConfig,
  WorkerRoleConfig,
} from '@cdc/config';
import type { RouterApi } from '@cdc/api';

/**
 * A router as the node runs it: a worker entry with every part's ID. Its `options` are
 * undefined when the node does not say (they are then not compared); a stored config
 * without options has the defaults.
 */
export type RunningRouter = RouterWorkerConfig;

export const EMPTY_ROUTER: RunningRouter = {
  type: 'router',
  realms: [],
  transports: [],
  components: [],
};

export type ChangeKind = 'options' | 'realm' | 'role' | 'transport' | 'web_service' | 'component';

export interface Change {
  kind: ChangeKind;
  /** `realm`, `realm/role`, `transport`, `transport path`, `component`, or `options`. */
  id: string;
  op: 'add' | 'remove' | 'change';
}

/** A call on the router worker: `crossbar.worker.<worker_id>.<procedure>(...args)`. */
export interface WorkerCall {
  procedure: keyof RouterApi;
  args: readonly unknown[];
}

/** One step of a plan, and what undoes it (in order) when a later step fails. */
export interface Step extends WorkerCall {
  undo: WorkerCall[];
}

/** A call typed by the contract (then kept as a plain step). */
function call<K extends keyof RouterApi>(procedure: K, args: RouterApi[K]['args']): WorkerCall {
  return { procedure, args };
}

const step = (c: WorkerCall, ...undo: WorkerCall[]): Step => ({ ...c, undo });

export interface ReloadPlan {
  changes: Change[];
  /** The changes only a restart of the worker can apply. */
  restart: Change[];
  steps: Step[];
}

/** JSON with sorted keys: equal configs give equal text whatever their key order. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  // What JSON cannot hold (JSON.stringify gives undefined for it).
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return 'null';
  return JSON.stringify(v);
}

const same = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

interface RealmModel {
  /** The realm config without its ID and roles: what a restart of the realm applies. */
  base: Omit<WorkerRealmConfig, 'id' | 'roles'>;
  roles: Map<string, Omit<WorkerRoleConfig, 'id'>>;
}

interface TransportModel {
  /** The config as it runs (or is to run), web paths included, without its ID. */
  config: TransportConfig;
  /** The config without its ID and web paths: what only a restart of the transport applies. */
  base: unknown;
  /** Web paths (web and universal transports), else undefined. */
  paths: Record<string, WebPathConfig> | undefined;
}

interface Model {
  options: NativeWorkerOptions | undefined;
  realms: Map<string, RealmModel>;
  transports: Map<string, TransportModel>;
  components: Map<string, Omit<ComponentConfig, 'id'>>;
}

function transportModel(t: TransportConfig): TransportModel {
  const { id: _id, ...config } = t;
  const paths = webPathsOf(config);
  return { config, base: paths === undefined ? config : withWebPaths(config, {}), paths };
}

/** The model of a router config: every part by its ID (a realm's or role's name stands in). */
function model(r: RouterWorkerConfig, options: NativeWorkerOptions | undefined): Model {
  const realms = new Map<string, RealmModel>();
  for (const { id, roles = [], ...base } of r.realms ?? [])
    realms.set(id ?? base.name, {
      base,
      roles: new Map(roles.map(({ id: roleId, ...role }) => [roleId ?? role.name, role])),
    });
  const transports = new Map<string, TransportModel>();
  for (const t of r.transports ?? []) transports.set(String(t.id), transportModel(t));
  const components = new Map<string, Omit<ComponentConfig, 'id'>>();
  for (const { id, ...c } of r.components ?? []) components.set(String(id), c);
  return { options, realms, transports, components };
}

/** Keys only in `want`, only in `have`, and in both with equal or different values. */
function compare<T>(
  want: Map<string, T>,
  have: Map<string, T>,
  eq: (a: T, b: T) => boolean,
): { add: string[]; remove: string[]; change: string[]; keep: string[] } {
  const add: string[] = [];
  const change: string[] = [];
  const keep: string[] = [];
  for (const [k, v] of want) {
    const h = have.get(k);
    if (h === undefined) add.push(k);
    else if (eq(v, h)) keep.push(k);
    else change.push(k);
  }
  const remove = [...have.keys()].filter((k) => !want.has(k));
  return { add, remove, change, keep };
}

/** Get what `compare` found in `m`. */
function at<T>(m: Map<string, T>, k: string): T {
  return m.get(k) as T;
}

const isWebSocketPath = (p: WebPathConfig | undefined): boolean => p?.type === 'websocket';

/** The plan that brings `running` to `stored` (a router worker entry as stored). */
export function planReload(stored: RouterWorkerConfig, running: RunningRouter): ReloadPlan {
  const want = model(stored, stored.options ?? {});
  const have = model(running, running.options);
  const changes: Change[] = [];
  const restart: Change[] = [];
  const stops: Step[] = [];
  const starts: Step[] = [];

  if (have.options !== undefined && !same(want.options, have.options)) {
    const c: Change = { kind: 'options', id: 'options', op: 'change' };
    changes.push(c);
    restart.push(c);
  }

  // Components first down, last up: they use realms and may serve on transports.
  const comps = compare(want.components, have.components, same);
  for (const id of [...comps.remove, ...comps.change])
    stops.push(
      step(
        call('stop_router_component', [id]),
        call('start_router_component', [id, at(have.components, id)]),
      ),
    );
  const compStarts = [...comps.add, ...comps.change].map((id) =>
    step(
      call('start_router_component', [id, at(want.components, id)]),
      call('stop_router_component', [id]),
    ),
  );

  // Transports: a change of anything but plain web paths restarts the transport.
  const trans = compare(
    want.transports,
    have.transports,
    (a, b) => same(a.base, b.base) && same(a.paths, b.paths),
  );
  const restartT = new Set([...trans.remove, ...trans.change]);
  const webStops: Step[] = [];
  const webStarts: Step[] = [];
  const webChanges: Change[] = [];
  for (const id of trans.change) {
    const w = at(want.transports, id);
    const h = at(have.transports, id);
    if (!same(w.base, h.base) || w.paths === undefined || h.paths === undefined) continue;
    const wp = new Map(Object.entries(w.paths));
    const hp = new Map(Object.entries(h.paths));
    const paths = compare(wp, hp, same);
    const touched = [...paths.add, ...paths.remove, ...paths.change];
    if (touched.some((p) => isWebSocketPath(wp.get(p)) || isWebSocketPath(hp.get(p)))) continue; // WebSocket paths are set when a transport starts
    restartT.delete(id);
    for (const p of [...paths.remove, ...paths.change])
      webStops.push(
        step(
          call('stop_web_transport_service', [id, p]),
          call('start_web_transport_service', [id, p, at(hp, p)]),
        ),
      );
    for (const p of [...paths.add, ...paths.change])
      webStarts.push(
        step(
          call('start_web_transport_service', [id, p, at(wp, p)]),
          call('stop_web_transport_service', [id, p]),
        ),
      );
    for (const op of ['add', 'remove', 'change'] as const)
      for (const p of paths[op]) webChanges.push({ kind: 'web_service', id: `${id} ${p}`, op });
  }
  for (const id of restartT)
    stops.push(
      step(
        call('stop_router_transport', [id]),
        call('start_router_transport', [id, at(have.transports, id).config]),
      ),
    );
  stops.push(...webStops);
  const transStarts = [...trans.add, ...trans.change.filter((id) => restartT.has(id))].map((id) =>
    step(
      call('start_router_transport', [id, at(want.transports, id).config]),
      call('stop_router_transport', [id]),
    ),
  );

  // Realms: a change of the realm itself restarts it with its roles; else roles one by one.
  const realms = compare(want.realms, have.realms, (a, b) => same(a.base, b.base));
  const roleStops: Step[] = [];
  const roleStarts: Step[] = [];
  const roleChanges: Change[] = [];
  for (const id of realms.keep) {
    const w = at(want.realms, id);
    const h = at(have.realms, id);
    const roles = compare(w.roles, h.roles, same);
    for (const r of [...roles.remove, ...roles.change])
      roleStops.push(
        step(
          call('stop_router_realm_role', [id, r]),
          call('start_router_realm_role', [id, r, at(h.roles, r)]),
        ),
      );
    for (const r of [...roles.add, ...roles.change])
      roleStarts.push(
        step(
          call('start_router_realm_role', [id, r, at(w.roles, r)]),
          call('stop_router_realm_role', [id, r]),
        ),
      );
    for (const op of ['add', 'remove', 'change'] as const)
      for (const r of roles[op]) roleChanges.push({ kind: 'role', id: `${id}/${r}`, op });
  }
  stops.push(...roleStops);
  for (const id of [...realms.remove, ...realms.change]) {
    const old = at(have.realms, id);
    stops.push(
      step(
        call('stop_router_realm', [id]),
        call('start_router_realm', [id, old.base]),
        ...[...old.roles].map(([r, cfg]) => call('start_router_realm_role', [id, r, cfg])),
      ),
    );
  }
  for (const id of [...realms.add, ...realms.change]) {
    const w = at(want.realms, id);
    starts.push(step(call('start_router_realm', [id, w.base]), call('stop_router_realm', [id])));
    for (const [r, cfg] of w.roles)
      starts.push(step(call('start_router_realm_role', [id, r, cfg])));
  }
  starts.push(...roleStarts, ...webStarts, ...transStarts, ...compStarts);

  for (const op of ['add', 'remove', 'change'] as const)
    for (const id of realms[op]) changes.push({ kind: 'realm', id, op });
  changes.push(...roleChanges);
  for (const op of ['add', 'remove', 'change'] as const)
    for (const id of trans[op])
      if (op !== 'change' || restartT.has(id)) changes.push({ kind: 'transport', id, op });
  changes.push(...webChanges);
  for (const op of ['add', 'remove', 'change'] as const)
    for (const id of comps[op]) changes.push({ kind: 'component', id, op });

  return { changes, restart, steps: [...stops, ...starts] };
}

/** One line per change, for messages: `realm realm2 added`, `transport ws1 changed`. */
export function describeChanges(changes: readonly Change[]): string[] {
  const verb = { add: 'added', remove: 'removed', change: 'changed' } as const;
  return changes.map((c) =>
    c.kind === 'options'
      ? 'worker options changed'
      : `${c.kind.replace('_', ' ')} ${c.id} ${verb[c.op]}`,
  );
}
