/**
 * The `ws` package, loaded when the first WebSocket is opened or served: a process that has
 * none (a node controller without a center, most `cdc` commands) never loads it, which
 * keeps several MB off its resident memory.
 * @module
 */
import type { WebSocket as WsWebSocket, WebSocketServer as WsWebSocketServer } from 'ws';

interface WsModule {
  WebSocket: typeof WsWebSocket;
  WebSocketServer: typeof WsWebSocketServer;
}

let loaded: WsModule | undefined;

/** Load `ws` (once). */
export async function loadWs(): Promise<WsModule> {
  if (loaded === undefined) {
    const m = await import('ws');
    loaded = { WebSocket: m.WebSocket, WebSocketServer: m.WebSocketServer };
  }
  return loaded;
}

/** `ws`, once {@link loadWs} has run. */
export function ws(): WsModule {
  if (loaded === undefined) throw new Error('the ws module is not loaded yet (await loadWs())');
  return loaded;
}
