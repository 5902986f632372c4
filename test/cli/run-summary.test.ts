import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseReport, runSummary } from '../../src/cli/run-summary.js';

describe('the method\'s report and the closing line', () => {
  it('reads the method\'s lines and skips anything else', () => {
    const text = [
      '{"file":"big_1.0_all.deb","size":1000,"via":"torrent","peers":900,"mirror":100}',
      '{"file":"small_1.0_all.deb","size":50,"via":"mirror"}',
      'not json',
      '{"file":"x.deb","size":-1,"via":"mirror"}',
      '{"file":"y.deb","size":5,"via":"torrent"}',
      '{"file":"","size":5,"via":"mirror"}',
      '{"file":"z.deb","size":5,"via":"carrier pigeon"}',
      '',
    ].join('\n');
    assert.deepEqual(parseReport(text), [
      { file: 'big_1.0_all.deb', size: 1000, via: 'torrent', peers: 900, mirror: 100 },
      { file: 'small_1.0_all.deb', size: 50, via: 'mirror' },
    ]);
  });

  it('adds up peers and mirror; a redirected file counts once it is in the cache, a retried one once', () => {
    const lines = parseReport([
      '{"file":"big.deb","size":1000,"via":"torrent","peers":600,"mirror":100}',
      '{"file":"small.deb","size":50,"via":"mirror"}',
      '{"file":"gone.deb","size":70,"via":"mirror"}',
      '{"file":"again.deb","size":30,"via":"mirror"}',
      '{"file":"again.deb","size":30,"via":"mirror"}',
    ].join('\n'));
    const summary = runSummary(lines, 2000, (file) => file !== 'gone.deb');
    assert.deepEqual(summary, { files: 3, bytes: 1080, mirrorBytes: 180, peerBytes: 600, resumedBytes: 300, elapsedMs: 2000, torrents: [] });
  });

  it('is nothing when nothing was fetched, and never more bytes than the file has', () => {
    assert.equal(runSummary([], 10, () => true), undefined);
    const summary = runSummary([{ file: 'a.deb', size: 10, via: 'torrent', peers: 50, mirror: 50 }], 10, () => true);
    assert.equal(summary?.peerBytes, 10);
    assert.equal(summary?.mirrorBytes, 0);
  });
});
