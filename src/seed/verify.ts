import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { buildTorrent, infoHashOf, type TorrentInfo } from '../manifest/torrent.js';
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
  const whole = createHash('sha256');
  const pieces: Buffer[] = [];
  let piece = createHash('sha1');
  let inPiece = 0;
  let total = 0;
  try {
    const info = await handle.stat();
    if (!info.isFile() || info.size !== facts.size) throw new Error(`is ${info.size} bytes, not ${facts.size}`);
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      if (signal?.aborted) throw new Error('stopped');
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      whole.update(chunk);
      total += bytesRead;
      let at = 0;
      while (at < chunk.length) {
        const take = Math.min(facts.pieceLength - inPiece, chunk.length - at);
        piece.update(chunk.subarray(at, at + take));
        inPiece += take;
        at += take;
        if (inPiece === facts.pieceLength) {
          pieces.push(piece.digest());
          piece = createHash('sha1');
          inPiece = 0;
        }
      }
    }
  } finally {
    await handle.close();
  }
  if (inPiece > 0) pieces.push(piece.digest());
  if (total !== facts.size) throw new Error(`changed while being read (${total} bytes, not ${facts.size})`);
  const sha256 = whole.digest('hex');
  if (sha256 !== facts.sha256) throw new Error(`SHA256 ${sha256} is not ${facts.sha256} from APT's Packages index`);
  const info: TorrentInfo = { name: facts.name, length: facts.size, pieceLength: facts.pieceLength, pieces: Buffer.concat(pieces) };
  const infoHash = infoHashOf(info);
  if (infoHash !== facts.infoHash) throw new Error(`its torrent (name ${facts.name}, pieces of ${facts.pieceLength} bytes) has infohash ${infoHash}, not ${facts.infoHash}`);
  return buildTorrent(info, { trackers, webSeeds: [] });
}
