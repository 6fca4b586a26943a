/**
 * A minimal listener list (the client runs in browsers, so no `node:events`). A throwing
 * listener does not stop the others; its error goes to the report function.
 * @module
 */

export class Listeners<A extends unknown[]> {
  private readonly set = new Set<(...args: A) => void>();

  constructor(private readonly report: (error: unknown) => void) {}

  /** Add a listener; returns a function that removes it. */
  add(listener: (...args: A) => void): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }

  emit(...args: A): void {
    for (const l of [...this.set]) {
      try {
        l(...args);
      } catch (e) {
        this.report(e);
      }
    }
  }
}
