/**
 * Installs the router-implemented `wamp.*` procedures on a realm.
 * @module
 */
import type { Realm } from '../realm.js';
import { installRegistrationMeta } from './registration-meta.js';
import { installSessionMeta } from './session-meta.js';
import { installSubscriptionMeta } from './subscription-meta.js';
import { installTestamentMeta } from './testament.js';

export function installMetaApi(realm: Realm): void {
  installSessionMeta(realm);
  installRegistrationMeta(realm);
  installSubscriptionMeta(realm);
  installTestamentMeta(realm);
}
