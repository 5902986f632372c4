import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { hashFile } from '../../src/manifest/hash-file.js';
import { pieceLengthFor } from '../../src/manifest/piece-length.js';
import { buildTorrent, infoHashOf, parseTorrent } from '../../src/manifest/torrent.js';

test('above 512 MiB the rule picks 512 KiB pieces and mktorrent -l 19 agrees on the infohash', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'apt-torrent-sparse-'));
  try {
    const path = join(dir, 'huge-data_1_all.deb');
    // Sparse: 600 MiB of zeros cost no disk, and a few real bytes make the pieces differ.
    writeFileSync(path, 'not really a deb');
    truncateSync(path, 600 * 1024 * 1024);
    const pieceLength = pieceLengthFor(600 * 1024 * 1024);
    assert.equal(pieceLength, 512 * 1024);
    const hashes = await hashFile(path, { pieceLength });
    const info = { name: 'huge-data_1_all.deb', length: hashes.size, pieceLength, pieces: hashes.pieces };
    const ours = join(dir, 'ours.torrent');
    writeFileSync(ours, buildTorrent(info, { trackers: [], webSeeds: [] }));
    execFileSync('mktorrent', ['-l', '19', '-a', 'http://t.example/announce', '-o', join(dir, 'theirs.torrent'), path], { stdio: 'ignore' });
    assert.equal(parseTorrent(readFileSync(join(dir, 'theirs.torrent'))).infoHash, infoHashOf(info));
    assert.match(execFileSync('transmission-show', [ours], { encoding: 'utf8' }), /Piece Count: 1200/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
