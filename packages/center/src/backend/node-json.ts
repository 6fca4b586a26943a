/**
 * Each node's `node_info` kept as JSON text from one `get_nodes` to the next and made again
 * only when the node changed, so that listing a fleet costs a join rather than serializing
 * ten thousand objects (and walking them for binary values) on every call. The result goes
 * out as a {@link JsonPayload}, which the router hands on to JSON callers as it is.
 * @module
 */
import { JsonPayload } from '@cdc/protocol';
import type { NodeInfo } from '@cdc/api';

interface Entry {
  info: NodeInfo;
  text: string;
  /** `"<node_id>":<text>`, made when first asked for. */
  keyed?: string;
}

/** Whether two infos of a node serialize the same (`extra` is compared by identity). */
function same(a: NodeInfo, b: NodeInfo): boolean {
  return (
    a.status === b.status &&
    a.extra === b.extra &&
    a.pubkey === b.pubkey &&
    a.created === b.created &&
    a.last_seen === b.last_seen &&
    a.heartbeat === b.heartbeat &&
    a.heartbeat_time === b.heartbeat_time &&
    a.workers.router === b.workers.router &&
    a.workers.container === b.workers.container &&
    a.workers.guest === b.workers.guest &&
    a.version === b.version &&
    a.type === b.type
  );
}

export class NodeInfoJson {
  private entries = new Map<string, Entry>();

  /**
   * The payload of a call returning a list (`get_nodes@2`): args `[[info, …]]`.
   * @param all every node of the realm; those `keep` accepts are listed.
   */
  list(all: readonly NodeInfo[], keep: (n: NodeInfo) => boolean): JsonPayload {
    return new JsonPayload(`[[[${this.texts(all, keep, false).join(',')}]]]`);
  }

  /** The payload of a call returning a map (`get_nodes@3`): args `[{node_id: info, …}]`. */
  map(all: readonly NodeInfo[], keep: (n: NodeInfo) => boolean): JsonPayload {
    return new JsonPayload(`[[{${this.texts(all, keep, true).join(',')}}]]`);
  }

  private texts(all: readonly NodeInfo[], keep: (n: NodeInfo) => boolean, keyed: boolean) {
    // Made anew from every node of the realm each time, so deleted nodes fall out.
    const next = new Map<string, Entry>();
    const out: string[] = [];
    for (const info of all) {
      let e = this.entries.get(info.node_id);
      if (e === undefined || !same(e.info, info)) e = { info, text: JSON.stringify(info) };
      next.set(info.node_id, e);
      if (keep(info))
        out.push(keyed ? (e.keyed ??= `${JSON.stringify(info.node_id)}:${e.text}`) : e.text);
    }
    this.entries = next;
    return out;
  }
}
