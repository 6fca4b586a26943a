/**
 * Metrics hear of status changes coalesced: a storm of changes is one report with the
 * counts as they are when it is made; a change after it is another; stopping drops one due.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeStatus } from '@cdc/api';
import { NodeMetrics } from '../src/backend/node-metrics.js';
import type { Schedule } from '../src/backend/node-metrics.js';

function setup() {
  const counts: Record<NodeStatus, number> = { created: 0, online: 0, running: 0, offline: 0 };
  const reports: Record<NodeStatus, number>[] = [];
  const due: { fn: () => void; ms: number; canceled: boolean }[] = [];
  const schedule: Schedule = (fn, ms) => {
    const d = { fn, ms, canceled: false };
    due.push(d);
    return () => (d.canceled = true);
  };
  const m = new NodeMetrics({
    counts: () => ({ ...counts }),
    report: (c) => reports.push(c),
    schedule,
  });
  /** Run what is due (as the timer would). */
  const fire = (): void => {
    for (const d of due.splice(0)) if (!d.canceled) d.fn();
  };
  return { counts, reports, due, m, fire };
}

test('node metrics - a storm of changes is one report, with the counts at report time', () => {
  const { counts, reports, due, m, fire } = setup();
  for (let i = 0; i < 1000; i++) {
    counts.online++;
    m.changed();
  }
  assert.equal(due.length, 1, 'one report scheduled for the whole storm');
  assert.equal(due[0]?.ms, 100);
  assert.equal(reports.length, 0, 'nothing reported before the interval');
  counts.running = 5;
  fire();
  assert.deepEqual(reports, [{ created: 0, online: 1000, running: 5, offline: 0 }]);

  counts.online--;
  counts.offline++;
  m.changed();
  m.changed();
  assert.equal(due.length, 1, 'a change after the report schedules the next one');
  fire();
  assert.equal(reports.length, 2);
  assert.deepEqual(reports[1], { created: 0, online: 999, running: 5, offline: 1 });
});

test('node metrics - report() tells at once; stop() drops a report still due', () => {
  const { reports, due, m, fire } = setup();
  m.report();
  assert.equal(reports.length, 1);
  m.changed();
  m.stop();
  fire();
  assert.equal(reports.length, 1, 'the due report was dropped');
  assert.equal(due.length, 0);
  m.changed();
  fire();
  assert.equal(reports.length, 2, 'changes after a stop are reported again');
});
