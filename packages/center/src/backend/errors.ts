/**
 * Storage failures as the public API reports them.
 * @module
 */
import { WampError, WampErrors } from '@cdc/protocol';
import { StoreError } from '@cdc/store';
import { CdcErrors } from '@cdc/api';

/** Map a StoreError to the WAMP error a caller gets; anything else passes unchanged. */
export function storeToWamp(e: unknown): unknown {
  if (!(e instanceof StoreError)) return e;
  switch (e.code) {
    case 'ALREADY_EXISTS':
    case 'CONFLICT':
      return WampError.of(CdcErrors.ALREADY_EXISTS, e.message);
    case 'INVALID':
      return WampError.of(WampErrors.INVALID_ARGUMENT, e.message);
    case 'NOT_FOUND':
      return WampError.of(CdcErrors.NO_SUCH_NODE, e.message);
    case 'FENCED':
      return WampError.of(CdcErrors.REALM_MOVED, e.message);
    default:
      return WampError.of(CdcErrors.DATABASE_UNAVAILABLE, e.message);
  }
}
