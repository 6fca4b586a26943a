/**
 * Role features announced in HELLO and WELCOME [WAMP advanced §Feature Announcement].
 * WELCOME roles must carry `features` objects: wampy reads them unguarded.
 * @module
 */

const PASSTHRU = {
  payload_passthru_mode: true,
  payload_transparency: true,
  payload_encryption_cryptobox: true,
};

export const ROUTER_ROLES = {
  broker: {
    features: {
      ...PASSTHRU,
      publisher_identification: true,
      publisher_exclusion: true,
      subscriber_blackwhite_listing: true,
      pattern_based_subscription: true,
      subscription_revocation: true,
      event_retention: true,
      event_history: true,
      session_meta_api: true,
      subscription_meta_api: true,
    },
  },
  dealer: {
    features: {
      ...PASSTHRU,
      caller_identification: true,
      call_canceling: true,
      call_timeout: true,
      progressive_call_results: true,
      progressive_call_invocations: true,
      pattern_based_registration: true,
      shared_registration: true,
      registration_revocation: true,
      session_meta_api: true,
      registration_meta_api: true,
      testament_meta_api: true,
    },
  },
} as const;

export const CLIENT_ROLES = {
  publisher: {
    features: {
      ...PASSTHRU,
      publisher_identification: true,
      publisher_exclusion: true,
      subscriber_blackwhite_listing: true,
    },
  },
  subscriber: {
    features: {
      ...PASSTHRU,
      publisher_identification: true,
      pattern_based_subscription: true,
      subscription_revocation: true,
    },
  },
  caller: {
    features: {
      ...PASSTHRU,
      caller_identification: true,
      call_canceling: true,
      call_timeout: true,
      progressive_call_results: true,
      progressive_call_invocations: true,
    },
  },
  callee: {
    features: {
      ...PASSTHRU,
      caller_identification: true,
      call_canceling: true,
      call_timeout: true,
      pattern_based_registration: true,
      shared_registration: true,
      progressive_call_results: true,
      progressive_call_invocations: true,
      registration_revocation: true,
    },
  },
} as const;

/** Whether a peer's HELLO roles announce `feature` for `role`; accepts the spec's spelling variants. */
export function hasFeature(
  roles: Record<string, unknown> | undefined,
  role: string,
  feature: string,
): boolean {
  const r = roles?.[role] as { features?: Record<string, unknown> } | undefined;
  const f = r?.features;
  if (f === undefined) return false;
  if (f[feature] === true) return true;
  // The spec's progressive-invocation text spells it "call_cancelling".
  return feature === 'call_canceling' && f['call_cancelling'] === true;
}
