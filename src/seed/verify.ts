import { open } from 'node:fs/promises';
import { PieceHasher } from '../bittorrent/piece-hasher.js';
import { buildTorrent, infoHashOf, type TorrentInfo } from '../bittorrent/torrent.js';
import type { SeedFacts } from './entry.js';
import { READ_NOFOLLOW } from './store.js';

const CHUNK = 1024 * 1024;

/**
 * Read a stored file once: its SHA256 (APT's word on the content) and the
 * SHA1 of every piece (the torrent's). Torrents are deterministic, so the
 * pieces, the name and the piece length give back the very infohash the
 * manifest named: the file proves itself, no .torrent needs keeping.
 * Throws when the file is not what the facts say; returns the .torrent to seed.
 */
export async function verifyStored(path: string, facts: SeedFacts, trackers: readonly string[], signal?: AbortSignal): Promise<Buffer> {
  const handle = await open(path, READ_NOFOLLOW);
  const hasher = new PieceHasher(facts.pieceLength);
  try {
    const info = await handle.stat();
    if (!info.isFile() || info.size !== facts.size) throw new Error(`is ${info.size} bytes, not ${facts.size}`);
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      if (signal?.aborted) throw new Error('stopped');
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      hasher.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  const { size: total, sha256, pieces } = hasher.finish();
  if (total !== facts.size) throw new Error(`changed while being read (${total} bytes, not ${facts.size})`);
  if (sha256 !== facts.sha256) throw new Error(`SHA256 ${sha256} is not ${facts.sha256} from APT's Packages index`);
  const info: TorrentInfo = { name: facts.name, length: facts.size, pieceLength: facts.pieceLength, pieces };
  const infoHash = infoHashOf(info);
  if (infoHash !== facts.infoHash) throw new Error(`its torrent (name ${facts.name}, pieces of ${facts.pieceLength} bytes) has infohash ${infoHash}, not ${facts.infoHash}`);
  return buildTorrent(info, { trackers, webSeeds: [] });
}
