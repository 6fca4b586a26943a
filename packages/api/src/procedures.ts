/**
 * The public API of a management realm (SPEC §4): every procedure with its versions,
 * aliases, positional parameters, the least role that may call it (§4.8) and whether it
 * changes something (and so is audited, §4.7). The center registers from this table, the
 * router's roles are generated from it, and the CLI, SDK and docs read it.
 * @module
 */
import { REGISTRATION_PROCEDURES } from './registration.js';
import { definitions } from './procedure-def.js';
import type { ProcedureDef } from './procedure-def.js';
import { GLOBAL_TABLE, MANAGEMENT_TABLE } from './procedures-global.js';
import { REMOTE_TABLE } from './procedures-remote.js';
import { CONFIG_TABLE } from './procedures-config.js';

export type { ProcedureDef, RemoteTarget, ParamDef, ProcedureGroup } from './procedure-def.js';

/** Every public procedure: §4.1, §4.5, §4.2, §4.3 on management realms, §4.4 on the global realm. */
export const PROCEDURES: readonly ProcedureDef[] = [
  ...definitions('global', GLOBAL_TABLE),
  ...definitions('management', MANAGEMENT_TABLE),
  ...definitions('remote', REMOTE_TABLE),
  ...definitions('config', CONFIG_TABLE),
  ...REGISTRATION_PROCEDURES,
];

/** Every URI a procedure is registered under: `name@N`, aliases `@N`, and the bare names for `@1`. */
export function registeredUris(d: ProcedureDef): string[] {
  const names = [d.name, ...d.aliases];
  const out = names.map((n) => `${n}@${d.version}`);
  if (d.version === 1) out.push(...names);
  return out;
}

/** The definition answering a URI, for every name in {@link registeredUris}. */
export function procedureByUri(): Map<string, ProcedureDef> {
  const m = new Map<string, ProcedureDef>();
  for (const d of PROCEDURES) for (const u of registeredUris(d)) m.set(u, d);
  return m;
}

/**
 * The `name@version` the audit log records for what a person typed: any URI the procedure
 * answers to, or its short name (`revoke_access`, `get_nodes@2`; the newest version when none
 * is given). `undefined` for nothing known, or a short name that more than one procedure has.
 */
export function auditName(text: string): string | undefined {
  const t = text.trim();
  const d = procedureByUri().get(t);
  if (d !== undefined) return `${d.name}@${d.version}`;
  const [short = '', version] = t.split('@');
  if (short === '' || short.includes('.')) return undefined;
  const found = PROCEDURES.filter(
    (p) =>
      [p.name, ...p.aliases].some((n) => n.endsWith(`.${short}`)) &&
      (version === undefined || String(p.version) === version),
  );
  if (new Set(found.map((p) => p.name)).size !== 1) return undefined;
  const newest = found.reduce((a, b) => (b.version > a.version ? b : a));
  return `${newest.name}@${newest.version}`;
}
