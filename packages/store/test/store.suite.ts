/**
 * The storage test suite both dialects run (SPEC §6): `sqlite.test.ts` and
 * `postgres.test.ts` call `storeSuite` with a harness that makes fresh centers.
 * @module
 */
import { cases } from './suite/harness.js';
import type { SuiteHarness } from './suite/harness.js';
import { domainCases } from './suite/domain.js';
import { lifecycleCases } from './suite/lifecycle.js';
import { lookupCases } from './suite/lookup.js';
import { realmCases } from './suite/realm.js';
import { registrationCases } from './suite/registrations.js';
import { tokenCases } from './suite/tokens.js';
import { workerCases } from './suite/workers.js';

export type { Center, SuiteHarness } from './suite/harness.js';

export function storeSuite(harness: SuiteHarness): void {
  const it = cases(harness);
  domainCases(it);
  lookupCases(it);
  realmCases(it);
  workerCases(it);
  registrationCases(it);
  tokenCases(it);
  lifecycleCases(it);
}
