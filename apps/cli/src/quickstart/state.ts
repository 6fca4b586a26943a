/**
 * What a quickstart directory already holds, and whether this start's options fit it: an
 * option that only shapes a new directory is refused, with the reason, on an existing one.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { CliError } from '../errors.js';
import { routerPort } from './node-config.js';

export interface QuickstartPaths {
  dir: string;
  ownerKey: string;
  dataDir: string;
  nodeDir: string;
  configFile: string;
  nodeLog: string;
}

export function quickstartPaths(dir: string): QuickstartPaths {
  const nodeDir = join(dir, 'node', '.crossbar');
  return {
    dir,
    ownerKey: join(dir, 'owner_ed25519'),
    dataDir: join(dir, 'data'),
    nodeDir,
    configFile: join(nodeDir, 'config.json'),
    nodeLog: join(dir, 'node', 'node.log'),
  };
}

/** Relative to the working directory, as a person typed it. */
export const rel = (p: string): string => relative(process.cwd(), p) || '.';

/**
 * For an existing directory, the line that says it is reused; undefined for a new one.
 * Throws when `--router-port` was given and differs from the existing node's.
 */
export function checkExisting(
  p: QuickstartPaths,
  askedPort: number | undefined,
): string | undefined {
  if (!existsSync(p.configFile)) return undefined;
  const port = routerPort(p.configFile);
  if (askedPort !== undefined && port !== askedPort)
    throw new CliError(
      `${rel(p.dir)} already has node1 with its router on port ${port ?? '(none)'} ` +
        `(${rel(p.configFile)}); --router-port only sets up a new node: change the port in ` +
        `that file, or start a fresh quickstart with --dir <other directory>`,
    );
  const comment = existsSync(`${p.ownerKey}.pub`)
    ? (readFileSync(`${p.ownerKey}.pub`, 'utf8').trim().split(/\s+/)[2] ?? 'no comment')
    : 'none yet';
  return `reusing ${rel(p.dir)} (owner ${rel(p.ownerKey)} ${comment}, node1 on port ${port ?? '-'})`;
}

/** Refuses a router port that something else holds: the node could never start on it. */
export async function checkPortFree(port: number): Promise<void> {
  const server = createServer();
  const error = await new Promise<NodeJS.ErrnoException | undefined>((res) => {
    server.once('error', res);
    server.listen(port, '127.0.0.1', () => res(undefined));
  });
  if (error === undefined) {
    await new Promise((r) => server.close(r));
    return;
  }
  throw new CliError(
    error.code === 'EADDRINUSE'
      ? `port ${port} on 127.0.0.1 is in use (a router started with \`cdc router start\`? ` +
          `another quickstart?), so node1's router could not listen there: stop that first, ` +
          `or start a fresh quickstart with --dir <other directory> --router-port <free port>`
      : `node1's router port ${port} cannot be used: ${error.message}`,
  );
}
