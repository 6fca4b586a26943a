/**
 * `GET /api/events/<topic>`: a realm's public events as Server-Sent Events (SPEC §7). The
 * subscription is made on the token's session, so the router decides what the token may
 * follow; the stream ends when the client goes, the token's session ends (revocation) or
 * the center stops. A comment line every 15 s keeps proxies from timing the stream out.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SUBSCRIBABLE_PREFIXES } from '@cdc/api';
import { WampErrors } from '@cdc/protocol';
import type { TokenSession } from './sessions.js';
import { apiError, fromWamp, sendError } from './status.js';

const TOPIC = /^[A-Za-z0-9_.@-]{1,255}$/;
const KEEPALIVE_MS = 15_000;

export class EventStreams {
  private readonly open = new Set<() => void>();

  /** Whether `topic` is one a token may ask for at all (the router then checks the role). */
  static problem(topic: string): string | undefined {
    if (!TOPIC.test(topic) || !SUBSCRIBABLE_PREFIXES.some((p) => topic.startsWith(p)))
      return `"${topic}" is not an event topic of the public API (${SUBSCRIBABLE_PREFIXES.join('…, ')}…)`;
    return undefined;
  }

  get size(): number {
    return this.open.size;
  }

  async stream(
    req: IncomingMessage,
    res: ServerResponse,
    s: TokenSession,
    topic: string,
    headers: Record<string, string>,
  ): Promise<void> {
    const problem = EventStreams.problem(topic);
    if (problem !== undefined) {
      sendError(res, apiError(404, WampErrors.INVALID_URI, problem), headers);
      return;
    }
    let ended = false;
    const sub = await s.session
      .subscribe(topic, (args, kwargs) => {
        if (!ended) res.write(`event: ${topic}\ndata: ${JSON.stringify({ args, kwargs })}\n\n`);
      })
      .catch((e: unknown) => {
        sendError(res, fromWamp(e), headers);
        return undefined;
      });
    if (sub === undefined) return;
    s.streams++;
    res.writeHead(200, {
      ...headers,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(`: subscribed to ${topic}\n\n`);
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
    const end = (): void => {
      if (ended) return;
      ended = true;
      clearInterval(keepalive);
      s.streams--;
      this.open.delete(end);
      void sub.unsubscribe().catch(() => undefined);
      res.end();
    };
    this.open.add(end);
    req.on('close', end);
    res.on('close', end);
    void s.session.closed.then(end);
  }

  close(): void {
    for (const end of [...this.open]) end();
  }
}
