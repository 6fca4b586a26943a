/**
 * At most `n` registrations in progress at once; the rest wait their turn in order. A
 * registration alternates between the event loop (SQLite, SVG, MIME) and libuv's thread
 * pool (scrypt, rasterizing): a burst let in all at once moves through those phases in
 * lockstep, leaving one side idle while the other works, and holds every picture in memory
 * at the same time. A few at a time keeps both sides busy and the memory small.
 * @module
 */
export class Gate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly n: number) {}

  async run<T>(f: () => Promise<T>): Promise<T> {
    if (this.active >= this.n) await new Promise<void>((r) => this.waiting.push(r));
    else this.active++;
    try {
      return await f();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next in line.
      if (next !== undefined) next();
      else this.active--;
    }
  }
}
