/**
 * Signing in: the browser's key (made once with WebCrypto, kept non-extractable in
 * IndexedDB), the center client on the page's own `/ws`, and which screen follows — the
 * realm's pages, a realm picker (a user key on the global realm), or "not authorized" with
 * the public key to hand to an owner. The connection state is a signal, so every page
 * knows when the center is away.
 * @module
 */
import { computed, signal } from '@preact/signals';
import { GLOBAL_REALM, GLOBAL_USER_ROLE } from '@cdc/api';
import {
  CdcError,
  WampErrors,
  centerClient,
  createKey,
  indexedDbKeyStore,
  loadKey,
} from '@cdc/sdk/browser';
import type { Center, ConnectionState, WebCryptoSigner } from '@cdc/sdk/browser';
import { href, route } from './route.js';

export type Screen =
  | { kind: 'loading'; message: string }
  | { kind: 'signed-out' }
  | { kind: 'not-authorized'; realm: string | null; message: string }
  | { kind: 'pick-realm'; realms: string[] }
  | { kind: 'ready' }
  | { kind: 'error'; message: string };

export const screen = signal<Screen>({ kind: 'loading', message: 'Opening your key…' });
export const pubkey = signal<string>('');
export const conn = signal<ConnectionState>({ status: 'connecting' });
export const client = signal<Center | undefined>(undefined);
/** Connected and joined: anything shown is current. */
export const online = computed(() => conn.value.status === 'connected');
/** A message for the user about the last thing that failed (a call refused…). */
/** The last message for the person, and the page (`href`) it was said on: it shows only there. */
export const notice = signal<{ text: string; kind: 'error' | 'info'; at: string } | undefined>(
  undefined,
);

const REALM_KEY = 'cdc.realm';
const keys = indexedDbKeyStore('cdc-web');
let key: WebCryptoSigner | undefined;

export function say(text: string, kind: 'error' | 'info' = 'error'): void {
  notice.value = { text, kind, at: href(route.value) };
}

/** Any failure as one line: the error URI's meaning and its message. */
export function describe(e: unknown): string {
  const c = CdcError.from(e);
  return c.message !== '' && c.message !== c.uri ? `${c.message} (${c.uri})` : c.uri;
}

function savedRealm(): string | null {
  try {
    return localStorage.getItem(REALM_KEY);
  } catch {
    return null;
  }
}

function saveRealm(realm: string | null): void {
  try {
    if (realm === null) localStorage.removeItem(REALM_KEY);
    else localStorage.setItem(REALM_KEY, realm);
  } catch {
    // Private mode: the choice is not remembered.
  }
}

export async function browserKey(): Promise<WebCryptoSigner> {
  key ??= (await loadKey(keys)) ?? (await createKey(keys));
  pubkey.value = key.publicKeyHex;
  return key;
}

async function drop(): Promise<void> {
  const c = client.value;
  client.value = undefined;
  if (c !== undefined) await c.close().catch(() => undefined);
}

/** Sign in to `realm` (default: the last one, else the one the center picks for the key). */
export async function signIn(realm: string | null = savedRealm()): Promise<void> {
  await drop();
  screen.value = { kind: 'loading', message: 'Connecting to the center…' };
  let signer: WebCryptoSigner;
  try {
    signer = await browserKey();
  } catch (e) {
    screen.value = { kind: 'error', message: `This browser cannot keep a key: ${describe(e)}` };
    return;
  }
  const c = centerClient({
    key: signer,
    realm,
    waitForCenter: true,
    onError: (e, where) => say(`${where}: ${describe(e)}`),
  });
  conn.value = c.state;
  c.onState((s) => {
    if (client.value !== c) return;
    conn.value = s;
    if (s.status === 'closed' && s.reason === 'refused')
      screen.value = { kind: 'not-authorized', realm, message: s.error?.message ?? 'refused' };
  });
  client.value = c;
  try {
    await c.open();
  } catch (e) {
    if (client.value !== c) return;
    const err = CdcError.from(e);
    client.value = undefined;
    if (realm !== null && err.is(WampErrors.NOT_AUTHORIZED)) saveRealm(null);
    screen.value = err.is(WampErrors.NOT_AUTHORIZED)
      ? { kind: 'not-authorized', realm, message: err.message }
      : { kind: 'error', message: describe(err) };
    return;
  }
  if (client.value !== c) return;
  if (c.realm !== GLOBAL_REALM) {
    saveRealm(c.realm ?? null);
    screen.value = { kind: 'ready' };
    return;
  }
  if (c.authrole === GLOBAL_USER_ROLE) {
    // A user key with several realms: let the user choose.
    try {
      const realms = (await c.account.listManagementRealms()).map((r) => r.realm);
      screen.value = { kind: 'pick-realm', realms };
    } catch (e) {
      screen.value = { kind: 'error', message: describe(e) };
    }
    return;
  }
  // An unknown key: on the global realm only to register. Kept connected for that.
  screen.value = {
    kind: 'not-authorized',
    realm,
    message: 'This key has not been granted access to a management realm yet.',
  };
}

/** Leave the center; nothing is forgotten on the server, the key stays in this browser. */
export async function signOut(): Promise<void> {
  await drop();
  saveRealm(null);
  screen.value = { kind: 'signed-out' };
}

/** Where the key will be asked to join next (the picker and the realm field use it). */
export function chooseRealm(realm: string): Promise<void> {
  saveRealm(realm);
  return signIn(realm);
}
