import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { decode, encode } from '../../src/bittorrent/bencode.js';
import { hashFile } from '../../src/bittorrent/hash-file.js';
import { cacheVouches } from '../../src/publish/publish-cache.js';
import { buildTorrent, infoHashOf, parseTorrent, type TorrentInfo } from '../../src/bittorrent/torrent.js';
import { sha256 } from '../helpers/hash.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';

const info: TorrentInfo = { name: 'a_1_all.deb', length: 40, pieceLength: 16384 * 16, pieces: Buffer.alloc(20, 1) };

test('the info dictionary holds only length, name, piece length and pieces', () => {
  const torrent = decode(buildTorrent(info, { trackers: ['http://t/announce'], webSeeds: ['http://m/a_1_all.deb'] })) as Record<string, any>;
  assert.deepEqual(Object.keys(torrent.info).sort(), ['length', 'name', 'piece length', 'pieces']);
  assert.deepEqual(Object.keys(torrent).sort(), ['announce', 'created by', 'info', 'url-list']);
  assert.equal(torrent['creation date'], undefined);
});

test('trackers and web seeds do not change the infohash; each tracker gets a tier', () => {
  const one = parseTorrent(buildTorrent(info, { trackers: [], webSeeds: [] }));
  const two = parseTorrent(buildTorrent(info, { trackers: ['http://a/announce', 'udp://b:1'], webSeeds: ['http://x/y.deb'] }));
  assert.equal(one.infoHash, two.infoHash);
  assert.equal(one.infoHash, infoHashOf(info));
  assert.deepEqual(two.trackers, ['http://a/announce', 'udp://b:1']);
  assert.deepEqual(two.webSeeds, ['http://x/y.deb']);
  const raw = decode(buildTorrent(info, { trackers: ['http://a/announce', 'udp://b:1'], webSeeds: [] })) as Record<string, any>;
  assert.deepEqual(raw['announce-list'].map((tier: Buffer[]) => tier.map(String)), [['http://a/announce'], ['udp://b:1']]);
});

test('the same input gives the same bytes', () => {
  const locations = { trackers: ['http://a/announce'], webSeeds: ['http://x/y.deb'] };
  assert.deepEqual(buildTorrent(info, locations), buildTorrent({ ...info }, locations));
});

test('parseTorrent refuses what a client must not accept', () => {
  const bad = (infoDict: Record<string, unknown>) => encode({ info: infoDict as never });
  assert.throws(() => parseTorrent(encode({ info: { name: 'x', files: [] } })), /multi-file/);
  assert.throws(() => parseTorrent(bad({ ...info, name: '../x.deb' })), /not a plain file name/);
  assert.throws(() => parseTorrent(bad({ ...info, name: 'a/b.deb' })), /not a plain file name/);
  assert.throws(() => parseTorrent(bad({ ...info, 'piece length': 1, pieces: Buffer.alloc(21) })), /20-byte/);
  assert.throws(() => parseTorrent(bad({ ...info, 'piece length': 16, pieces: Buffer.alloc(20) })), /do not fit/);
  assert.throws(() => parseTorrent(encode([1])), /not a dictionary/);
});

test('hashFile: SHA256 of the whole and SHA1 per piece, pieces straddling reads', async () => {
  const dir = tempDir('hash');
  const path = join(dir, 'f');
  // Four pieces per 1 MiB read, and a short last piece.
  const data = randomBytes(256 * 1024 * 9 + 1234);
  writeFileSync(path, data);
  const hashes = await hashFile(path, { pieceLength: 256 * 1024 });
  assert.equal(hashes.size, data.length);
  assert.equal(hashes.sha256, sha256(data));
  assert.equal(hashes.pieces.length, 20 * 10);
  for (let index = 0; index < 10; index += 1) {
    const piece = data.subarray(index * 256 * 1024, (index + 1) * 256 * 1024);
    assert.deepEqual(hashes.pieces.subarray(index * 20, index * 20 + 20), createHash('sha1').update(piece).digest(), `piece ${index}`);
  }
  const empty = join(dir, 'empty');
  writeFileSync(empty, '');
  assert.deepEqual((await hashFile(empty, { pieceLength: 262144 })).pieces.length, 0);
  removeTempDir(dir);
});

test('the cache vouches only for an unchanged index entry and an untouched file', () => {
  const cached = { size: 10, sha256: 'a', mtimeMs: 5, infoHash: 'x' };
  assert.ok(cacheVouches(cached, { size: 10, sha256: 'a' }, { size: 10, mtimeMs: 5 }));
  assert.ok(!cacheVouches(undefined, { size: 10, sha256: 'a' }, { size: 10, mtimeMs: 5 }));
  assert.ok(!cacheVouches(cached, { size: 10, sha256: 'b' }, { size: 10, mtimeMs: 5 }), 'new SHA256 in the index');
  assert.ok(!cacheVouches(cached, { size: 11, sha256: 'a' }, { size: 11, mtimeMs: 5 }), 'new size');
  assert.ok(!cacheVouches(cached, { size: 10, sha256: 'a' }, { size: 10, mtimeMs: 6 }), 'file touched');
});
