/**
 * Rate limits of registrations (SPEC §4.4): per key, per email address and per source
 * address, so many pending at once and so many mails an hour. A center behind a proxy (one
 * source for everybody) or a benchmark raises the source limits.
 * @module
 */
import { WampError } from '@cdc/protocol';
import { CdcErrors } from '@cdc/api';
import type { RegistrationLimits, RegistrationOutcome, RegistrationScope } from '@cdc/store';

export type LimitsConfig = Record<RegistrationScope, RegistrationLimits>;
export type LimitsOverride = Partial<Record<RegistrationScope, Partial<RegistrationLimits>>>;

// Three failed registrations a day per email address cap a PIN-guesser, who may have a
// victim's name and address but not the mail, at 15 guesses of 90,000 a day.
export const DEFAULT_LIMITS: LimitsConfig = {
  key: { pending: 5, per_hour: 20, failed_per_day: 3 },
  email: { pending: 5, per_hour: 20, failed_per_day: 3 },
  source: { pending: 5, per_hour: 20, failed_per_day: 10 },
};

const SCOPES: readonly RegistrationScope[] = ['key', 'email', 'source'];

/** The defaults with `o` over them; bad values are refused with a message naming them. */
export function limitsWith(o: unknown): LimitsConfig {
  if (o === undefined || o === null) return DEFAULT_LIMITS;
  if (typeof o !== 'object' || Array.isArray(o))
    throw new Error('registration limits must be an object like {"source": {"pending": 50}}');
  const out = structuredClone(DEFAULT_LIMITS);
  for (const [scope, v] of Object.entries(o as Record<string, unknown>)) {
    if (!(SCOPES as readonly string[]).includes(scope))
      throw new Error(`registration limits: unknown scope "${scope}" (key, email, source)`);
    if (typeof v !== 'object' || v === null)
      throw new Error(`registration limits: "${scope}" must be an object`);
    for (const [k, n] of Object.entries(v as Record<string, unknown>)) {
      if (k !== 'pending' && k !== 'per_hour' && k !== 'failed_per_day')
        throw new Error(
          `registration limits: "${scope}.${k}" is not pending, per_hour or failed_per_day`,
        );
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
        throw new Error(`registration limits: "${scope}.${k}" must be a positive integer`);
      out[scope as RegistrationScope][k] = n;
    }
  }
  return out;
}

const WHO: Record<RegistrationScope, string> = {
  key: 'this key',
  email: 'this email address',
  source: 'your network address',
};

/** The error for a limit hit: when to try again, in the message and as `retry_after` (s). */
export function rateLimited(hit: Extract<RegistrationOutcome, { ok: false }>): WampError {
  const what =
    hit.limit === 'pending'
      ? `too many pending registrations for ${WHO[hit.scope]}`
      : hit.limit === 'per_hour'
        ? `too many registration mails for ${WHO[hit.scope]} in the last hour`
        : `too many registrations for ${WHO[hit.scope]} ended with wrong PINs today`;
  return new WampError(CdcErrors.RATE_LIMITED, [`${what}; try again in ${hit.retry_after_s} s`], {
    retry_after: hit.retry_after_s,
    scope: hit.scope,
    limit: hit.limit,
  });
}
