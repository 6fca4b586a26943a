/** The supervisor tests' child: a WAMP child spec for `fixtures/child.ts`. */
import type { Transport } from '@cdc/protocol';
import type { WampChildSpec } from '../src/index.js';
import type { TestInit, TestLifecycle } from './fixtures/lifecycle.js';

export const CHILD = new URL('./fixtures/child.js', import.meta.url);

export function wampSpec(
  init: TestInit,
  more: Partial<WampChildSpec<TestLifecycle>> = {},
): WampChildSpec<TestLifecycle> {
  return {
    kind: 'wamp',
    name: 'test child',
    module: CHILD,
    init,
    peer: 'ipc:test',
    onTransport: (t: Transport) =>
      t.attach({
        onMessage: () => undefined,
        onProtocolError: () => undefined,
        onClose: () => undefined,
      }),
    ...more,
  };
}
