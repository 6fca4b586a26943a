/**
 * Every key the config schemas accept, grouped by the object that holds it: the shared
 * parts (`transport`, `auth`, `webPath`, …) are roots of their own, branches of a
 * discriminated `oneOf` are named by their `type` (`transport[websocket]`), maps by `*`.
 */
import { SCHEMAS } from '../src/schemas.js';
import { sharedParts } from '../src/schemas.js';

type Schema = Record<string, unknown>;

export type KeyKind = 'read' | 'fixed' | 'unsupported';

/** group → key → kind. */
export function schemaKeys(): Map<string, Map<string, KeyKind>> {
  const shared = sharedParts();
  const nameOf = new Map<unknown, string>(Object.entries(shared).map(([n, s]) => [s, n]));
  const out = new Map<string, Map<string, KeyKind>>();
  const walk = (s: unknown, group: string): void => {
    if (typeof s !== 'object' || s === null) return;
    const o = s as Schema;
    for (const b of (o['oneOf'] as Schema[] | undefined) ?? []) {
      const t = ((b['properties'] as Schema | undefined)?.['type'] as Schema | undefined)?.[
        'const'
      ];
      visit(b, typeof t === 'string' ? `${group}[${t}]` : group);
    }
    for (const b of (o['anyOf'] as Schema[] | undefined) ?? []) visit(b, group);
    if (o['items'] !== undefined) visit(o['items'], `${group}[]`);
    const props = o['properties'] as Schema | undefined;
    if (props !== undefined) {
      const keys = out.get(group) ?? new Map<string, KeyKind>();
      out.set(group, keys);
      for (const [k, v] of Object.entries(props)) {
        const vs = v as Schema;
        keys.set(k, 'not' in vs ? 'unsupported' : 'const' in vs ? 'fixed' : 'read');
        visit(v, `${group}.${k}`);
      }
    }
    const ap = o['additionalProperties'];
    if (typeof ap === 'object' && ap !== null) visit(ap, `${group}.*`);
  };
  const visit = (s: unknown, group: string): void => {
    const name = nameOf.get(s);
    if (name === undefined) walk(s, group);
    // Shared parts are walked once, as roots.
  };
  walk(SCHEMAS.node, 'node');
  for (const [name, s] of Object.entries(shared)) walk(s, name);
  return out;
}
