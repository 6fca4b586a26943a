/**
 * Builds the method handlers for a transport's `auth` block. A transport without one
 * accepts anonymous sessions under role `anonymous`, as Crossbar.io does.
 * @module
 */
import { anonymousHandler } from './anonymous.js';
import { cookieHandler } from './cookie.js';
import { cryptosignHandler } from './cryptosign.js';
import type { InternalCaller } from './dynamic.js';
import type { RealmDirectory } from './principal.js';
import { scramHandler } from './scram.js';
import { tlsHandler } from './tls.js';
import { ticketHandler } from './ticket.js';
import type { AuthConfig, AuthMethodHandler } from './types.js';
import { wampcraHandler } from './wampcra.js';

export type * from './types.js';
export type { RealmDirectory } from './principal.js';
export type { InternalCaller } from './dynamic.js';

export function buildAuthMethods(
  config: AuthConfig | undefined,
  dir: RealmDirectory,
  caller: InternalCaller,
): Map<string, AuthMethodHandler> {
  const out = new Map<string, AuthMethodHandler>();
  const cfg = config ?? { anonymous: { type: 'static', role: 'anonymous' } };
  if (cfg.anonymous !== undefined)
    out.set('anonymous', anonymousHandler(cfg.anonymous, dir, caller));
  if (cfg.ticket !== undefined) out.set('ticket', ticketHandler(cfg.ticket, dir, caller));
  if (cfg.wampcra !== undefined) out.set('wampcra', wampcraHandler(cfg.wampcra, dir, caller));
  if (cfg.cryptosign !== undefined)
    out.set('cryptosign', cryptosignHandler(cfg.cryptosign, dir, caller));
  if (cfg.scram !== undefined) out.set('scram', scramHandler(cfg.scram, dir, caller));
  if (cfg.tls !== undefined) out.set('tls', tlsHandler(cfg.tls, dir, caller));
  if (cfg.cookie !== undefined) out.set('cookie', cookieHandler(dir));
  return out;
}
