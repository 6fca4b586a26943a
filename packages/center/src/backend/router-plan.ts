/**
 * What it takes to bring a running router worker to its stored config (SPEC §4.3
 * `reload_router`, and `start_router`, which is a reload from nothing): the changes, the
 * ones that need the worker restarted (its options), and the ordered node calls that make
 * the others live — each with the calls that undo it, so a failure half-way can be rolled
 * back. Pure: no I/O; the caller reads the running state from the node and runs the steps.
 * @module
 */
type Dict = Record<string, unknown>;

/** A router's parts as the node runs them (read with `crossbar.worker.<id>.get_*`). */
export interface RunningRouter {
  /** Worker options; `undefined` when the node does not say (they are then not compared). */
  options: Dict | undefined;
  realms: { id: string; config: Dict; roles: { id: string; config: Dict }[] }[];
  /** `paths`: the web services running on a web or universal transport. */
  transports: { id: string; config: Dict; paths?: Record<string, Dict> | undefined }[];
  components: { id: string; config: Dict }[];
}

export const EMPTY_ROUTER: RunningRouter = {
  options: undefined,
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

/** A call on the worker: `crossbar.worker.<worker_id>.<procedure>(...args)`. */
export interface Step {
  procedure: string;
  args: unknown[];
  /** What undoes this step (in order), when a later step fails. */
  undo: Omit<Step, 'undo'>[];
}

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
    const keys = Object.keys(v)
      .filter((k) => (v as Dict)[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Dict)[k])}`).join(',')}}`;
  }
  // What JSON cannot hold (JSON.stringify gives undefined for it).
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return 'null';
  return JSON.stringify(v);
}

const same = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

function without(config: Dict, ...keys: string[]): Dict {
  const out: Dict = {};
  for (const [k, v] of Object.entries(config)) if (!keys.includes(k)) out[k] = v;
  return out;
}

const dicts = (v: unknown): Dict[] =>
  Array.isArray(v) ? v.filter((x): x is Dict => typeof x === 'object' && x !== null) : [];

interface TransportModel {
  /** The config without its web paths. */
  base: Dict;
  /** Web paths (web and universal transports), else undefined. */
  paths: Record<string, Dict> | undefined;
}

interface Model {
  options: Dict | undefined;
  realms: Map<string, { base: Dict; roles: Map<string, Dict> }>;
  transports: Map<string, TransportModel>;
  components: Map<string, Dict>;
}

function pathsOf(config: Dict): Record<string, Dict> | undefined {
  if (config['type'] === 'web') return (config['paths'] as Record<string, Dict> | undefined) ?? {};
  if (config['type'] === 'universal')
    return (
      ((config['web'] as Dict | undefined)?.['paths'] as Record<string, Dict> | undefined) ?? {}
    );
  return undefined;
}

function transportBase(config: Dict): Dict {
  const c = without(config, 'id');
  if (c['type'] === 'web') return without(c, 'paths');
  if (c['type'] === 'universal' && typeof c['web'] === 'object' && c['web'] !== null)
    return { ...c, web: without(c['web'] as Dict, 'paths') };
  return c;
}

/** The transport config to start: its base with these paths put back. */
function transportConfig(t: TransportModel): Dict {
  if (t.paths === undefined) return t.base;
  if (t.base['type'] === 'web') return { ...t.base, paths: t.paths };
  const web = (t.base['web'] ?? {}) as Dict;
  return { ...t.base, web: { ...web, paths: t.paths } };
}

const roleId = (r: Dict): string => String(r['id'] ?? r['name']);

/** The model of a stored router config (IDs assigned when it was stored). */
function fromStored(stored: Dict): Model {
  const realms = new Map<string, { base: Dict; roles: Map<string, Dict> }>();
  for (const r of dicts(stored['realms'])) {
    const roles = new Map(dicts(r['roles']).map((x) => [roleId(x), without(x, 'id')]));
    realms.set(String(r['id'] ?? r['name']), { base: without(r, 'id', 'roles'), roles });
  }
  const transports = new Map<string, TransportModel>();
  for (const t of dicts(stored['transports']))
    transports.set(String(t['id']), { base: transportBase(t), paths: pathsOf(t) });
  const components = new Map<string, Dict>();
  for (const c of dicts(stored['components'])) components.set(String(c['id']), without(c, 'id'));
  return { options: (stored['options'] as Dict | undefined) ?? {}, realms, transports, components };
}

function fromRunning(running: RunningRouter): Model {
  const realms = new Map<string, { base: Dict; roles: Map<string, Dict> }>();
  for (const r of running.realms)
    realms.set(r.id, {
      base: without(r.config, 'id', 'roles'),
      roles: new Map(r.roles.map((x) => [x.id, without(x.config, 'id')])),
    });
  const transports = new Map<string, TransportModel>();
  for (const t of running.transports)
    transports.set(t.id, { base: transportBase(t.config), paths: t.paths ?? pathsOf(t.config) });
  const components = new Map(running.components.map((c) => [c.id, without(c.config, 'id')]));
  return { options: running.options, realms, transports, components };
}

/** Keys only in `a`, only in `b`, and in both with different values. */
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

const isWebSocketPath = (p: Dict | undefined): boolean => p?.['type'] === 'websocket';

