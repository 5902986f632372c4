import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { hashFile } from '../../src/bittorrent/hash-file.js';
import { pieceLengthFor } from '../../src/bittorrent/piece-length.js';
import { buildTorrent, infoHashOf, parseTorrent } from '../../src/bittorrent/torrent.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';

test('above 1 GiB the rule picks 2 MiB pieces and mktorrent -l 21 agrees on the infohash', async () => {
  const dir = tempDir('sparse');
  try {
    const path = join(dir, 'huge-data_1_all.deb');
    // Sparse: 1.1 GiB of zeros cost no disk, and a few real bytes make the first piece differ.
    writeFileSync(path, 'not really a deb');
    truncateSync(path, 1100 * 1024 * 1024);
    const pieceLength = pieceLengthFor(1100 * 1024 * 1024);
    assert.equal(pieceLength, 2 * 1024 * 1024);
    const hashes = await hashFile(path, { pieceLength });
    const info = { name: 'huge-data_1_all.deb', length: hashes.size, pieceLength, pieces: hashes.pieces };
    const ours = join(dir, 'ours.torrent');
    writeFileSync(ours, buildTorrent(info, { trackers: [], webSeeds: [] }));
    execFileSync('mktorrent', ['-l', '21', '-a', 'http://t.example/announce', '-o', join(dir, 'theirs.torrent'), path], { stdio: 'ignore' });
    assert.equal(parseTorrent(readFileSync(join(dir, 'theirs.torrent'))).infoHash, infoHashOf(info));
    assert.match(execFileSync('transmission-show', [ours], { encoding: 'utf8' }), /Piece Count: 550/);
  } finally {
    removeTempDir(dir);
  }
});
