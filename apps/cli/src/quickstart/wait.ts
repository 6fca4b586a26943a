/**
 * Waiting for the quickstart's node to be `running` before saying that CDC is: a progress
 * line on a terminal while it waits, at most `timeoutMs`, then what is not up and why.
 * @module
 */
import { connectCenter } from '@cdc/sdk/node';
import type { Center } from '@cdc/sdk/node';
import { errorMessage } from '@cdc/protocol';

export interface WaitOptions {
  url: string;
  key: string;
  nodeId: string;
  timeoutMs: number;
  /** Settles (with a reason) when the node's process is gone: no point waiting further. */
  nodeExited: Promise<string>;
  /** Where the progress line goes (stderr); rewritten in place on a terminal. */
  progress: NodeJS.WriteStream;
}

/** Undefined once the node is running; else what is not up. */
export async function waitForNode(o: WaitOptions): Promise<string | undefined> {
  const started = Date.now();
  let status = 'not connected';
  let gone: string | undefined;
  void o.nodeExited.then((why) => (gone = why));
  const show = (text: string): void => {
    if (o.progress.isTTY) o.progress.write(`\r\x1b[K${text}`);
  };
  let cdc: Center | undefined;
  try {
    cdc = await connectCenter({ url: o.url, key: o.key, realm: 'default' });
    while (gone === undefined && Date.now() - started < o.timeoutMs) {
      status = await cdc.getNodeStatus(o.nodeId).then(
        (n) => n.status,
        (e: unknown) => errorMessage(e),
      );
      if (status === 'running') return undefined;
      const s = ((Date.now() - started) / 1000).toFixed(0);
      show(`waiting for ${o.nodeId} to be running (now ${status}) … ${s} s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (e) {
    return `the center could not be asked about ${o.nodeId}: ${errorMessage(e)}`;
  } finally {
    show('');
    await cdc?.close().catch(() => undefined);
  }
  if (gone !== undefined) return `${o.nodeId} is not running: ${gone}`;
  return `${o.nodeId} is not running after ${o.timeoutMs / 1000} s (its status: ${status})`;
}
