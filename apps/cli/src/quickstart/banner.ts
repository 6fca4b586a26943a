/**
 * What the quickstart prints once everything is up. Each row is a function of what it
 * made, so a part of its own (a web UI, say) adds one row here and nothing else changes.
 * @module
 */

export interface QuickstartInfo {
  centerUrl: string;
  rawSocketUrl: string;
  healthUrl: string;
  /** The owner key relative to the working directory, and its public half. */
  key: string;
  keyPub: string;
  nodeDir: string;
  nodeLog: string;
  routerUrl: string;
  dataDir: string;
}

/** One `label  text` line of the banner; undefined leaves it out. */
export type BannerRow = (i: QuickstartInfo) => [label: string, text: string] | undefined;

export const BANNER_ROWS: BannerRow[] = [
  (i) => ['center', `${i.centerUrl}   (RawSocket ${i.rawSocketUrl}, health ${i.healthUrl})`],
  (i) => ['realm', `default, owned by the key ${i.key} (${i.keyPub.slice(0, 30)}…)`],
  (i) => ['node', `node1, running; directory ${i.nodeDir}, log ${i.nodeLog}`],
  (i) => ['router', `${i.routerUrl}, realm realm1 (worker router1, transport main)`],
  (i) => ['data', `${i.dataDir} (SQLite)`],
];

export function banner(i: QuickstartInfo, rows: BannerRow[] = BANNER_ROWS): string {
  const lines = rows.map((r) => r(i)).filter((l) => l !== undefined);
  const w = Math.max(...lines.map(([label]) => label.length));
  return [
    '',
    'CDC is running.',
    ...lines.map(([label, text]) => `  ${label.padEnd(w)}  ${text}`),
    '',
    'Try, in another terminal:',
    `  export CDC_URL=${i.centerUrl} CDC_KEY=${i.key}`,
    '  npx cdc status',
    '  npx cdc nodes',
    '  npx cdc node status node1',
    "  /usr/bin/python3 examples/cdc/tut1.py      # the seed's tutorials (Debian python3-autobahn)",
    '  /usr/bin/python3 examples/cdc/tut2.py',
    '',
    'Ctrl-C stops the center and the node.',
    '',
  ].join('\n');
}
