/**
 * Pages by the URL's hash (`#/node/n1/worker/w1`): the center serves one `index.html`, and
 * the back button and links work without any server help.
 * @module
 */
import { signal } from '@preact/signals';

export type Route =
  | { page: 'overview' }
  | { page: 'node'; node: string }
  | { page: 'worker'; node: string; worker: string }
  | { page: 'router'; node: string; router: string }
  | { page: 'access' }
  | { page: 'audit' };

export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((p) => p !== '')
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  const [a, b, c, d] = parts;
  if (a === 'node' && b !== undefined) {
    if (c === 'worker' && d !== undefined) return { page: 'worker', node: b, worker: d };
    if (c === 'router' && d !== undefined) return { page: 'router', node: b, router: d };
    return { page: 'node', node: b };
  }
  if (a === 'access') return { page: 'access' };
  if (a === 'audit') return { page: 'audit' };
  return { page: 'overview' };
}

export function href(r: Route): string {
  const e = encodeURIComponent;
  switch (r.page) {
    case 'overview':
      return '#/';
    case 'node':
      return `#/node/${e(r.node)}`;
    case 'worker':
      return `#/node/${e(r.node)}/worker/${e(r.worker)}`;
    case 'router':
      return `#/node/${e(r.node)}/router/${e(r.router)}`;
    case 'access':
      return '#/access';
    case 'audit':
      return '#/audit';
  }
}

const here = (globalThis as { location?: Location }).location;
export const route = signal<Route>(parseRoute(here?.hash ?? ''));

export function watchRoute(): void {
  addEventListener('hashchange', () => {
    route.value = parseRoute(location.hash);
  });
}
