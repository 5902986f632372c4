import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HashProgress } from '../../src/publish/hash-progress.js';

function sink(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, isTTY, write: (text: string) => writes.push(text) };
}

test('in a log: a plain line every 10 s, nothing in between', () => {
  let now = 0;
  const out = sink(false);
  const progress = new HashProgress(4, 4000, out, () => now);
  now = 5_000;
  progress.addBytes(1000);
  assert.deepEqual(out.writes, []);
  now = 10_000;
  progress.addBytes(1000);
  progress.fileDone();
  assert.equal(out.writes.length, 1);
  assert.match(out.writes[0]!, /^hashing: 0\/4 files, 2\.0 KiB of 3\.9 KiB \(50%\), 200 B\/s, 10\.0 s\n$/);
  progress.finish();
  assert.equal(out.writes.length, 1, 'no clearing sequence in a log');
});

test('on a terminal: one line redrawn at most every 200 ms, cleared at the end', () => {
  let now = 0;
  const out = sink(true);
  const progress = new HashProgress(1, 100, out, () => now);
  now = 100;
  progress.addBytes(10);
  now = 250;
  progress.addBytes(10);
  assert.equal(out.writes.length, 1);
  assert.ok(out.writes[0]!.startsWith('\r\x1b[K'));
  progress.finish();
  assert.equal(out.writes.at(-1), '\r\x1b[K');
});
