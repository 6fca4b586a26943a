/** A child's output as lines: split across chunks, capped in length, quoted by their message. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter, LineTail, lineText } from '../src/index.js';

test('lines - a line split across chunks is one line; empty lines are dropped', () => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  s.write('one\ntw');
  s.write(Buffer.from('o\n\n  \nthr'));
  assert.deepEqual(lines, ['one', 'two']);
  s.end();
  assert.deepEqual(lines, ['one', 'two', 'thr']);
});

test('lines - an endless line is cut at the cap', () => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l), 10);
  s.write('x'.repeat(25));
  s.write('\nshort\n');
  // The rest of that line is dropped up to its end.
  assert.deepEqual(lines, ['xxxxxxxxxx …[truncated]', 'short']);
});

test('lines - the last lines, quoted by the message of JSON log records', () => {
  const t = new LineTail(2);
  t.push('first');
  t.push(JSON.stringify({ level: 50, msg: 'cannot listen', port: 80 }));
  t.push('{not json');
  assert.equal(t.quote(), 'cannot listen | {not json');
  assert.equal(lineText('{"msg": 3}'), '{"msg": 3}');
});
