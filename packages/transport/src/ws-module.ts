/**
 * The `ws` package, loaded when the first WebSocket is opened or served: a process that has
 * none (a node controller without a center, most `cdc` commands) never loads it, which
 * keeps several MB off its resident memory. It is required, not imported: `ws` is CommonJS,
 * and through its ES module wrapper Node parses each of its files for their exports first,
 * which took ~55 ms against ~20 ms for `cdc nodes` (docs/PERFORMANCE.md, issue 12).
 * @module
 */
import { createRequire } from 'node:module';
import type { WebSocket as WsWebSocket, WebSocketServer as WsWebSocketServer } from 'ws';

interface WsModule {
  WebSocket: typeof WsWebSocket;
  WebSocketServer: typeof WsWebSocketServer;
}

let loaded: WsModule | undefined;

/** Load `ws` (once). Still a promise, as when it was imported: its callers are async. */
export function loadWs(): Promise<WsModule> {
  if (loaded === undefined) {
    const m = createRequire(import.meta.url)('ws') as WsModule;
    loaded = { WebSocket: m.WebSocket, WebSocketServer: m.WebSocketServer };
  }
  return Promise.resolve(loaded);
}

/** `ws`, once {@link loadWs} has run. */
export function ws(): WsModule {
  if (loaded === undefined) throw new Error('the ws module is not loaded yet (await loadWs())');
  return loaded;
}
