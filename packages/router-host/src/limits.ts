/**
 * A router worker's `options.limits` (CDC's keys) applied: the router's caps on peers, and
 * the listeners' per-address handshake cap and write buffer bound.
 * @module
 */
import { limitsFromConfig } from '@cdc/router';
import type { Router, RouterLimitsConfig } from '@cdc/router';

/** The write buffer bound per router, for the listeners it gets later. */
const writeBuffers = new WeakMap<Router, number>();

export function applyLimits(router: Router, cfg: RouterLimitsConfig | undefined): void {
  router.limits.configure(limitsFromConfig(cfg));
  if (cfg?.max_write_buffer !== undefined) writeBuffers.set(router, cfg.max_write_buffer);
  else writeBuffers.delete(router);
}

/** What a listener of `router` takes from its limits. */
export function listenerLimits(router: Router): {
  maxPendingPerAddress: number;
  maxWriteBuffer: number | undefined;
} {
  return {
    maxPendingPerAddress: router.limits.limits.maxPendingPerAddress,
    maxWriteBuffer: writeBuffers.get(router),
  };
}
