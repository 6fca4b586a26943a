/**
 * Each node's `node_info` kept as JSON text from one `get_nodes` to the next and made again
 * only after the node changed, so that listing a fleet costs a join rather than serializing
 * ten thousand objects (and walking them for binary values) on every call. The text hangs
 * off the node's one record (`node-table.ts`), whose every change drops it. The result goes
 * out as a {@link JsonPayload}, which the router hands on to JSON callers as it is.
 * @module
 */
import { JsonPayload } from '@cdc/protocol';
import type { NodeInfo } from '@cdc/api';

/** What a node's text is made from. */
export interface InfoSource {
  readonly id: string;
  info(): NodeInfo;
}

/** One node's `node_info` as JSON text, made when first asked for after a change. */
export class NodeJson {
  private plain: string | undefined;
  private keyed: string | undefined;

  constructor(private readonly node: InfoSource) {}

  /** The node changed. */
  clear(): void {
    this.plain = undefined;
    this.keyed = undefined;
  }

  /** `{…}`, the info as a list element. */
  text(): string {
    return (this.plain ??= JSON.stringify(this.node.info()));
  }

  /** `"<node_id>":{…}`, the info as a map entry. */
  entry(): string {
    return (this.keyed ??= `${JSON.stringify(this.node.id)}:${this.text()}`);
  }
}

/** The payload of a call returning a list (`get_nodes@2`): args `[[info, …]]`. */
export function listPayload(nodes: readonly { json: NodeJson }[]): JsonPayload {
  return new JsonPayload(`[[[${nodes.map((n) => n.json.text()).join(',')}]]]`);
}

/** The payload of a call returning a map (`get_nodes@3`): args `[{node_id: info, …}]`. */
export function mapPayload(nodes: readonly { json: NodeJson }[]): JsonPayload {
  return new JsonPayload(`[[{${nodes.map((n) => n.json.entry()).join(',')}}]]`);
}
