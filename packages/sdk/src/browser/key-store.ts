/**
 * Where a browser keeps its sign-in keys: key pairs by name in IndexedDB (a `CryptoKey`
 * is stored as it is, so a non-extractable key stays non-extractable), behind a small
 * interface with an in-memory twin for tests. `createKey`, `loadKey`, `forgetKey` are what
 * a sign-in page needs.
 * @module
 */
import { WebCryptoSigner } from './webcrypto-signer.js';

export interface KeyStore {
  get(name: string): Promise<CryptoKeyPair | undefined>;
  put(name: string, keyPair: CryptoKeyPair): Promise<void>;
  delete(name: string): Promise<void>;
}

/** Keys in memory only (tests; or a session that must leave nothing behind). */
export function memoryKeyStore(): KeyStore {
  const keys = new Map<string, CryptoKeyPair>();
  return {
    get: (name) => Promise.resolve(keys.get(name)),
    put: (name, pair) => {
      keys.set(name, pair);
      return Promise.resolve();
    },
    delete: (name) => {
      keys.delete(name);
      return Promise.resolve();
    },
  };
}

const STORE = 'keys';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

/** Keys in IndexedDB database `database` (default `cdc-sdk`), object store `keys`. */
export function indexedDbKeyStore(database = 'cdc-sdk', factory?: IDBFactory): KeyStore {
  let db: Promise<IDBDatabase> | undefined;
  const open = (): Promise<IDBDatabase> =>
    (db ??= new Promise((resolve, reject) => {
      const idb = factory ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
      if (idb === undefined) {
        reject(new Error('this browser has no IndexedDB'));
        return;
      }
      const r = idb.open(database, 1);
      r.onupgradeneeded = () => r.result.createObjectStore(STORE);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error ?? new Error(`cannot open IndexedDB ${database}`));
    }));
  const run = async <T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>) =>
    request(f((await open()).transaction(STORE, mode).objectStore(STORE)));
  return {
    get: async (name) => (await run('readonly', (s) => s.get(name))) as CryptoKeyPair | undefined,
    put: async (name, pair) => {
      await run('readwrite', (s) => s.put(pair, name));
    },
    delete: async (name) => {
      await run('readwrite', (s) => s.delete(name));
    },
  };
}

/** The name a page uses for its one key unless it keeps several. */
export const DEFAULT_KEY_NAME = 'default';

/** Make a new non-extractable key pair and keep it under `name` (replacing one there). */
export async function createKey(
  store: KeyStore,
  name = DEFAULT_KEY_NAME,
): Promise<WebCryptoSigner> {
  const signer = await WebCryptoSigner.generate();
  await store.put(name, signer.keyPair);
  return signer;
}

/** The key kept under `name`, if there is one. */
export async function loadKey(
  store: KeyStore,
  name = DEFAULT_KEY_NAME,
): Promise<WebCryptoSigner | undefined> {
  const pair = await store.get(name);
  return pair === undefined ? undefined : WebCryptoSigner.fromKeyPair(pair);
}

/** Forget the key under `name` in this browser (the center keeps its grants). */
export function forgetKey(store: KeyStore, name = DEFAULT_KEY_NAME): Promise<void> {
  return store.delete(name);
}
