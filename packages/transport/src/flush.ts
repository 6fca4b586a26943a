/**
 * Write coalescing. Frames sent during one event-loop turn are queued per connection and
 * written with one `socket.write` per connection in the turn's check phase
 * (`setImmediate`). One scheduled callback serves all connections, so there is no
 * per-message or per-connection closure.
 *
 * Why: a socket write costs a syscall, 5–7 µs of CPU on the 2-core dev machine, against
 * ~0.4–0.7 µs per frame when 20+ frames go out in one write (copied into one buffer or
 * corked: equal within noise; we copy up to 64 KiB, see `stream.ts`). Measured with
 * `scripts/throughput.mjs` (router side in one process, clients in another, JSON):
 *   - no coalescing:        ~51,000 echo round trips/s over WebSocket, 11.3 µs router CPU each;
 *   - coalesced (nextTick): ~180,000–200,000/s, ~4.1–4.6 µs each;
 *   - setImmediate vs nextTick (5 runs each, medians): routed calls (4 callers → 1 callee)
 *     5.1 vs 5.4 µs router CPU per round trip; fan-out to 100 WebSocket subscribers 0.70 vs
 *     0.79 µs per event delivered (450,000–640,000 events/s either way). setImmediate also
 *     merges writes caused by different sockets' reads in the same poll phase (many
 *     callers → one callee), which nextTick cannot, at no measurable latency cost.
 * @module
 */

/** Something with queued output to write out at the end of the loop turn. */
export interface Flushable {
  flush(): void;
}

const queue: Flushable[] = [];
let scheduled = false;

function flushAll(): void {
  scheduled = false;
  // A flush may queue more (a batched transport closing, say): the loop picks it up.
  // (An array iterator sees elements appended while iterating.)
  for (const target of queue) {
    try {
      target.flush();
    } catch {
      // flush() handles its own errors; never let one connection break the others.
    }
  }
  queue.length = 0;
}

/** Call `target.flush()` once the current loop turn's I/O is handled. One call per turn. */
export function scheduleFlush(target: Flushable): void {
  queue.push(target);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flushAll);
  }
}
