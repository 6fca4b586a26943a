/**
 * Colours for people: only on a terminal, never with `NO_COLOR` (https://no-color.org) or
 * `TERM=dumb`. Everything else prints the same words without escape codes.
 * @module
 */

export interface Style {
  /** Output goes to a terminal: local times and colours are for it. */
  tty: boolean;
  color: boolean;
}

/** The style for a stream (stdout by default), from its TTY-ness and the environment. */
export function styleFor(stream: { isTTY?: boolean } = process.stdout): Style {
  const tty = stream.isTTY === true;
  const noColor = (process.env['NO_COLOR'] ?? '') !== '' || process.env['TERM'] === 'dumb';
  return { tty, color: tty && !noColor };
}

const CODES = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;
export type Paint = keyof typeof CODES;

export function paint(style: Style, how: Paint | undefined, text: string): string {
  return style.color && how !== undefined ? `\x1b[${CODES[how]}m${text}\x1b[0m` : text;
}

/** The colour of a status word: good, on its way, or bad. */
export function statusPaint(status: unknown): Paint | undefined {
  switch (status) {
    case 'running':
    case 'started':
    case 'ok':
      return 'green';
    case 'online':
    case 'starting':
    case 'stopping':
    case 'created':
      return 'yellow';
    case 'offline':
    case 'failed':
    case 'stopped':
    case 'error':
      return 'red';
    default:
      return undefined;
  }
}
