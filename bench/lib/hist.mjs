// A latency histogram in microseconds: 0.1 µs buckets below 100 µs, 1 % wide buckets
// above (up to ~17 minutes). Cheap to record into; merged across processes as sparse pairs.
const LINEAR = 1000;
const LOG_BASE = Math.log(1.01);
const SIZE = LINEAR + 2100;

export class Histogram {
  constructor() {
    this.counts = new Uint32Array(SIZE);
    this.n = 0;
  }

  record(us) {
    let i;
    if (us < 100) i = us <= 0 ? 0 : Math.floor(us * 10);
    else i = Math.min(SIZE - 1, LINEAR + Math.floor(Math.log(us / 100) / LOG_BASE));
    this.counts[i]++;
    this.n++;
  }

  reset() {
    this.counts.fill(0);
    this.n = 0;
  }

  /** Sparse `[index, count]` pairs, for IPC. */
  toJSON() {
    const out = [];
    for (let i = 0; i < SIZE; i++) if (this.counts[i] !== 0) out.push([i, this.counts[i]]);
    return out;
  }

  add(pairs) {
    for (const [i, c] of pairs) {
      this.counts[i] += c;
      this.n += c;
    }
  }

  /** The value (µs) at quantile `q` (0..1): the middle of its bucket. */
  quantile(q) {
    if (this.n === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.n));
    let seen = 0;
    for (let i = 0; i < SIZE; i++) {
      seen += this.counts[i];
      if (seen >= rank)
        return i < LINEAR ? (i + 0.5) / 10 : 100 * Math.exp((i - LINEAR + 0.5) * LOG_BASE);
    }
    return NaN;
  }
}

/** Monotonic time in microseconds, comparable across processes on one machine. */
export function nowUs() {
  const [s, ns] = process.hrtime();
  return s * 1e6 + ns / 1e3;
}
