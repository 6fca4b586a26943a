/**
 * Building blocks of the test matrices: the authentication kinds a cell can use (mapped to
 * the router's credentials and to what the welcomed session must look like), and the
 * check that a peer with bad credentials is refused.
 * @module
 */
import assert from 'node:assert/strict';
import { SigningKey } from '@cdc/cryptosign';
import { describeRun, runPeer, scenarioArgs } from './peers.js';
import type { PeerAuth, PeerLauncher, ScenarioParams } from './peers.js';
import { USER_ROLE } from './router.js';
import type { Credentials } from './router.js';
import { cellPrefix } from './scenario.js';
import type { Expect } from './scenario.js';

export type AuthKind =
  | 'anonymous'
  | 'ticket'
  | 'wampcra'
  | 'wampcra-salted'
  | 'cryptosign'
  /** cryptosign without an authid: the router finds the principal by the public key. */
  | 'cryptosign-by-key'
  /** cryptosign with `channel_binding: 'tls-unique'` (TLS transports only). */
  | 'cryptosign-tls-unique';

export type AuthExpect = Pick<Expect, 'authmethod' | 'authrole' | 'authid'>;

/** The peer's credentials for `kind` and the principal the router must assign. */
export function authFor(c: Credentials, kind: AuthKind): { auth: PeerAuth; expect: AuthExpect } {
  const cs = c.cryptosign;
  const signed = { authmethod: 'cryptosign', authid: cs.authid, authrole: USER_ROLE };
  switch (kind) {
    case 'anonymous':
      return {
        auth: { method: 'anonymous' },
        expect: { authmethod: 'anonymous', authrole: 'anonymous' },
      };
    case 'ticket':
      return {
        auth: { method: 'ticket', ...c.ticket },
        expect: { authmethod: 'ticket', authid: c.ticket.authid, authrole: USER_ROLE },
      };
    case 'wampcra':
      return {
        auth: { method: 'wampcra', ...c.wampcra },
        expect: { authmethod: 'wampcra', authid: c.wampcra.authid, authrole: USER_ROLE },
      };
    case 'wampcra-salted':
      return {
        auth: { method: 'wampcra', ...c.wampcraSalted },
        expect: { authmethod: 'wampcra', authid: c.wampcraSalted.authid, authrole: USER_ROLE },
      };
    case 'cryptosign':
      return {
        auth: { method: 'cryptosign', authid: cs.authid, seedHex: cs.seedHex },
        expect: signed,
      };
    case 'cryptosign-by-key':
      return { auth: { method: 'cryptosign', seedHex: cs.seedHex }, expect: signed };
    case 'cryptosign-tls-unique':
      return {
        auth: {
          method: 'cryptosign',
          authid: cs.authid,
          seedHex: cs.seedHex,
          channelBinding: 'tls-unique',
        },
        expect: signed,
      };
  }
}

/** Bad credentials, and the ABORT reason the router must answer them with. */
export type Rejection = 'wrong-ticket' | 'wrong-wampcra-secret' | 'unknown-cryptosign-key';

export function rejectionFor(c: Credentials, kind: Rejection): { auth: PeerAuth; reason: string } {
  switch (kind) {
    case 'wrong-ticket':
      return {
        auth: { method: 'ticket', authid: c.ticket.authid, ticket: 'not-the-ticket' },
        reason: 'wamp.error.authentication_failed',
      };
    case 'wrong-wampcra-secret':
      return {
        auth: { method: 'wampcra', authid: c.wampcra.authid, secret: 'not-the-secret' },
        reason: 'wamp.error.authentication_failed',
      };
    case 'unknown-cryptosign-key':
      return {
        auth: {
          method: 'cryptosign',
          authid: c.cryptosign.authid,
          seedHex: Buffer.from(SigningKey.generate().seed).toString('hex'),
        },
        reason: 'wamp.error.not_authorized',
      };
  }
}

/**
 * Run a peer that must be refused: it never joins, and reports the router's ABORT reason.
 */
export async function runRejected(
  name: string,
  launcher: PeerLauncher,
  params: Omit<ScenarioParams, 'prefix' | 'realm'>,
  reason: string,
  extraArgs: string[] = [],
): Promise<void> {
  const run = await runPeer(launcher, [
    ...scenarioArgs({ ...params, prefix: cellPrefix(name), realm: 'realm1' }),
    ...extraArgs,
  ]);
  const why = `\n--- ${launcher.name} ---\n${describeRun(run)}`;
  assert.equal(
    run.lines.find((l) => l.kind === 'joined'),
    undefined,
    `the peer must not join${why}`,
  );
  const left = run.lines.find((l) => l.kind === 'left');
  assert.equal(left?.['reason'], reason, `the peer reports the ABORT reason${why}`);
  assert.notEqual(run.code, 0, `the peer exits non-zero${why}`);
}
