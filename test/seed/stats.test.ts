import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeLabel, prometheusText } from '../../src/seed/prometheus-text.js';
import type { TorrentView } from '../../src/seed/protocol.js';
import { ago, seedingStats, statsTable } from '../../src/seed/stats.js';
import { parseExposition, valueOf } from './helpers/prometheus.js';

const MiB = 1024 * 1024;
const view = (pkg: string, more: Partial<TorrentView> = {}): TorrentView => ({
  package: pkg, version: '1.0', architecture: 'amd64', infoHash: 'a'.repeat(40), name: `${pkg}.deb`, size: 8 * MiB,
  uploaded: 16 * MiB, ratio: 2, peers: 3, state: 'seeding', seedSeconds: 10, addedAt: '2026-11-01T00:00:00.000Z', ...more,
});
const now = Date.parse('2026-12-01T12:00:00Z');

describe('seeding stats', () => {
  const torrents = [
    view('bigdata', { lastServed: '2026-12-01T11:59:50.000Z' }),
    view('bigdesk', { version: '2:2.0-1', size: 2 * MiB, uploaded: 0, ratio: 0, peers: 0, state: 'paused', pausedFor: ['battery'] }),
    view('oldthing', { size: 6 * MiB, uploaded: 12 * MiB, ratio: 2, peers: 0, state: 'idle', lastServed: '2026-11-28T09:00:00.000Z' }),
  ];

  it('totals: files, bytes, uploaded, the ratio over all, peers, files by state, the last time anything was served', () => {
    const stats = seedingStats(torrents, ['battery']);
    assert.deepEqual(stats.totals, {
      files: 3, size: 16 * MiB, uploaded: 28 * MiB, ratio: 1.75, peers: 3,
      states: { seeding: 1, checking: 0, paused: 1, idle: 1 },
      lastServed: '2026-12-01T11:59:50.000Z',
    });
    assert.deepEqual(stats.uploadsPaused, ['battery']);
    assert.deepEqual(stats.packages.map((row) => [row.package, row.uploaded, row.ratio, row.peers, row.state, row.lastServed]), [
      ['bigdata', 16 * MiB, 2, 3, 'seeding', '2026-12-01T11:59:50.000Z'],
      ['bigdesk', 0, 0, 0, 'paused', undefined],
      ['oldthing', 12 * MiB, 2, 0, 'idle', '2026-11-28T09:00:00.000Z'],
    ]);
    assert.deepEqual(stats.packages[1]!.pausedFor, ['battery']);
    assert.deepEqual(seedingStats([], []).totals, { files: 0, size: 0, uploaded: 0, ratio: 0, peers: 0, states: { seeding: 0, checking: 0, paused: 0, idle: 0 } });
  });

  it('the table says whether uploads run, each file with its state and when it was last served, and the totals', () => {
    assert.equal(statsTable(seedingStats(torrents, ['battery']), now), [
      'Uploads: paused (battery)',
      'PACKAGE   VERSION  UPLOADED  RATIO  PEERS  STATE             LAST SERVED',
      'bigdata   1.0        16 MiB   2.00      3  seeding           10 s ago',
      'bigdesk   2:2.0-1       0 B   0.00      0  paused (battery)  never',
      'oldthing  1.0        12 MiB   2.00      0  idle              3 d ago',
      'Total: 3 files, 16 MiB; 28 MiB uploaded (ratio 1.75); 3 peers; last served 10 s ago',
      'States: 1 seeding, 1 paused, 1 idle',
      '',
    ].join('\n'));
    assert.equal(statsTable(seedingStats([], []), now), 'Uploads: running\nTotal: 0 files, 0 B; 0 B uploaded (ratio 0.00); 0 peers; last served never\nStates: nothing seeded\n');
  });

  it('ages as a person reads them', () => {
    assert.equal(ago(undefined, now), 'never');
    assert.equal(ago('2026-12-01T11:59:59.000Z', now), '1 s ago');
    assert.equal(ago('2026-12-01T11:15:00.000Z', now), '45 min ago');
    assert.equal(ago('2026-12-01T01:00:00.000Z', now), '11 h ago');
    // A clock that went back says 0 s, not a negative age.
    assert.equal(ago('2026-12-01T12:00:05.000Z', now), '0 s ago');
  });
});

