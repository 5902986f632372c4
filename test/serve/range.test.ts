import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideRange } from '../../src/serve/range.js';

test('one range, open-ended ranges and suffixes', () => {
  assert.deepEqual(decideRange('bytes=0-99', 1000), { kind: 'partial', start: 0, end: 99 });
  assert.deepEqual(decideRange('bytes=900-', 1000), { kind: 'partial', start: 900, end: 999 });
  assert.deepEqual(decideRange('bytes=990-5000', 1000), { kind: 'partial', start: 990, end: 999 }, 'the end is clipped');
  assert.deepEqual(decideRange('bytes=-100', 1000), { kind: 'partial', start: 900, end: 999 });
  assert.deepEqual(decideRange('bytes=-5000', 1000), { kind: 'partial', start: 0, end: 999 });
  assert.deepEqual(decideRange('Bytes = 1 - 1', 1000), { kind: 'partial', start: 1, end: 1 });
});

test('ranges past the end are unsatisfiable (416)', () => {
  assert.deepEqual(decideRange('bytes=1000-', 1000), { kind: 'unsatisfiable' });
  assert.deepEqual(decideRange('bytes=5000-6000', 1000), { kind: 'unsatisfiable' });
  assert.deepEqual(decideRange('bytes=-0', 1000), { kind: 'unsatisfiable' });
  assert.deepEqual(decideRange('bytes=0-', 0), { kind: 'unsatisfiable' }, 'an empty file has no byte 0');
});

test('no header, malformed or multiple ranges: the whole file', () => {
  for (const header of [undefined, '', 'bytes=', 'bytes=-', 'bytes=5-2', 'items=0-1', 'bytes=a-b', 'bytes=0-1,5-6']) {
    assert.deepEqual(decideRange(header, 1000), { kind: 'whole' }, String(header));
  }
});
