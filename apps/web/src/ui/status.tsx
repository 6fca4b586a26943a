/** A status as a coloured word (the colour is never the only signal: the word is there). */
const GOOD = new Set(['online', 'running', 'started', 'ok']);
const BAD = new Set(['offline', 'failed', 'stopped', 'error', 'exited']);

export function Status({ status }: { status: string }) {
  const kind = GOOD.has(status) ? 'ok' : BAD.has(status) ? 'bad' : 'mid';
  return (
    <span class={`status ${kind}`} data-status={status}>
      {status}
    </span>
  );
}
