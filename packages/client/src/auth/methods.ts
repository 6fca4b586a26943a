/**
 * Which authentication methods a client offers in HELLO, and how it answers each CHALLENGE
 * [WAMP advanced §Authentication]. Several challenge rounds are possible; each is answered
 * on its own.
 * @module
 */
import type { Dict } from '../types.js';
import { answerCryptosign, cryptosignHelloExtra } from './cryptosign.js';
import type { ChallengeSigner, ChannelBinding } from './cryptosign.js';
import { ScramExchange } from './scram.js';
import { answerCra } from './wampcra.js';

/** Supplies a ticket when the router challenges for one (receives the CHALLENGE extra). */
export type TicketProvider = (extra: Dict) => string | Promise<string>;

/** Answers a CHALLENGE for a method without built-in support: the AUTHENTICATE signature. */
export type ChallengeHandler = (
  method: string,
  extra: Dict,
) =>
  | string
  | { signature: string; extra?: Dict }
  | Promise<string | { signature: string; extra?: Dict }>;

export interface AuthOptions {
  authid?: string | undefined;
  authrole?: string | undefined;
  /** Sent as HELLO `authextra`; merged over what the methods add (e.g. `pubkey`). */
  authextra?: Dict | undefined;
  /**
   * The methods offered, in order of preference. Default: those configured below
   * (`cryptosign` if `signer`, `scram` if `password`, `wampcra` if `secret`, `ticket` if
   * `ticket`), or
   * `["anonymous"]` when none is.
   */
  authmethods?: string[] | undefined;
  /** `ticket` authentication: the ticket, or a function that produces it. */
  ticket?: string | TicketProvider | undefined;
  /** `wampcra` authentication: the shared secret (salted keys are derived as needed). */
  secret?: string | undefined;
  /** `cryptosign` authentication: the key that signs challenges. */
  signer?: ChallengeSigner | undefined;
  /** Ask for cryptosign channel binding; the transport must then provide a channel ID. */
  channelBinding?: ChannelBinding | null | undefined;
  /**
   * `scram` authentication: the password (with `authid`). The router's CHALLENGE names the
   * KDF and its parameters; WELCOME must carry the router's proof, or the join fails.
   */
  password?: string | undefined;
  /**
   * Keep the SCRAM salted password in memory for the next login with the same parameters
   * (default true: a reconnect then costs no KDF run). False runs the KDF every time.
   */
  cacheSaltedPassword?: boolean | undefined;
  /** Answers challenges for any other method. */
  onChallenge?: ChallengeHandler | undefined;
}

/** The HELLO `authmethods` and `authextra` for these options. */
function helloAuth(
  o: AuthOptions,
  scram: ScramExchange | undefined,
): { authmethods: string[]; authextra: Dict | undefined } {
  const authmethods = offeredMethods(o);
  let authextra: Dict | undefined;
  if (o.signer !== undefined && authmethods.includes('cryptosign')) {
    authextra = cryptosignHelloExtra(o.signer, o.channelBinding);
  }
  if (scram !== undefined) authextra = { ...authextra, ...scram.helloExtra() };
  if (o.authextra !== undefined) authextra = { ...authextra, ...o.authextra };
  return { authmethods, authextra };
}

function offeredMethods(o: AuthOptions): string[] {
  const methods: string[] = [];
  if (o.signer !== undefined) methods.push('cryptosign');
  if (o.password !== undefined) methods.push('scram');
  if (o.secret !== undefined) methods.push('wampcra');
  if (o.ticket !== undefined) methods.push('ticket');
  return o.authmethods ?? (methods.length > 0 ? methods : ['anonymous']);
}

/** An AUTHENTICATE answer. */
export interface ChallengeAnswer {
  signature: string;
  extra: Dict;
}

/**
 * The authentication of one join: what HELLO carries, the answer to each CHALLENGE, and
 * the check of WELCOME (SCRAM's server signature).
 */
export class ClientAuth {
  private readonly scram: ScramExchange | undefined;

  constructor(private readonly o: AuthOptions) {
    this.scram =
      o.password !== undefined && offeredMethods(o).includes('scram')
        ? new ScramExchange(
            o.authid ?? '',
            o.password,
            o.channelBinding,
            o.cacheSaltedPassword ?? true,
          )
        : undefined;
  }

  hello(): { authmethods: string[]; authextra: Dict | undefined } {
    return helloAuth(this.o, this.scram);
  }

  answer(method: string, extra: Dict, channelId: Uint8Array | undefined): Promise<ChallengeAnswer> {
    if (method === 'scram' && this.scram !== undefined) return this.scram.answer(extra, channelId);
    return answerChallenge(this.o, method, extra, channelId);
  }

  /** Why WELCOME must be refused, or undefined. */
  checkWelcome(authmethod: unknown, authextra: Dict | undefined): string | undefined {
    if (authmethod === 'scram' && this.scram !== undefined)
      return this.scram.checkWelcome(authextra);
    return undefined;
  }
}

/**
 * Answers one CHALLENGE.
 * @throws Error when there are no credentials for the method or signing fails.
 */
async function answerChallenge(
  o: AuthOptions,
  method: string,
  extra: Dict,
  channelId: Uint8Array | undefined,
): Promise<ChallengeAnswer> {
  if (method === 'ticket' && o.ticket !== undefined) {
    const ticket = typeof o.ticket === 'string' ? o.ticket : await o.ticket(extra);
    return { signature: ticket, extra: {} };
  }
  if (method === 'wampcra' && o.secret !== undefined) {
    return { signature: await answerCra(o.secret, extra), extra: {} };
  }
  if (method === 'cryptosign' && o.signer !== undefined) {
    const signature = await answerCryptosign(o.signer, extra, o.channelBinding, channelId);
    return { signature, extra: {} };
  }
  if (o.onChallenge !== undefined) {
    const answer = await o.onChallenge(method, extra);
    return typeof answer === 'string'
      ? { signature: answer, extra: {} }
      : { signature: answer.signature, extra: answer.extra ?? {} };
  }
  throw new Error(`no credentials for authentication method "${method}"`);
}
