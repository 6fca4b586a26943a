/**
 * The paths of a `web` (or `universal`) transport: each request goes to the service
 * mounted at the longest matching path; services can be started and stopped live.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebPathConfig } from '@cdc/config';
import { sendText } from './types.js';
import type { WebService } from './types.js';

/** `/` → ``, `/a/b/` → `a/b`. */
export function normalizeMount(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

export class WebTree {
  private readonly services = new Map<string, WebService>();
  private readonly configs = new Map<string, WebPathConfig>();

  set(path: string, service: WebService, config: WebPathConfig): void {
    this.services.set(normalizeMount(path), service);
    this.configs.set(normalizeMount(path), config);
  }

  delete(path: string): boolean {
    this.configs.delete(normalizeMount(path));
    return this.services.delete(normalizeMount(path));
  }

  get(path: string): WebService | undefined {
    return this.services.get(normalizeMount(path));
  }

  /** The config a service was started with. */
  config(path: string): WebPathConfig | undefined {
    return this.configs.get(normalizeMount(path));
  }

  paths(): string[] {
    return [...this.services.keys()].map((p) => (p === '' ? '/' : p)).sort();
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    let path: string;
    try {
      path = normalizeMount(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      sendText(res, 400, 'Bad Request\n');
      return;
    }
    // Longest mount first: `a/b/c`, `a/b`, `a`, then the root.
    let mount = path;
    for (;;) {
      const svc = this.services.get(mount);
      if (svc !== undefined) {
        const rest = mount === '' ? path : path.slice(mount.length + 1);
        Promise.resolve(svc.handle(req, res, rest)).catch(() => {
          if (!res.headersSent) sendText(res, 500, 'Internal Server Error\n');
          else res.destroy();
        });
        return;
      }
      if (mount === '') break;
      const i = mount.lastIndexOf('/');
      mount = i < 0 ? '' : mount.slice(0, i);
    }
    sendText(res, 404, 'Not Found\n');
  }
}
