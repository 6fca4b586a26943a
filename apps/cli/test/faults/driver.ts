/**
 * The load a fault is injected under (issue 14): an API client of the realm's owner that
 * keeps calling (a read the backend answers from the database, `list_workers`, and one it
 * answers from memory, `get_nodes`) and keeps writing (a new router stored through the
 * configuration API, `create_router`, each with an ID of its own), reconnecting whenever
 * its session is lost, while the nodes keep sending heartbeats. Every operation is recorded
 * with its start, end and outcome (the error URI when it failed), and every write the
 * center acknowledged is remembered, so that afterwards `verify` can look each one up in
 * the database.
 * @module
 */
import { Connection, WampError } from '@cdc/client';
import type { Session } from '@cdc/client';
import { loadUserSigner } from '@cdc/cryptosign';
import { createStoreFactory } from '@cdc/store';
import type { StoreFactoryOptions } from '@cdc/store';
import { connect } from '@cdc/transport';

export interface DriverOptions {
  /** The center's WebSocket URL (the same port after a restart). */
  url: () => string;
  /** The owner's private key file. */
  ownerKey: string;
  realm: string;
  /** Nodes the writes go to, in turn. */
  nodes: string[];
  /** Pause between the operations of each loop (default 50 ms). */
  pauseMs?: number;
  /** An operation that takes longer than this counts as failed (default 10 s). */
  timeoutMs?: number;
}

export interface OpRecord {
  loop: 'call' | 'write';
  start: number;
  end: number;
  ok: boolean;
  /** The WAMP error URI, `no_session` (the client was reconnecting) or `timeout`. */
  error?: string;
}

export interface WindowStats {
  calls: number;
  callsFailed: number;
  writes: number;
  writesFailed: number;
  /** Failed operations by error. */
  errors: Record<string, number>;
  /** The longest a failed operation took to fail (ms): how fast "fail fast" is. */
  slowestFailureMs: number;
}

const OP_TIMEOUT = 10_000;

export class LoadDriver {
  readonly ops: OpRecord[] = [];
  readonly acked: { node: string; router: string; at: number }[] = [];
  private connection: Connection | undefined;
  private running = false;
  private loops: Promise<void>[] = [];
  private seq = 0;

  constructor(private readonly o: DriverOptions) {}

  async start(): Promise<void> {
    const signer = await loadUserSigner(this.o.ownerKey);
    this.connection = new Connection({
      transport: () => connect(this.o.url()),
      realm: this.o.realm,
      authmethods: ['cryptosign'],
      signer,
      initialDelay: 100,
      maxDelay: 500,
      shouldRetry: () => this.running,
    });
    this.running = true;
    await this.connection.open();
    this.loops = [this.loop('call'), this.loop('write')];
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    await this.connection?.close().catch(() => undefined);
  }

  private async loop(kind: 'call' | 'write'): Promise<void> {
    let i = 0;
    while (this.running) {
      const start = Date.now();
      const s = this.connection?.session;
      let rec: OpRecord;
      if (s === undefined || !this.connection?.isJoined) {
        rec = { loop: kind, start, end: start, ok: false, error: 'no_session' };
      } else {
        try {
          await withTimeout(
            kind === 'call' ? this.call(s, i) : this.write(s, i),
            this.o.timeoutMs ?? OP_TIMEOUT,
          );
          rec = { loop: kind, start, end: Date.now(), ok: true };
        } catch (e) {
          const error =
            e instanceof WampError ? e.uri : e instanceof Timeout ? 'timeout' : String(e);
          rec = { loop: kind, start, end: Date.now(), ok: false, error };
        }
      }
      this.ops.push(rec);
      i++;
      await new Promise((r) => setTimeout(r, this.o.pauseMs ?? 50));
    }
  }

  private async call(s: Session, i: number): Promise<void> {
    const node = this.o.nodes[i % this.o.nodes.length] as string;
    if (i % 2 === 0) await s.call('io.crossbar.cdc.list_workers@1', [node]);
    else await s.call('com.crossbario.cdc.get_nodes@1');
  }

  private async write(s: Session, i: number): Promise<void> {
    const node = this.o.nodes[i % this.o.nodes.length] as string;
    const router = `load-${process.pid}-${++this.seq}`;
    await s.call('io.crossbar.cdc.create_router@1', [node, router, {}]);
    this.acked.push({ node, router, at: Date.now() });
  }

  /** What happened to the operations that started in [from, to). */
  window(from: number, to: number): WindowStats {
    const ops = this.ops.filter((r) => r.start >= from && r.start < to);
    const st: WindowStats = {
      calls: 0,
      callsFailed: 0,
      writes: 0,
      writesFailed: 0,
      errors: {},
      slowestFailureMs: 0,
    };
    for (const r of ops) {
      if (r.loop === 'call') st.calls++;
      else st.writes++;
      if (r.ok) continue;
      if (r.loop === 'call') st.callsFailed++;
      else st.writesFailed++;
      const e = r.error ?? 'unknown';
      st.errors[e] = (st.errors[e] ?? 0) + 1;
      st.slowestFailureMs = Math.max(st.slowestFailureMs, r.end - r.start);
    }
    return st;
  }

  /**
   * Since when (after `t`) every operation of the loop has succeeded: the end of the first of
   * the unbroken run of successes up to now; undefined while the last one failed.
   */
  okSince(t: number, loop: 'call' | 'write'): number | undefined {
    const ops = this.ops.filter((r) => r.loop === loop && r.start >= t);
    const last = ops.at(-1);
    if (last === undefined || !last.ok) return undefined;
    let firstOk = last.end;
    for (let j = ops.length - 1; j >= 0 && ops[j]?.ok === true; j--)
      firstOk = (ops[j] as OpRecord).end;
    return firstOk;
  }

  /** Look every acknowledged write up in the database (read-only): the lost ones. */
  async verify(store: StoreFactoryOptions): Promise<{ checked: number; lost: string[] }> {
    // The writes acknowledged before the read: the load may go on while it runs.
    const acked = [...this.acked];
    const f = createStoreFactory({ ...store, readOnly: true });
    try {
      const realm = await f.realm(this.o.realm);
      const stored = new Set((await realm.listWorkers()).map((w) => `${w.node_id}/${w.worker_id}`));
      const lost = acked.map((a) => `${a.node}/${a.router}`).filter((k) => !stored.has(k));
      return { checked: acked.length, lost };
    } finally {
      await f.close();
    }
  }
}

class Timeout extends Error {}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, rej) => {
        timer = setTimeout(() => rej(new Timeout('timeout')), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
