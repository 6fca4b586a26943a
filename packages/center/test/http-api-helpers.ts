/** Helpers of the HTTP API tests: requests with Node's `http` client, raw sockets, SSE. */
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { connect as tcpConnect } from 'node:net';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  text: string;
}

/** The HTTP base (`http://127.0.0.1:port`) of a center's WebSocket URL. */
export function httpBase(wsUrl: string): string {
  const u = new URL(wsUrl);
  return `http://${u.host}`;
}

export function http(
  base: string,
  method: string,
  path: string,
  o: { token?: string | undefined; body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token !== undefined) headers['Authorization'] = `Bearer ${o.token}`;
    if (o.body !== undefined) headers['Content-Type'] ??= 'application/json';
    const req = request(`${base}${path}`, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(text) as Record<string, unknown>;
        } catch {
          // not JSON: the test looks at `text`
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
      });
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

/** POST /api/<procedure> with `{args, kwargs}`. */
export function post(
  base: string,
  procedure: string,
  token: string | undefined,
  args: unknown[] = [],
  kwargs: Record<string, unknown> = {},
): Promise<Answer> {
  return http(base, 'POST', `/api/${procedure}`, {
    ...(token !== undefined ? { token } : {}),
    body: JSON.stringify({ args, kwargs }),
  });
}

/** Write raw bytes to the port and collect the answer until the server closes or `ms` pass. */
export function raw(base: string, bytes: string, ms = 3000): Promise<string> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const s = tcpConnect(Number(u.port), u.hostname);
    let out = '';
    const timer = setTimeout(() => s.destroy(), ms);
    s.on('data', (d) => (out += d.toString('latin1')));
    s.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    s.on('error', reject);
    s.write(bytes);
  });
}

export interface EventStream {
  status: number;
  events: { event: string; data: unknown }[];
  close(): void;
  /** The first event matching `pred` (waits). */
  next(pred: (e: { event: string; data: unknown }) => boolean, ms?: number): Promise<unknown>;
  subscribed: Promise<void>;
}

/** GET /api/events/<topic> and parse the stream. */
export function sse(base: string, topic: string, token: string): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}/api/events/${topic}`,
      { headers: { Authorization: `Bearer ${token}` }, agent: false },
      (res) => {
        const events: { event: string; data: unknown }[] = [];
        const waiters: (() => void)[] = [];
        let buf = '';
        let onSubscribed: () => void = () => undefined;
        const subscribed = new Promise<void>((r) => (onSubscribed = r));
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          buf += d;
          let i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            if (block.startsWith(': subscribed')) onSubscribed();
            const ev = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (ev !== undefined && data !== undefined)
              events.push({ event: ev, data: JSON.parse(data) as unknown });
          }
          for (const w of waiters.splice(0)) w();
        });
        res.on('error', () => undefined);
        const stream: EventStream = {
          status: res.statusCode ?? 0,
          events,
          subscribed,
          close: () => req.destroy(),
          next: (pred, ms = 20_000) =>
            new Promise((ok, fail) => {
              const timer = setTimeout(() => fail(new Error('no such event in time')), ms);
              const check = (): void => {
                const hit = events.find(pred);
                if (hit !== undefined) {
                  clearTimeout(timer);
                  ok(hit.data);
                } else waiters.push(check);
              };
              check();
            }),
        };
        resolve(stream);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
