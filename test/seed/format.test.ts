import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cleanReport, listNames, listTable } from '../../src/seed/format.js';
import type { TorrentView } from '../../src/seed/protocol.js';
import { parseDuration } from '../../src/util/size.js';

const view = (pkg: string, version: string, more: Partial<TorrentView> = {}): TorrentView => ({
  package: pkg, version, architecture: 'all', infoHash: 'a'.repeat(40), name: `${pkg}.deb`, size: 8 * 1024 * 1024,
  uploaded: 16 * 1024 * 1024, ratio: 2, peers: 3, state: 'seeding', seedSeconds: 10, addedAt: '2025-01-01', ...more,
});

describe('seeding list output', () => {
  it('a table with numbers right-aligned and a total', () => {
    assert.equal(listTable([view('bigdata', '1.0'), view('bigdesk', '2:2.0-1', { size: 100, uploaded: 0, ratio: 0, peers: 0, state: 'paused' })]), [
      'PACKAGE  VERSION     SIZE  UPLOADED  RATIO  PEERS  STATE',
      'bigdata  1.0      8.0 MiB    16 MiB   2.00      3  seeding',
      'bigdesk  2:2.0-1    100 B       0 B   0.00      0  paused',
      '2 files, 8.0 MiB; 16 MiB uploaded',
      '',
    ].join('\n'));
    assert.equal(listTable([]), 'Nothing is seeded.\n');
  });

  it('--names: each package once', () => {
    assert.equal(listNames([view('b', '1'), view('b', '2'), view('a', '1')]), 'b\na\n');
  });
});

describe('clean output', () => {
  const facts = { infoHash: 'a'.repeat(40), package: 'bigdata', version: '1.0', architecture: 'all', sha256: '1'.repeat(64), size: 1024, name: 'x', pieceLength: 1 << 20, trackers: [], addedAt: '' };
  it('says what it removed, why, and the disk freed', () => {
    const decision = { remove: [{ facts, reason: 'it left the Packages indexes' }], keep: [] };
    assert.deepEqual(cleanReport(decision, [{ package: 'bigdata', version: '1.0', infoHash: facts.infoHash, size: 1024, freed: 1024 }], false), [
      'Removed bigdata 1.0 (1.0 KiB, 1.0 KiB freed): it left the Packages indexes',
      'Removed 1 seeded file(s), 1.0 KiB freed; 0 still seeded',
    ]);
    assert.deepEqual(cleanReport(decision, [], true), [
      'Would remove bigdata 1.0 (1.0 KiB): it left the Packages indexes',
      '1 of 1 seeded file(s) would be removed (dry run: nothing changed)',
    ]);
  });
});

describe('parseDuration', () => {
  it('takes s, m, h, d, w or plain seconds', () => {
    assert.equal(parseDuration('90'), 90);
    assert.equal(parseDuration('90m'), 5400);
    assert.equal(parseDuration('12h'), 43200);
    assert.equal(parseDuration('30d'), 2592000);
    assert.equal(parseDuration('1.5h'), 5400);
    assert.equal(parseDuration('soon'), undefined);
    assert.equal(parseDuration('3 fortnights'), undefined);
  });
});
