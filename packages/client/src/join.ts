/**
 * Session establishment [WAMP basic §Session Establishment, advanced §Authentication]:
 * HELLO, any number of CHALLENGE/AUTHENTICATE rounds, then WELCOME (a {@link Session}) or
 * ABORT (an {@link AbortError}).
 * @module
 */
import {
  CLIENT_ROLES,
  MessageType,
  WampErrors,
  WampError,
  messageName,
  errorMessage,
} from '@cdc/protocol';
import type { Challenge, Dict, HelloDetails, Transport, WampMessage } from '@cdc/protocol';
import { ClientAuth } from './auth/methods.js';
import type { AuthOptions } from './auth/methods.js';
import { AbortError, CANNOT_AUTHENTICATE, TransportLostError } from './errors.js';
import { Link } from './link.js';
import { Session } from './session.js';
import type { SessionOptions } from './session.js';
import { checkUri } from './validate.js';

/** The agent string sent in HELLO unless `agent` is given. */
export const DEFAULT_AGENT = 'cdc-client/0.1.0';

export interface JoinOptions extends AuthOptions, SessionOptions {
  /** The realm to join; `null` lets the router assign one (e.g. by the authenticated key). */
  realm: string | null;
  /** HELLO `agent`. */
  agent?: string | undefined;
  /** Give up when no WELCOME/ABORT arrives within this many ms (default 30 000; 0 = never). */
  joinTimeout?: number | undefined;
}

/**
 * Join a realm over an open transport. The session owns the transport from then on and
 * closes it when it ends.
 * @example
 * const session = await joinSession(transport, { realm: 'realm1', authid: 'joe', ticket: 'secret' });
 * @throws (rejects) {@link AbortError} with the ABORT reason (`wamp.error.not_authorized`,
 *   `wamp.error.no_such_realm`, …), or `wamp.error.cannot_authenticate` when the client could
 *   not answer a challenge; {@link TransportLostError} when the transport closes first;
 *   WampError `wamp.error.timeout` after `joinTimeout`.
 */
export function joinSession(transport: Transport, options: JoinOptions): Promise<Session> {
  return new Promise<Session>((resolve, reject) => {
    const realm = options.realm;
    if (realm !== null) {
      const bad = checkUri(realm, 'realm');
      if (bad !== undefined) return reject(bad);
    }
    if (!transport.isOpen) return reject(new TransportLostError('the transport is not open'));

    const link = new Link(transport);
    const auth = new ClientAuth(options);
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      reject(error);
    };
    const abort = (reason: string, message: string): void => {
      link.abort(reason, message);
      fail(new AbortError(reason, { message }));
    };
    const onChallenge = (m: Challenge): void => {
      auth.answer(m.authmethod, m.extra, transport.info.channelId).then(
        ({ signature, extra }) => {
          if (settled) return;
          try {
            link.send({ type: MessageType.AUTHENTICATE, signature, extra });
          } catch (e) {
            abort(CANNOT_AUTHENTICATE, errorMessage(e));
          }
        },
        (e: unknown) => {
          if (!settled) abort(CANNOT_AUTHENTICATE, errorMessage(e));
        },
      );
    };
    const onMessage = (m: WampMessage): void => {
      if (settled) return;
      switch (m.type) {
        case MessageType.WELCOME: {
          // Mutual authentication (SCRAM): a router that cannot prove it knows our
          // credentials is not joined.
          const refused = auth.checkWelcome(
            m.details['authmethod'],
            m.details['authextra'] as Dict,
          );
          if (refused !== undefined) return abort(WampErrors.AUTHENTICATION_FAILED, refused);
          settled = true;
          if (timer !== undefined) clearTimeout(timer);
          resolve(new Session(link, m, realm, options));
          return;
        }
        case MessageType.CHALLENGE:
          return onChallenge(m);
        case MessageType.ABORT:
          link.close();
          return fail(new AbortError(m.reason, m.details, m.args, m.kwargs));
        default:
          return abort(
            WampErrors.PROTOCOL_VIOLATION,
            `${messageName(m.type)} is not expected before WELCOME`,
          );
      }
    };
    link.setSink({
      onMessage,
      onViolation: (message) => abort(WampErrors.PROTOCOL_VIOLATION, message),
      onClose: () => fail(new TransportLostError('the transport closed before WELCOME')),
    });

    const { authmethods, authextra } = auth.hello();
    const details: HelloDetails = { roles: CLIENT_ROLES, authmethods };
    details.agent = options.agent ?? DEFAULT_AGENT;
    // autobahn-cpp sends authid "" for none; we leave it out instead.
    if (options.authid !== undefined && options.authid !== '') details.authid = options.authid;
    if (options.authrole !== undefined) details.authrole = options.authrole;
    if (authextra !== undefined) details.authextra = authextra;
    try {
      link.send({ type: MessageType.HELLO, realm, details });
    } catch (e) {
      link.close();
      return fail(new TransportLostError(errorMessage(e)));
    }
    const timeout = options.joinTimeout ?? 30_000;
    if (timeout > 0) {
      timer = setTimeout(() => {
        link.close();
        fail(WampError.of(WampErrors.TIMEOUT, `no WELCOME within ${timeout} ms`));
      }, timeout);
    }
  });
}
