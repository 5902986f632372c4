import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PackageEntry } from '../../src/apt/packages.js';
import { coverageReport, formatCoverage } from '../../src/publish/coverage.js';
import { distinctFiles, selectFiles } from '../../src/publish/select.js';

function entry(name: string, size: number, architecture = 'amd64'): PackageEntry {
  return { package: name, version: '1', architecture, filename: `pool/main/${name[0]}/${name}/${name}_1_${architecture}.deb`, size, sha256: 'a'.repeat(64) };
}

// 1000 bytes in all: a 600, b 200, c 100, d 50, e 50.
const entries = [entry('c', 100), entry('a', 600), entry('e', 50), entry('b', 200), entry('d', 50)];
const names = (selection: ReturnType<typeof selectFiles>) => selection.chosen.map((item) => item.entry.package);

test('by size alone: largest first until the share is covered', () => {
  assert.deepEqual(names(selectFiles(entries, { share: 0.8, minSize: 0 })), ['a', 'b'], '600 + 200 = 80%: exactly reached');
  assert.deepEqual(names(selectFiles(entries, { share: 0.81, minSize: 0 })), ['a', 'b', 'c'], 'one more byte of share takes the next');
  assert.deepEqual(names(selectFiles(entries, { share: 0.6, minSize: 0 })), ['a']);
});

test('share edges: 0 chooses nothing, 1 chooses everything', () => {
  assert.deepEqual(names(selectFiles(entries, { share: 0, minSize: 0 })), []);
  const all = selectFiles(entries, { share: 1, minSize: 0 });
  assert.equal(all.chosen.length, 5);
  assert.equal(all.chosenBytes, 1000);
  assert.equal(all.shareReached, true);
});

test('ties are broken by path, so the order never depends on the input order', () => {
  const reversed = selectFiles([...entries].reverse(), { share: 1, minSize: 0 });
  assert.deepEqual(names(reversed), ['a', 'b', 'c', 'd', 'e']);
});

test('min-size passes small files over but keeps them in the total', () => {
  const selection = selectFiles(entries, { share: 0.95, minSize: 100 });
  assert.deepEqual(names(selection), ['a', 'b', 'c']);
  assert.equal(selection.totalBytes, 1000);
  assert.equal(selection.chosenBytes, 900);
  assert.equal(selection.shareReached, false);
  assert.deepEqual(names(selectFiles(entries, { share: 1, minSize: 101 })), ['a', 'b'], 'the bound is inclusive: 100 < 101');
  assert.deepEqual(names(selectFiles(entries, { share: 1, minSize: 10_000 })), []);
});

test('popcon weighs size by installs; unknown packages weigh 0 and are never chosen', () => {
  const installs = new Map([['a', 1], ['b', 10], ['c', 100], ['d', 1], ['zz-not-in-index', 5000]]);
  // Bandwidth: c 10000, b 2000, a 600, d 50, e 0 (no popcon entry).
  const selection = selectFiles(entries, { share: 0.9, minSize: 0, installs });
  assert.deepEqual(names(selection), ['c', 'b']);
  assert.equal(selection.totalBandwidth, 12650);
  assert.equal(selection.withoutPopcon, 1);
  assert.equal(selection.popconOnly, 1);
  assert.deepEqual(names(selectFiles(entries, { share: 1, minSize: 0, installs })), ['c', 'b', 'a', 'd']);
});

test('an arch:all file listed in several indexes counts once', () => {
  const all = entry('f', 300, 'all');
  assert.equal(distinctFiles([all, { ...all }, entry('g', 1)]).length, 2);
  assert.equal(selectFiles([all, { ...all }], { share: 1, minSize: 0 }).totalBytes, 300);
});

test('the report gives counts, shares, concentration and the largest chosen', () => {
  const options = { share: 0.8, minSize: 0 };
  const report = coverageReport(selectFiles(entries, options), options);
  assert.equal(report.weighting, 'size');
  assert.deepEqual(report.packages, { total: 5, chosen: 2, chosenPercent: 40 });
  assert.deepEqual(report.bytes, { total: 1000, chosen: 800, chosenPercent: 80 });
  assert.deepEqual(report.bandwidth, { chosenPercent: 80 });
  assert.equal(report.smallestChosen, 200);
  assert.deepEqual(report.largest.map((item) => item.package), ['a', 'b']);
  assert.deepEqual(report.concentration[0], { topPercent: 0.1, packages: 1, bytesPercent: 60, bandwidthPercent: 60 });
  assert.deepEqual(report.concentration.map((row) => row.packages), [1, 3], 'each count once: 0.1%..10% round to 1, 50% of 5 to 3');
  const text = formatCoverage(report);
  assert.match(text, /Chosen: 2 of 5 packages \(40\.0%\) carry 800 B of 1000 B \(80\.0% of bytes, 80\.0% of expected bandwidth\)/);
  assert.match(text, /600 B {2}a 1 amd64/);
});

test('the report names popcon coverage and an unreached share', () => {
  const options = { share: 0.99, minSize: 1000, installs: new Map([['a', 3]]) };
  const report = coverageReport(selectFiles(entries, options), options);
  assert.equal(report.weighting, 'popcon');
  assert.equal(report.smallestChosen, null);
  assert.deepEqual(report.popcon, { withoutPopcon: 4, popconOnly: 0 });
  const text = formatCoverage(report);
  assert.match(text, /share 0\.99 not reached/);
  assert.match(text, /4 packages of the index have no popcon entry/);
});

test('an empty index gives an empty report, not a crash', () => {
  const options = { share: 0.9, minSize: 0 };
  const report = coverageReport(selectFiles([], options), options);
  assert.equal(report.packages.total, 0);
  assert.deepEqual(report.concentration, []);
  assert.match(formatCoverage(report), /Chosen: 0 of 0 packages/);
});
