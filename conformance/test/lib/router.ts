/**
 * One in-process router per test file, in Crossbar.io config format: realm `realm1` with
 * roles `anonymous` and `user` (everything allowed, caller and publisher disclosed), and
 * one auth block offering every method with freshly generated credentials.
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { SigningKey } from '@cdc/cryptosign';
import type { WorkerRealmConfig, TransportConfig } from '@cdc/config';
import type { AuthConfig } from '@cdc/router';
import { RouterHost } from '@cdc/router-host';

export const REALM = 'realm1';
/** The role every authenticated principal gets. */
export const USER_ROLE = 'user';

export interface Credentials {
  ticket: { authid: string; ticket: string };
  wampcra: { authid: string; secret: string };
  /** A salted WAMP-CRA user: the router sends salt, iterations and keylen in the CHALLENGE. */
  wampcraSalted: { authid: string; secret: string };
  cryptosign: { authid: string; seedHex: string; publicKeyHex: string };
}

function fullRole(name: string): NonNullable<WorkerRealmConfig['roles']>[number] {
  return {
    name,
    permissions: [
      {
        uri: '',
        match: 'prefix',
        allow: { call: true, register: true, publish: true, subscribe: true },
        disclose: { caller: true, publisher: true },
        cache: true,
      },
    ],
  };
}

export function realmConfig(): WorkerRealmConfig {
  return { name: REALM, roles: [fullRole('anonymous'), fullRole(USER_ROLE)] };
}

export function makeCredentials(): Credentials {
  const key = SigningKey.generate();
  return {
    ticket: { authid: 'tom', ticket: `tkt-${randomBytes(8).toString('hex')}` },
    wampcra: { authid: 'carol', secret: `cra-${randomBytes(8).toString('hex')}` },
    wampcraSalted: { authid: 'sally', secret: `salted-${randomBytes(8).toString('hex')}` },
    cryptosign: {
      authid: 'alice',
      seedHex: Buffer.from(key.seed).toString('hex'),
      publicKeyHex: key.publicKeyHex,
    },
  };
}

/** A transport `auth` block accepting anonymous, ticket, wampcra (plain and salted) and cryptosign. */
export function authBlock(c: Credentials): AuthConfig {
  return {
    anonymous: { type: 'static', role: 'anonymous' },
    ticket: {
      type: 'static',
      principals: { [c.ticket.authid]: { ticket: c.ticket.ticket, role: USER_ROLE } },
    },
    wampcra: {
      type: 'static',
      users: {
        [c.wampcra.authid]: { secret: c.wampcra.secret, role: USER_ROLE },
        [c.wampcraSalted.authid]: {
          secret: c.wampcraSalted.secret,
          role: USER_ROLE,
          salt: `salt-${randomBytes(4).toString('hex')}`,
          iterations: 100,
          keylen: 32,
        },
      },
    },
    cryptosign: {
      type: 'static',
      principals: {
        [c.cryptosign.authid]: {
          role: USER_ROLE,
          realm: REALM,
          authorized_keys: [c.cryptosign.publicKeyHex],
        },
      },
    },
  };
}

export interface TestRouter {
  host: RouterHost;
  dir: string;
  credentials: Credentials;
  url(transportId: string, path?: string): string;
  stop(): Promise<void>;
}

/**
 * Start a router with `realm1` and the given transports (built from the credentials);
 * `dir` is a temporary directory for certificates and the like, removed on `stop`.
 */
export async function startRouter(
  transports: (credentials: Credentials, dir: string) => TransportConfig[],
): Promise<TestRouter> {
  const dir = mkdtempSync(join(tmpdir(), 'cdc-conformance-'));
  const credentials = makeCredentials();
  // Third-party clients on a busy machine (SCRAM's Argon2 in Python) may need more than
  // the default 10 s to log in.
  const host = new RouterHost({ baseDir: dir, router: { helloTimeoutMs: 60_000 } });
  try {
    await host.start({
      type: 'router',
      realms: [realmConfig()],
      transports: transports(credentials, dir),
    });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    host,
    dir,
    credentials,
    url: (id, path) => host.transportUrl(id, path),
    async stop() {
      await host.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A self-signed certificate for localhost and 127.0.0.1 (CA:TRUE, so it is its own trust root). */
export function selfSignedCert(dir: string): { key: string; cert: string } {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const r = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  return { key, cert };
}

export function hasOpenssl(): boolean {
  return spawnSync('openssl', ['version']).status === 0;
}
