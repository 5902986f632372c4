import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pieceLengthFor } from '../../../src/bittorrent/piece-length.js';
import { infoHashOf } from '../../../src/bittorrent/torrent.js';
import type { SeedCandidate } from '../../../src/seed/handover.js';
import { piecesOf, sha256 } from '../../helpers/hash.js';

/**
 * A file `<pkg>_1.0_all.deb` in `dir` and the record install would make of
 * it (handover.ts), with the SHA256 and infohash of its bytes.
 */
export function candidate(dir: string, pkg: string, data: Buffer, pieceLength = pieceLengthFor(data.length)): SeedCandidate {
  const name = `${pkg}_1.0_all.deb`;
  const path = join(dir, name);
  writeFileSync(path, data);
  return {
    package: pkg,
    version: '1.0',
    architecture: 'all',
    sha256: sha256(data),
    size: data.length,
    infoHash: infoHashOf({ name, length: data.length, pieceLength, pieces: piecesOf(data, pieceLength) }),
    path,
    torrentUrl: `http://127.0.0.1:9/${name}.torrent`,
    trackers: [],
    addedAt: new Date().toISOString(),
    name,
    pieceLength,
    repoUri: 'http://127.0.0.1:9/',
    release: 'stable',
  };
}
