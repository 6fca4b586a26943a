/** Test helpers: a node directory in a temp dir, a controller, and a management session. */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { joinSession } from '@cdc/client';
import type { Session } from '@cdc/client';
import { connect } from '@cdc/transport';
import { captureLogger } from '@cdc/testkit';
import type { CapturedLog } from '@cdc/testkit';

export { until } from '@cdc/testkit';
export type { CapturedLog } from '@cdc/testkit';
import { NodeController, openNodeDirectory, MANAGEMENT_REALM } from '../src/index.js';
import type { UplinkOverrides } from '../src/index.js';

export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures');

export interface TestNode {
  dir: string;
  controller: NodeController;
  session: Session;
  log: CapturedLog;
  stop(): Promise<void>;
}

/** A node directory with `config` (or none), a started controller and a session on its socket. */
export async function startNode(
  config?: unknown,
  opts: {
    stopGraceMs?: number;
    uplink?: UplinkOverrides | false;
    env?: Record<string, string>;
    /** Called with the node directory before the controller starts (e.g. to pair its key). */
    beforeStart?: (dir: string, pubkey: string) => void;
  } = {},
): Promise<TestNode> {
  const root = mkdtempSync(join(tmpdir(), 'cdc-node-'));
  const dir = join(root, '.crossbar');
  mkdirSync(dir);
  if (config !== undefined) writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const { node } = await openNodeDirectory(dir);
  opts.beforeStart?.(dir, node.key.publicKeyHex);
  const log = captureLogger();
  const controller = new NodeController({
    node,
    logger: log,
    logLevel: 'info',
    stopGraceMs: opts.stopGraceMs ?? 1000,
    // Test nodes never pick up a CDC_URL from the environment they run in.
    env: opts.env ?? {},
    ...(opts.uplink !== undefined ? { uplink: opts.uplink } : {}),
  });
  await controller.start();
  const session = await joinSession(await connect(`unix:${join(dir, 'controller.sock')}`), {
    realm: MANAGEMENT_REALM,
  });
  return {
    dir,
    controller,
    session,
    log,
    async stop() {
      await session.leave().catch(() => undefined);
      await controller.shutdown();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export async function call<T = unknown>(
  s: Session,
  proc: string,
  args: unknown[] = [],
  kwargs: Record<string, unknown> = {},
): Promise<T> {
  return (await s.call(proc, args, kwargs)).value as T;
}

export const OPEN_ROLE = {
  name: 'anonymous',
  permissions: [
    {
      uri: '',
      match: 'prefix',
      allow: { call: true, register: true, publish: true, subscribe: true },
    },
  ],
};
