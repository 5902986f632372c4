import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assignTorrents, resolveTorrentUrl } from '../../src/fetch/assign-torrents.js';
import type { PlannedFile } from '../../src/fetch/plan.js';
import { encode } from '../../src/bittorrent/bencode.js';
import { checkAgainstRelease } from '../../src/fetch/release-check.js';
import { buildTorrent, infoHashOf, parseTorrent } from '../../src/bittorrent/torrent.js';
import { acceptTorrent, withTrackersOnly } from '../../src/bittorrent/accept-torrent.js';
import { parseScrape, scrapeQuery, scrapeUrl } from '../../src/bittorrent/scrape.js';
import { sha256 } from '../helpers/hash.js';

const info = { name: 'a_1_all.deb', length: 5, pieceLength: 16384, pieces: Buffer.alloc(20, 1) };
const torrent = buildTorrent(info, { trackers: ['http://t/announce'], webSeeds: ['http://publisher/pool/a_1_all.deb'] });

describe('accepting a .torrent', () => {
  it('takes one whose length and infohash agree with index and manifest', () => {
    assert.equal(acceptTorrent(torrent, { size: 5, infoHash: infoHashOf(info) }).info.name, 'a_1_all.deb');
  });

  it('refuses another length, another infohash, path parts and multi-file torrents', () => {
    assert.throws(() => acceptTorrent(torrent, { size: 6, infoHash: infoHashOf(info) }), /5 bytes but the Packages index says 6/);
    assert.throws(() => acceptTorrent(torrent, { size: 5, infoHash: '0'.repeat(40) }), /is not the manifest's/);
    const evil = buildTorrent({ ...info, name: '../x.deb' }, { trackers: [], webSeeds: [] });
    assert.throws(() => acceptTorrent(evil, { size: 5, infoHash: infoHashOf({ ...info, name: '../x.deb' }) }), /not a plain file name/);
    const multi = encode({ info: { name: 'd', 'piece length': 16384, pieces: Buffer.alloc(20), files: [{ length: 5, path: ['a'] }] } });
    assert.throws(() => acceptTorrent(multi, { size: 5, infoHash: '0'.repeat(40) }), /multi-file/);
  });

  it('drops the publisher\'s web seeds and keeps the info bytes, so the infohash stays', () => {
    const rebuilt = withTrackersOnly(torrent, ['http://mine/announce']);
    const parsed = parseTorrent(rebuilt);
    assert.equal(parsed.infoHash, infoHashOf(info));
    assert.deepEqual(parsed.webSeeds, []);
    assert.deepEqual(parsed.trackers, ['http://mine/announce']);
    assert.deepEqual(parseTorrent(withTrackersOnly(torrent, [])).trackers, []);
  });
});

describe('routing files to torrents', () => {
  const file = (over: Partial<PlannedFile> = {}): PlannedFile => ({
    uri: 'http://m/pool/a_1_all.deb', cacheName: 'a_1_all.deb', size: 5, sha256: 'a'.repeat(64), package: 'a', version: '1', architecture: 'all',
    route: 'http', repoUri: 'http://m/', release: 'stable', ...over,
  });
  const entry = { filename: 'pool/a_1_all.deb', size: 5, sha256: 'a'.repeat(64), package: 'a', version: '1', architecture: 'all', infoHash: 'b'.repeat(40), pieceLength: 16384, torrent: 'pool/a_1_all.deb.torrent' };
  const manifest = { url: 'http://m/dists/stable/apt-torrent/manifest.json', repoUri: 'http://m/', release: 'stable', torrentBase: 'http://m/', trackers: ['http://t/announce'], files: [entry], trustedBy: 'release' as const };

  it('matches by SHA256 and size, never by name', () => {
    const [routed] = assignTorrents([file()], [manifest], ['udp://extra:1']);
    assert.equal(routed!.route, 'torrent');
    assert.equal(routed!.torrent!.torrentUrl, 'http://m/pool/a_1_all.deb.torrent');
    assert.deepEqual(routed!.torrent!.trackers, ['http://t/announce', 'udp://extra:1']);
    assert.equal(assignTorrents([file({ sha256: 'c'.repeat(64) })], [manifest])[0]!.route, 'http');
    assert.equal(assignTorrents([file({ size: 6 })], [manifest])[0]!.route, 'http');
  });

  it('uses a manifest only for its own source, unless it was given for all', () => {
    assert.equal(assignTorrents([file({ repoUri: 'http://other/' })], [manifest])[0]!.route, 'http');
    assert.equal(assignTorrents([file({ repoUri: 'http://other/' })], [{ ...manifest, repoUri: undefined, release: undefined }])[0]!.route, 'torrent');
  });

  it('resolves torrent paths safely', () => {
    assert.equal(resolveTorrentUrl('http://m/debian', 'pool/g++.torrent'), 'http://m/debian/pool/g%2B%2B.torrent');
    assert.equal(resolveTorrentUrl('http://m/', 'https://cdn/x.torrent'), 'https://cdn/x.torrent');
    assert.equal(resolveTorrentUrl('http://m/', '../x.torrent'), undefined);
    assert.equal(resolveTorrentUrl('http://m/', '/etc/x'), undefined);
  });
});

describe('manifest against Release', () => {
  const bytes = Buffer.from('{"version":1}\n');
  const sha = sha256(bytes);
  const release = (hash: string, size: number) => `Suite: stable\nSHA256:\n ${hash} ${size} apt-torrent/manifest.json\n ${'0'.repeat(64)} 10 main/binary-amd64/Packages\n`;

  it('matches, mismatches, or is not listed', () => {
    assert.deepEqual(checkAgainstRelease(release(sha, bytes.length), bytes), { kind: 'match' });
    assert.equal(checkAgainstRelease(release('1'.repeat(64), bytes.length), bytes).kind, 'mismatch');
    assert.equal(checkAgainstRelease(release(sha, bytes.length + 1), bytes).kind, 'mismatch');
    assert.deepEqual(checkAgainstRelease('Suite: stable\n', bytes), { kind: 'unlisted' });
  });
});

describe('scrape', () => {
  it('derives the scrape URL as BEP 48 says', () => {
    assert.equal(scrapeUrl('http://t:6969/announce'), 'http://t:6969/scrape');
    assert.equal(scrapeUrl('http://t/x/announce.php?k=1'), 'http://t/x/scrape.php?k=1');
    assert.equal(scrapeUrl('http://t/a'), undefined);
    assert.equal(scrapeUrl('udp://t:6969/announce'), undefined);
  });

  it('asks for several infohashes, as raw bytes', () => {
    assert.equal(scrapeQuery('http://t/scrape', ['00ff'.padEnd(40, '0')]), `http://t/scrape?info_hash=%00%ff${'%00'.repeat(18)}`);
  });

  it('reads raw 20-byte keys and bittorrent-tracker\'s UTF-8 mangled ones', () => {
    const hash = Buffer.from('a454b3c57c63156de607ca2ea30b6c8e361d8f5a', 'hex');
    const raw = Buffer.concat([Buffer.from('d5:filesd20:'), hash, Buffer.from('d8:completei2e10:incompletei1eeee')]);
    assert.deepEqual(parseScrape(raw).get(hash.toString('hex')), { complete: 2, incomplete: 1 });
    const mangled = Buffer.from(hash.toString('latin1'), 'utf8');
    const body = Buffer.concat([Buffer.from(`d5:filesd${mangled.length}:`), mangled, Buffer.from('d8:completei0e10:incompletei0eeee')]);
    assert.deepEqual(parseScrape(body).get(hash.toString('hex')), { complete: 0, incomplete: 0 });
    assert.throws(() => parseScrape(Buffer.from('d14:failure reason4:nopee')), /tracker: nope/);
  });
});
