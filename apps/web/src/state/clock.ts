/**
 * The time for "… ago" texts, ticking every few seconds: a node that went offline sends
 * nothing more, and without a tick its "last seen 0 s ago" would never age. Only what reads
 * it re-renders (the node page's fields, the overview's rows in view).
 * @module
 */
import { signal } from '@preact/signals';

const TICK_MS = 5000;

export const now = signal(Date.now());

setInterval(() => {
  now.value = Date.now();
}, TICK_MS);
