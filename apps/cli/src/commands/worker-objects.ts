/**
 * What runs inside a worker, through the center (SPEC §4.2): `cdc realm`, `cdc role`,
 * `cdc transport`, `cdc webservice` and `cdc component`, each with `list`, `show`, `start`
 * (from a JSON config file) and `stop`; components of containers also `restart`.
 * @module
 */
import type { Command } from 'commander';
import { CliError } from '../errors.js';
import type { Center } from '@cdc/sdk/node';
import { runCall } from '../center-api.js';
import type { CenterFlags } from '../center-api.js';
import { readJsonObject } from '../input.js';
import { connectionOptions } from './api.js';
import { styleFor } from '../format/style.js';
import { transportView } from '../format/views.js';
import type { RouterTransportInfo } from '@cdc/api';

type Flags = CenterFlags & { config?: string; container?: boolean };
/** A method of the SDK's remote group. */
type RemoteMethod = keyof Center['remote'];
type Action = 'list' | 'show' | 'start' | 'stop' | 'restart';

interface Kind {
  command: string;
  /** The parent command's help. */
  description: string;
  /** The arguments after `<node> <worker>` that `list` takes (a role lives in a realm, …). */
  scope: string[];
  /** The argument naming one of them. */
  id: string;
  /** Remote procedure per action. */
  procs: Partial<Record<Action, RemoteMethod>>;
  /** With `--container`: components of a container worker. */
  containerProcs?: Partial<Record<Action, RemoteMethod>>;
  /** How `show` reads for people (else the generic key/value list). */
  showView?: (value: unknown) => string;
}

const KINDS: Kind[] = [
  {
    command: 'realm',
    description: 'realms of a router worker, through the center',
    scope: [],
    id: 'realm',
    procs: {
      list: 'getRouterRealms',
      show: 'getRouterRealmStatus',
      start: 'startRouterRealm',
      stop: 'stopRouterRealm',
    },
  },
  {
    command: 'role',
    description: 'roles of a realm in a router worker, through the center',
    scope: ['realm'],
    id: 'role',
    procs: {
      list: 'getRealmRoles',
      show: 'getRealmRoleStatus',
      start: 'startRealmRole',
      stop: 'stopRealmRole',
    },
  },
  {
    command: 'transport',
    description: 'transports of a router worker, through the center',
    scope: [],
    id: 'transport',
    showView: (v) => transportView(v as RouterTransportInfo, styleFor()),
    procs: {
      list: 'getRouterTransports',
      show: 'getRouterTransportStatus',
      start: 'startRouterTransport',
      stop: 'stopRouterTransport',
    },
  },
  {
    command: 'webservice',
    description: 'web services of a transport (by path), through the center',
    scope: ['transport'],
    id: 'path',
    procs: {
      list: 'getWebServices',
      show: 'getWebServiceStatus',
      start: 'startWebService',
      stop: 'stopWebService',
    },
  },
  {
    command: 'component',
    description:
      'components of a router worker (or with --container of a container), through the center',
    scope: [],
    id: 'component',
    procs: {
      list: 'getRouterComponents',
      show: 'getRouterComponentStatus',
      start: 'startRouterComponent',
      stop: 'stopRouterComponent',
    },
    containerProcs: {
      list: 'getContainerComponents',
      show: 'getContainerComponentStatus',
      start: 'startContainerComponent',
      stop: 'stopContainerComponent',
      restart: 'restartContainerComponent',
    },
  },
];

const HELP: Record<Action, string> = {
  list: 'list the %ss of a worker',
  show: 'the status of one %s',
  start: 'start a %s from a JSON config file',
  stop: 'stop a %s',
  restart: 'restart a %s',
};

function register(parent: Command, kind: Kind, action: Action): void {
  const ids = ['node', 'worker', ...kind.scope, ...(action === 'list' ? [] : [kind.id])];
  const cmd = connectionOptions(
    parent
      .command(`${action} ${ids.map((a) => `<${a}>`).join(' ')}`)
      .description(
        HELP[action].replace('%s', kind.command) + (action === 'restart' ? ' (--container)' : ''),
      ),
  );
  if (action === 'start')
    cmd.requiredOption('--config <file>', `the ${kind.command} config (JSON)`);
  if (kind.containerProcs !== undefined)
    cmd.option('--container', 'a component of a container worker (default: of a router worker)');
  cmd.action((...all: unknown[]) => {
    const args = all.slice(0, ids.length) as string[];
    const flags = all[ids.length] as Flags;
    const procs = flags.container === true ? kind.containerProcs : kind.procs;
    const proc = procs?.[action];
    if (proc === undefined)
      throw new CliError(
        `${kind.command} ${action} is only for components of containers: add --container`,
      );
    const config = flags.config !== undefined ? [readJsonObject(flags.config)] : [];
    // The kinds differ in their arguments; the table keeps them in the contract's order.
    const view = action === 'show' ? kind.showView : undefined;
    return runCall(
      flags,
      (cdc) => (cdc.remote[proc] as (...a: unknown[]) => Promise<unknown>)(...args, ...config),
      view !== undefined ? (v) => process.stdout.write(view(v)) : undefined,
    );
  });
}

export function registerWorkerObjectCommands(program: Command): void {
  for (const kind of KINDS) {
    const parent = program.command(kind.command).description(kind.description);
    const actions = Object.keys({ ...kind.procs, ...kind.containerProcs }) as Action[];
    for (const action of actions) register(parent, kind, action);
  }
}
