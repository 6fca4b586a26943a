/**
 * Cluster mode: notice when a realm's store refuses a write because the realm's lease passed
 * to another instance (StoreError `FENCED`). The caller still gets the refusal (as
 * `realm_moved`); the backend tells the center once, which lets the realm go at once rather
 * than at its next lease renewal.
 * @module
 */
import { isStoreError } from '@cdc/store';

/** `store` with every method's rejection watched for `FENCED`; `onFenced` runs once. */
export function watchFence<T extends object>(store: T, onFenced: () => void): T {
  let told = false;
  const note = (e: unknown): never => {
    if (!told && isStoreError(e, 'FENCED')) {
      told = true;
      onFenced();
    }
    throw e;
  };
  return new Proxy(store, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        const out: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        return out instanceof Promise ? out.catch(note) : out;
      };
    },
  });
}
