/**
 * An async queue of progressive-invocation chunks, read by the procedure handler with
 * `for await (const chunk of details.input)`.
 * @module
 */
import type { InvocationChunk } from '../types.js';
import { deferred } from './context.js';
import type { Deferred } from './context.js';

export class ChunkQueue implements AsyncIterable<InvocationChunk> {
  private readonly items: InvocationChunk[] = [];
  private readonly waiters: Deferred<IteratorResult<InvocationChunk>>[] = [];
  private finished = false;
  private failure: { error: Error } | undefined;

  /** Whether the last chunk has arrived (or the queue failed). */
  get closed(): boolean {
    return this.finished || this.failure !== undefined;
  }

  push(chunk: InvocationChunk): void {
    if (this.closed) return;
    if (chunk.last) this.finished = true;
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter.resolve({ value: chunk, done: false });
    else this.items.push(chunk);
    if (this.finished) this.drain();
  }

  /** Ends the stream with an error (interrupt, session closed). */
  fail(error: Error): void {
    if (this.closed) return;
    this.failure = { error };
    for (const w of this.waiters.splice(0)) w.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterator<InvocationChunk> {
    return {
      next: (): Promise<IteratorResult<InvocationChunk>> => {
        const item = this.items.shift();
        if (item !== undefined) return Promise.resolve({ value: item, done: false });
        if (this.failure !== undefined) return Promise.reject(this.failure.error);
        if (this.finished) return Promise.resolve({ value: undefined, done: true });
        const d = deferred<IteratorResult<InvocationChunk>>();
        this.waiters.push(d);
        return d.promise;
      },
    };
  }

  private drain(): void {
    for (const w of this.waiters.splice(0)) w.resolve({ value: undefined, done: true });
  }
}
