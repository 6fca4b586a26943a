/**
 * ERROR replies to a client's request, shared by broker and dealer.
 * @module
 */
import { MessageType, WampErrors } from '@cdc/protocol';
import type { Dict } from '@cdc/protocol';
import type { RouterSession } from './session.js';

/** `[ERROR, requestType, requestId, details, uri, [message]]`; a peer that cannot take it is skipped. */
export function replyError(
  session: RouterSession,
  requestType: number,
  requestId: number,
  uri: string,
  message: string,
  details: Dict = {},
): void {
  session.trySend([MessageType.ERROR, requestType, requestId, details, uri, [message]]);
}

/** A dynamic authorizer failed (or refused with its own error): tell the client why. */
export function replyAuthorizerFailed(
  session: RouterSession,
  requestType: number,
  requestId: number,
  e: unknown,
): void {
  const err = e as { uri?: string; message?: string };
  replyError(
    session,
    requestType,
    requestId,
    err.uri ?? WampErrors.AUTHORIZATION_FAILED,
    err.message ?? 'authorization failed',
  );
}