/** The plan that brings `running` to `stored` (a router worker entry as stored). */
export function planReload(stored: Dict, running: RunningRouter): ReloadPlan {
  const want = fromStored(stored);
  const have = fromRunning(running);
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
  for (const id of [...comps.remove, ...comps.change]) {
    const old = have.components.get(id) as Dict;
    stops.push({
      procedure: 'stop_router_component',
      args: [id],
      undo: [{ procedure: 'start_router_component', args: [id, old] }],
    });
  }
  const compStarts = [...comps.add, ...comps.change].map((id): Step => ({
    procedure: 'start_router_component',
    args: [id, want.components.get(id)],
    undo: [{ procedure: 'stop_router_component', args: [id] }],
  }));

  // Transports: a change of anything but plain web paths restarts the transport.
  const trans = compare(want.transports, have.transports, (a, b) => same(a, b));
  const restartT = new Set([...trans.remove, ...trans.change]);
  const webStops: Step[] = [];
  const webStarts: Step[] = [];
  const webChanges: Change[] = [];
  for (const id of trans.change) {
    const w = want.transports.get(id) as TransportModel;
    const h = have.transports.get(id) as TransportModel;
    if (!same(w.base, h.base) || w.paths === undefined || h.paths === undefined) continue;
    const paths = compare(new Map(Object.entries(w.paths)), new Map(Object.entries(h.paths)), same);
    const touched = [...paths.add, ...paths.remove, ...paths.change];
    if (touched.some((p) => isWebSocketPath(w.paths?.[p]) || isWebSocketPath(h.paths?.[p])))
      continue; // WebSocket paths are set when a transport starts
    restartT.delete(id);
    for (const p of [...paths.remove, ...paths.change])
      webStops.push({
        procedure: 'stop_web_transport_service',
        args: [id, p],
        undo: [{ procedure: 'start_web_transport_service', args: [id, p, h.paths[p]] }],
      });
    for (const p of [...paths.add, ...paths.change])
      webStarts.push({
        procedure: 'start_web_transport_service',
        args: [id, p, w.paths[p]],
        undo: [{ procedure: 'stop_web_transport_service', args: [id, p] }],
      });
    for (const p of paths.add)
      webChanges.push({ kind: 'web_service', id: `${id} ${p}`, op: 'add' });
    for (const p of paths.remove)
      webChanges.push({ kind: 'web_service', id: `${id} ${p}`, op: 'remove' });
    for (const p of paths.change)
      webChanges.push({ kind: 'web_service', id: `${id} ${p}`, op: 'change' });
  }
  for (const id of restartT) {
    const old = transportConfig(have.transports.get(id) as TransportModel);
    stops.push({
      procedure: 'stop_router_transport',
      args: [id],
      undo: [{ procedure: 'start_router_transport', args: [id, old] }],
    });
  }
  stops.push(...webStops);
  const transStarts = [...trans.add, ...trans.change.filter((id) => restartT.has(id))].map(
    (id): Step => ({
      procedure: 'start_router_transport',
      args: [id, transportConfig(want.transports.get(id) as TransportModel)],
      undo: [{ procedure: 'stop_router_transport', args: [id] }],
    }),
  );

  // Realms: a change of the realm itself restarts it with its roles; else roles one by one.
  const realms = compare(want.realms, have.realms, (a, b) => same(a.base, b.base));
  const roleStops: Step[] = [];
  const roleStarts: Step[] = [];
  const roleChanges: Change[] = [];
  for (const id of [...realms.keep]) {
    const w = want.realms.get(id) as { roles: Map<string, Dict> };
    const h = have.realms.get(id) as { roles: Map<string, Dict> };
    const roles = compare(w.roles, h.roles, same);
    for (const r of [...roles.remove, ...roles.change])
      roleStops.push({
        procedure: 'stop_router_realm_role',
        args: [id, r],
        undo: [{ procedure: 'start_router_realm_role', args: [id, r, h.roles.get(r)] }],
      });
    for (const r of [...roles.add, ...roles.change])
      roleStarts.push({
        procedure: 'start_router_realm_role',
        args: [id, r, w.roles.get(r)],
        undo: [{ procedure: 'stop_router_realm_role', args: [id, r] }],
      });
    for (const op of ['add', 'remove', 'change'] as const)
      for (const r of roles[op]) roleChanges.push({ kind: 'role', id: `${id}/${r}`, op });
  }
  stops.push(...roleStops);
  for (const id of [...realms.remove, ...realms.change]) {
    const old = have.realms.get(id) as { base: Dict; roles: Map<string, Dict> };
    stops.push({
      procedure: 'stop_router_realm',
      args: [id],
      undo: [
        { procedure: 'start_router_realm', args: [id, old.base] },
        ...[...old.roles].map(([r, cfg]) => ({
          procedure: 'start_router_realm_role',
          args: [id, r, cfg],
        })),
      ],
    });
  }
  for (const id of [...realms.add, ...realms.change]) {
    const w = want.realms.get(id) as { base: Dict; roles: Map<string, Dict> };
    starts.push({
      procedure: 'start_router_realm',
      args: [id, w.base],
      undo: [{ procedure: 'stop_router_realm', args: [id] }],
    });
    for (const [r, cfg] of w.roles)
      starts.push({ procedure: 'start_router_realm_role', args: [id, r, cfg], undo: [] });
  }
  starts.push(...roleStarts, ...webStarts, ...transStarts, ...compStarts);

  for (const op of ['add', 'remove', 'change'] as const) {
    for (const id of realms[op]) changes.push({ kind: 'realm', id, op });
  }
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
