import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatBytes, formatDuration, parseSize } from '../../src/util/size.js';

describe('sizes', () => {
  it('parses decimal, binary and lone-letter units, and plain bytes', () => {
    assert.equal(parseSize('10MB'), 10_000_000);
    assert.equal(parseSize('10MiB'), 10 * 1024 * 1024);
    assert.equal(parseSize('512k'), 512 * 1024);
    assert.equal(parseSize('1.5K'), 1536);
    assert.equal(parseSize('123'), 123);
    assert.equal(parseSize(' 2 GB '), 2_000_000_000);
  });

  it('refuses what is not a size', () => {
    for (const bad of ['', 'fast', '-1', '10XB', '1e3', '99999999999999999999TB']) assert.equal(parseSize(bad), undefined, bad);
  });

  it('formats bytes and durations for people', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(50 * 1024 * 1024), '50 MiB');
    assert.equal(formatDuration(250), '250 ms');
    assert.equal(formatDuration(1500), '1.5 s');
    assert.equal(formatDuration(125_000), '2m05s');
  });
});
