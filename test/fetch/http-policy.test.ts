import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAptConfigDump, parseAptConfigShell } from '../../src/apt/apt-config.js';
import { TooLargeError } from '../../src/fetch/hashing-writer.js';
import { RangeIgnoredError, rangeHonoured } from '../../src/fetch/http.js';
import { classifyFailure, retryDelay } from '../../src/fetch/retry-policy.js';

describe('retry policy', () => {
  it('retries what may pass, restarts what ignored Range, stops on what cannot', () => {
    assert.equal(classifyFailure(Object.assign(new Error('reset'), { code: 'ECONNRESET' })).kind, 'retry');
    assert.equal(classifyFailure(new RangeIgnoredError(200)).kind, 'restart');
    assert.equal(classifyFailure(new TooLargeError(11, 10)).kind, 'fatal');
    assert.equal(classifyFailure(Object.assign(new Error('full'), { code: 'ENOSPC' })).kind, 'fatal');
  });

  it('backs off exponentially up to 8 s', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 9].map(retryDelay), [500, 1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('accepts only a 206 that starts where we asked', () => {
    assert.equal(rangeHonoured(206, 'bytes 100-199/200', 100), true);
    assert.equal(rangeHonoured(206, 'bytes 0-199/200', 100), false);
    assert.equal(rangeHonoured(200, undefined, 100), false);
  });
});

describe('apt-config output', () => {
  it('reads shell output with quotes', () => {
    const values = parseAptConfigShell("ARCHIVES='/var/cache/apt/archives/'\nODD='it'\\''s'\n");
    assert.equal(values.get('ARCHIVES'), '/var/cache/apt/archives/');
    assert.equal(values.get('ODD'), "it's");
  });

  it('reads dump output, keys lower-cased, lists collected', () => {
    const values = parseAptConfigDump('Acquire::http::Proxy "http://p:3128/";\nDPkg::Options:: "--root=/x";\nDPkg::Options:: "--force";\nAPT "";\n');
    assert.deepEqual(values.get('acquire::http::proxy'), ['http://p:3128/']);
    assert.deepEqual(values.get('dpkg::options::'), ['--root=/x', '--force']);
  });
});
