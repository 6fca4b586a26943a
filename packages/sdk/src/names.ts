/**
 * How the SDK names what the contract names, at run time and in the types alike (a unit test
 * holds the two together): a procedure's method is the camelCase of its last name segment
 * (`com.crossbario.cdc.remote.get_node_workers@1` → `getNodeWorkers`); when a newer version
 * of the same procedure exists the older ones carry their version (`getNodesV1`,
 * `getNodesV2`, and `getNodes` is `@3`); optional parameters are options in camelCase with a
 * leading `filter_` dropped (`filter_status` → `status`); an event is `on` + its name
 * (`on_node_status@1` → `onNodeStatus`).
 * @module
 */
import { camelCase, optionName } from '@cdc/api';
import type { ProcedureDef, ProcedureGroup } from '@cdc/api';

/** `a_b_c` → `aBC`-style camelCase, as a type. */
export type Camel<S extends string> = S extends `${infer H}_${infer T}`
  ? `${H}${Capitalize<Camel<T>>}`
  : S;
type LastSegment<S extends string> = S extends `${string}.${infer R}` ? LastSegment<R> : S;
type NameOf<K> = K extends `${infer N}@${string}` ? N : never;
type VersionOf<K> = K extends `${string}@${infer V}` ? V : never;
type Next = { 1: '2'; 2: '3'; 3: '4'; 4: '5'; 5: '6'; 6: '7'; 7: '8'; 8: '9' };
type NextVersion<V extends string> = V extends `${infer N extends keyof Next}` ? Next[N] : never;
type Base<K> = Camel<LastSegment<NameOf<K> & string>>;

/** The method name of procedure `K` (`name@version`) in a group map `M`. */
export type MethodName<K, M> = `${NameOf<K>}@${NextVersion<VersionOf<K>>}` extends keyof M
  ? `${Base<K>}V${VersionOf<K>}`
  : Base<K>;

/** The SDK name of option `K` (a parameter's wire name). */
export type OptionName<K extends string> = Camel<K extends `filter_${infer R}` ? R : K>;

/** The subscription method of event topic `K`. */
export type EventMethodName<K> = Camel<LastSegment<NameOf<K> & string>>;

/** Where each group's methods hang on the client (`global`: on the client itself). */
export const GROUP_KEYS = {
  global: undefined,
  management: 'management',
  remote: 'remote',
  config: 'config',
  registration: 'account',
} as const satisfies Record<ProcedureGroup, string | undefined>;

const lastSegment = (name: string): string => name.slice(name.lastIndexOf('.') + 1);

/** The method name of `d` among `all` (the procedures of the contract). */
export function methodName(d: ProcedureDef, all: readonly ProcedureDef[]): string {
  const base = camelCase(lastSegment(d.name));
  const newer = all.some((o) => o.name === d.name && o.version === d.version + 1);
  return newer ? `${base}V${d.version}` : base;
}

/** The subscription method of an event topic (`…on_node_status@1` → `onNodeStatus`). */
export function eventMethodName(topic: string): string {
  return camelCase(lastSegment(topic.slice(0, topic.lastIndexOf('@'))));
}

export { optionName };
