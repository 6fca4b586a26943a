/**
 * Argument access for management procedures (shared with the center, so `Params` lives in
 * the client), and config arguments validated with their schema, typed.
 * @module
 */
import { CrossbarErrors, WampError } from '@cdc/protocol';
import { ConfigError, check } from '@cdc/config';
import type { ConfigKind, ConfigTypes } from '@cdc/config';
import type { Params } from '@cdc/client';

export { Params, invalidArgument } from '@cdc/client';

/** A config argument, checked with the schema of its kind (`invalid_configuration` naming the bad paths). */
export function configArg<K extends ConfigKind>(p: Params, name: string, kind: K): ConfigTypes[K] {
  const value = p.dict(name);
  try {
    check(kind, value);
  } catch (e) {
    if (e instanceof ConfigError)
      throw new WampError(CrossbarErrors.INVALID_CONFIGURATION, [e.message], { issues: e.issues });
    throw e;
  }
  return value;
}
