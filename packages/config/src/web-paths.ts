/**
 * The web paths of a transport, where they sit in its config (`paths` of a `web`
 * transport, `web.paths` of a `universal` one).
 * @module
 */
import type { TransportConfig, WebPathConfig } from './types.js';

/** The web paths of a web or universal transport; undefined for other transports. */
export function webPathsOf(t: TransportConfig): Record<string, WebPathConfig> | undefined {
  if (t.type === 'web') return t.paths;
  if (t.type === 'universal') return t.web?.paths ?? {};
  return undefined;
}

/** The transport with these web paths in place of its own (other transports as they are). */
export function withWebPaths(
  t: TransportConfig,
  paths: Record<string, WebPathConfig>,
): TransportConfig {
  if (t.type === 'web') return { ...t, paths };
  if (t.type === 'universal') return { ...t, web: { ...t.web, paths } };
  return t;
}
