/**
 * @cdc/sdk/browser — the SDK in a browser: a sign-in key made with WebCrypto (Ed25519, the
 * private key non-extractable, kept in IndexedDB), the browser's WebSocket as transport,
 * and `connectCenter` with both. No Node built-ins.
 * @module
 */
import type { ChallengeSigner } from '@cdc/client';
import type { Transport } from '@cdc/protocol';
import { CenterClient } from '../client.js';
import type { Center, CenterOptions } from '../client.js';
import { connectWebSocket } from './websocket.js';
import type { BrowserWebSocketOptions } from './websocket.js';

export { WebCryptoSigner } from './webcrypto-signer.js';
export {
  createKey,
  loadKey,
  forgetKey,
  memoryKeyStore,
  indexedDbKeyStore,
  DEFAULT_KEY_NAME,
} from './key-store.js';
export type { KeyStore } from './key-store.js';
export { connectWebSocket } from './websocket.js';
export type { BrowserWebSocketOptions, WebSocketLike, WebSocketConstructor } from './websocket.js';

export interface BrowserCenterOptions extends Omit<CenterOptions, 'signer' | 'transport' | 'url'> {
  /** Default: the page's own center, `ws(s)://<host>/ws`. */
  url?: string | readonly string[] | undefined;
  /** The sign-in key (a `WebCryptoSigner`, e.g. from `loadKey`), or any signer. */
  key: ChallengeSigner;
  /** WebSocket options (serializers, timeout), or another transport. */
  websocket?: BrowserWebSocketOptions | undefined;
  transport?: ((url: string) => Promise<Transport>) | undefined;
}

/** The WAMP URL of the center that served the page. */
export function pageCenterUrl(): string {
  const loc = (globalThis as { location?: { protocol: string; host: string } }).location;
  if (loc === undefined) throw new Error('no page location: give url');
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`;
}

/** The client, not yet connected: watch `onState`, then `open()`. */
export function centerClient(options: BrowserCenterOptions): Center {
  const { key, websocket, transport, url, ...rest } = options;
  return new CenterClient({
    ...rest,
    url: url ?? pageCenterUrl(),
    signer: key,
    transport: transport ?? ((u) => connectWebSocket(u, websocket)),
  }) as Center;
}

/** Connect to the center and join. */
export async function connectCenter(options: BrowserCenterOptions): Promise<Center> {
  const client = centerClient(options);
  await client.open();
  return client;
}

export * from '../index.js';
