/**
 * A child's stdout and stderr as lines: a byte stream is split at newlines (a partial last
 * line waits for the rest), with a cap on line length so a child spamming one endless line
 * cannot exhaust the parent's memory. And the few last lines, quoted when a child fails to
 * start.
 * @module
 */

export type LineSource = 'stdout' | 'stderr';

export class LineSplitter {
  private partial = '';

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLine = 64 * 1024,
  ) {}

  write(chunk: Buffer | string): void {
    const text = this.partial + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    if (this.partial.length > this.maxLine) {
      lines.push(this.partial.slice(0, this.maxLine) + ' …[truncated]');
      this.partial = '';
    }
    for (const l of lines)
      if (l.trim() !== '')
        this.onLine(l.length > this.maxLine ? l.slice(0, this.maxLine) + ' …[truncated]' : l);
  }

  end(): void {
    if (this.partial.trim() !== '') this.onLine(this.partial);
    this.partial = '';
  }
}

/**
 * The text of a log line for a human: the `msg` of a JSON log record (what our children
 * write, pino), else the line itself.
 */
export function lineText(line: string): string {
  if (line.startsWith('{')) {
    try {
      const rec = JSON.parse(line) as unknown;
      if (typeof rec === 'object' && rec !== null && 'msg' in rec && typeof rec.msg === 'string')
        return rec.msg;
    } catch {
      // not JSON after all
    }
  }
  return line;
}

/** The last `capacity` lines seen, oldest first. */
export class LineTail {
  private readonly lines: string[] = [];

  constructor(private readonly capacity = 3) {}

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.shift();
  }

  /** The lines as one text (`a | b | c`), each as {@link lineText} gives it. */
  quote(): string {
    return this.lines.map(lineText).join(' | ');
  }
}
