/**
 * The quickstart node's `config.json`, and what an existing one says (its router's port).
 * @module
 */
import { readFileSync } from 'node:fs';

/** One router worker `router1` with `realm1`, open to anonymous, transport `main` on `port`. */
export const nodeConfig = (port: number) => ({
  version: 2,
  controller: { options: { title: 'quickstart node' } },
  workers: [
    {
      type: 'router',
      id: 'router1',
      options: { restart: 'on-failure' },
      realms: [
        {
          name: 'realm1',
          roles: [
            {
              name: 'anonymous',
              permissions: [
                {
                  uri: '',
                  match: 'prefix',
                  allow: { call: true, register: true, publish: true, subscribe: true },
                },
              ],
            },
          ],
        },
      ],
      transports: [
        {
          type: 'universal',
          id: 'main',
          endpoint: { type: 'tcp', port, interface: '127.0.0.1' },
          rawsocket: {},
          websocket: { ws: {} },
          web: { paths: { info: { type: 'nodeinfo' } } },
        },
      ],
    },
  ],
});

/** The port of the node's first TCP transport, as its config (perhaps edited since) says. */
export function routerPort(configFile: string): number | undefined {
  type Config = { workers?: { transports?: { endpoint?: { type?: string; port?: number } }[] }[] };
  try {
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as Config;
    for (const w of config.workers ?? [])
      for (const t of w.transports ?? [])
        if (t.endpoint?.type === 'tcp' && typeof t.endpoint.port === 'number')
          return t.endpoint.port;
  } catch {
    // Not a config we can read: the node itself reports what is wrong with it.
  }
  return undefined;
}
