/**
 * Self-service on the global realm (SPEC §4.4, §7): `cdc register user`, `cdc register
 * realm`, `cdc verify ID PIN`, `cdc whoami`, `cdc realms`. They always join the global realm
 * `com.crossbario.cdc`, with the profile's key (or `--key`): an unknown key as a registrant.
 * @module
 */
import type { Command } from 'commander';
import { GLOBAL_REALM } from '@cdc/api';
import { WampError } from '@cdc/protocol';
import { CdcErrors } from '@cdc/api';
import type { CenterFlags } from '../center-api.js';
import { intArg } from '../input.js';
import { keyValues, printResult, table } from '../output.js';
import { withCenter } from '../profile.js';
import type { Center } from '@cdc/sdk/node';
import { connectionOptions } from './api.js';

type Flags = CenterFlags & { name?: string; email?: string };

const globalFlags = (flags: CenterFlags): CenterFlags => ({ ...flags, realm: GLOBAL_REALM });

function started(id: unknown, to: string, flags: CenterFlags): void {
  if (flags.json === true) printResult({ registration_id: id }, true);
  else
    process.stdout.write(
      `registration ${String(id)}: a mail with the PIN (as a picture) went to ${to}.\n` +
        `Within 15 minutes run: cdc verify ${String(id)} PIN\n`,
    );
}

async function registerUser(flags: Flags): Promise<void> {
  const name = flags.name ?? '';
  const email = flags.email ?? '';
  await withCenter(globalFlags(flags), async (cdc) => {
    const id = await cdc.account.registerUser(name, email, cdc.pubkey);
    started(id, email, flags);
  });
}

async function registerRealm(realm: string, flags: CenterFlags): Promise<void> {
  await withCenter(globalFlags(flags), async (cdc) => {
    const id = await cdc.account.registerManagementRealm(realm, cdc.pubkey);
    const me = await cdc.account.getUser();
    started(id, me.email, flags);
  });
}

/**
 * A registration ID is a user's or a realm's; the center says `no_such_registration` for
 * the wrong kind without counting a try, so asking as a user registration first is clean.
 */
async function verifyEither(cdc: Center, id: number, pin: number): Promise<'user' | 'realm'> {
  try {
    await cdc.account.verifyUserRegistration(id, pin);
    return 'user';
  } catch (e) {
    if (!(e instanceof WampError) || e.uri !== CdcErrors.NO_SUCH_REGISTRATION) throw e;
    // A registrant may not verify realms: the router would answer not_authorized.
    if (cdc.authrole !== 'cdc-user') throw e;
    await cdc.account.verifyManagementRealmRegistration(id, pin);
    return 'realm';
  }
}

async function verify(idArg: string, pinArg: string, flags: CenterFlags): Promise<void> {
  const id = intArg(idArg, 'ID', 1);
  const pin = intArg(pinArg, 'PIN', 0, 99_999);
  await withCenter(globalFlags(flags), async (cdc) => {
    const kind = await verifyEither(cdc, id, pin);
    if (flags.json === true) printResult({ registration_id: id, kind, result: 'OK' }, true);
    else
      process.stdout.write(
        kind === 'user'
          ? `registration ${id} verified: the user has this key now (cdc whoami)\n`
          : `registration ${id} verified: the realm is live and yours (cdc realms)\n`,
      );
  });
}

async function whoami(flags: CenterFlags): Promise<void> {
  await withCenter(globalFlags(flags), async (cdc) => {
    const me = await cdc.account.getUser();
    if (flags.json === true) return printResult(me, true);
    process.stdout.write(keyValues({ name: me.name, email: me.email }));
    process.stdout.write(`\nkeys:\n${table(me.keys)}`);
    process.stdout.write(`\nrealms:\n${table(me.realms)}`);
  });
}

async function realms(flags: CenterFlags): Promise<void> {
  await withCenter(globalFlags(flags), async (cdc) => {
    const list = await cdc.account.listManagementRealms();
    printResult(list, flags.json === true);
  });
}

export function registerRegistrationCommands(program: Command): void {
  const register = program
    .command('register')
    .description('register yourself (a user or another key) or a management realm');
  connectionOptions(
    register
      .command('user')
      .description('register a user, or another key of a user (its name and registered email)')
      .requiredOption('--name <name>', 'user name: 3-32 of a-z, 0-9, _, - starting with a letter')
      .requiredOption('--email <address>', 'where the PIN goes'),
  ).action((flags: Flags) => registerUser(flags));
  connectionOptions(
    register
      .command('realm <name>')
      .description('create a management realm owned by you; the PIN goes to your email'),
  ).action((name: string, flags: CenterFlags) => registerRealm(name, flags));
  connectionOptions(
    program
      .command('verify <id> <pin>')
      .description('confirm a user or realm registration with the PIN from the mail'),
  ).action((id: string, pin: string, flags: CenterFlags) => verify(id, pin, flags));
  connectionOptions(
    program.command('whoami').description('your user: name, email, keys, realms and roles'),
  ).action((flags: CenterFlags) => whoami(flags));
  connectionOptions(
    program.command('realms').description('the management realms you may join, with your role'),
  ).action((flags: CenterFlags) => realms(flags));
}