describe('the Prometheus file', () => {
  it('parses strictly, every family with HELP and TYPE, and carries the numbers', () => {
    const text = prometheusText(seedingStats([
      view('bigdata', { lastServed: '2026-12-01T11:59:50.500Z' }),
      view('bigdesk', { uploaded: 0, peers: 0, state: 'paused', pausedFor: ['battery'] }),
    ], ['battery']), true);
    const parsed = parseExposition(text);
    for (const [name, family] of parsed.families) {
      assert.ok(family.help && family.help.length > 10, `HELP of ${name}`);
      assert.ok(family.type === 'gauge' || family.type === 'counter', `TYPE of ${name}`);
      if (family.type === 'counter') assert.match(name, /_total$/);
    }
    const bigdata = { package: 'bigdata', version: '1.0', architecture: 'amd64' };
    assert.equal(valueOf(parsed, 'apt_torrent_seeder_running'), 1);
    assert.equal(valueOf(parsed, 'apt_torrent_uploads_paused', { reason: 'battery' }), 1);
    assert.equal(valueOf(parsed, 'apt_torrent_uploads_paused', { reason: 'metered' }), 0);
    assert.equal(valueOf(parsed, 'apt_torrent_seeded_files', { state: 'paused' }), 1);
    assert.equal(valueOf(parsed, 'apt_torrent_seeded_files', { state: 'idle' }), 0);
    assert.equal(valueOf(parsed, 'apt_torrent_seeded_bytes'), 16 * MiB);
    assert.equal(valueOf(parsed, 'apt_torrent_uploaded_bytes_total', bigdata), 16 * MiB);
    assert.equal(valueOf(parsed, 'apt_torrent_uploaded_bytes_total', { ...bigdata, package: 'bigdesk' }), 0);
    assert.equal(valueOf(parsed, 'apt_torrent_peers', bigdata), 3);
    assert.equal(valueOf(parsed, 'apt_torrent_size_bytes', bigdata), 8 * MiB);
    assert.equal(valueOf(parsed, 'apt_torrent_last_served_timestamp_seconds', bigdata), Date.parse('2026-12-01T11:59:50Z') / 1000);
    assert.equal(valueOf(parsed, 'apt_torrent_last_served_timestamp_seconds', { ...bigdata, package: 'bigdesk' }), undefined, 'never served: no series');
    assert.equal(valueOf(parsed, 'apt_torrent_seeder_running'), 1);
    assert.equal(valueOf(parseExposition(prometheusText(seedingStats([], []), false)), 'apt_torrent_seeder_running'), 0);
  });

  it('escapes label values as the format asks, so a hostile package name cannot forge a series', () => {
    assert.equal(escapeLabel('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
    const hostile = 'evil"} 1\napt_torrent_seeder_running{x="';
    const parsed = parseExposition(prometheusText(seedingStats([view(hostile, { version: 'v\\1' })], []), true));
    assert.equal(valueOf(parsed, 'apt_torrent_uploaded_bytes_total', { package: hostile, version: 'v\\1', architecture: 'amd64' }), 16 * MiB);
    assert.equal(parsed.samples.filter((sample) => sample.name === 'apt_torrent_seeder_running').length, 1);
  });

  it('the same package, version and architecture twice (one .deb from two sources) is one series, added up', () => {
    const parsed = parseExposition(prometheusText(seedingStats([
      view('bigdata', { infoHash: 'a'.repeat(40), lastServed: '2026-12-01T10:00:00.000Z' }),
      view('bigdata', { infoHash: 'b'.repeat(40), uploaded: MiB, peers: 1, lastServed: '2026-12-01T11:00:00.000Z' }),
    ], []), true));
    const labels = { package: 'bigdata', version: '1.0', architecture: 'amd64' };
    assert.equal(valueOf(parsed, 'apt_torrent_uploaded_bytes_total', labels), 17 * MiB);
    assert.equal(valueOf(parsed, 'apt_torrent_peers', labels), 4);
    assert.equal(valueOf(parsed, 'apt_torrent_last_served_timestamp_seconds', labels), Date.parse('2026-12-01T11:00:00Z') / 1000);
  });

  it('the checker itself refuses what the collector would', () => {
    assert.throws(() => parseExposition('x 1'), /line feed/);
    assert.throws(() => parseExposition('x 1\n'), /before its TYPE/);
    assert.throws(() => parseExposition('# TYPE x gauge\nx{a="b"c"} 1\n'), /comma|never ends/);
    assert.throws(() => parseExposition('# TYPE x gauge\nx{a="\\t"} 1\n'), /unknown escape/);
    assert.throws(() => parseExposition('# TYPE x gauge\nx 1\nx 2\n'), /same series twice/);
    assert.throws(() => parseExposition('# TYPE x gauge\n# TYPE y gauge\nx 1\n'), /split in two/);
    assert.throws(() => parseExposition('# TYPE x gauge\nx one\n'), /not a number/);
  });
});
