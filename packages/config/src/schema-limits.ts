/**
 * JSON Schema for a router worker's `options.limits` (CDC's own keys: Crossbar.io has no
 * such block). Types in `types.ts` (`RouterLimitsConfig`).
 * @module
 */
const count = { type: 'integer', minimum: 1 };

export const routerLimits = {
  type: 'object',
  additionalProperties: false,
  properties: {
    max_pending_per_address: count,
    auth_failures_per_address: count,
    auth_failures_per_authid: count,
    auth_lockout_max: { type: 'integer', minimum: 0, maximum: 86_400_000 },
    max_registrations_per_session: count,
    max_subscriptions_per_session: count,
    max_write_buffer: { type: 'integer', minimum: 65_536 },
  },
};
