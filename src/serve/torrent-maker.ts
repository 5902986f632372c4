/**
 * On-demand torrents for `serve`: the first request for `<pool file>.torrent`
 * hashes the file and stores the torrent beside it; every request that
 * arrives meanwhile waits for that same work (an in-flight map keyed by the
 * torrent's path), so a hundred simultaneous first requests hash once.
 * Afterwards the file on disk is served like any other.
 */
import { readFile } from 'node:fs/promises';
import { hashFile } from '../bittorrent/hash-file.js';
import { baseName } from '../manifest/paths.js';
import { pieceLengthFor } from '../bittorrent/piece-length.js';
import { buildTorrent, infoHashOf, parseTorrent, type TorrentLocations } from '../bittorrent/torrent.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export interface TorrentJob {
  /** Pool path of the .deb, relative to the archive root (for logs and the torrent's name). */
  filename: string;
  /** The .deb on disk, already checked to be inside the archive. */
  source: string;
  /** Its size when the request came (it decides the piece length). */
  size: number;
  /** Where the torrent is stored. */
  target: string;
  /**
   * From the manifest: the torrent is made only if the file still matches,
   * with the manifest's piece length, and must come out with its infohash
   * (a manifest written under another piece-length rule still gets its own torrents).
   */
  expected?: { size: number; sha256: string; pieceLength: number; infoHash: string };
  locations: TorrentLocations;
}

export interface MadeTorrent {
  bytes: Buffer;
  infoHash: string;
  /** False when it could not be stored (read-only tree): it is served from memory this time. */
  stored: boolean;
}

/** The file is not what the manifest says: no torrent may be made for it. */
export class MismatchError extends Error {}

export class TorrentMaker {
  private readonly inFlight = new Map<string, Promise<MadeTorrent>>();
  constructor(private readonly log: (message: string) => void) {}

  /** The torrent for a job: from disk if a previous wave stored it, else made once. */
  get(job: TorrentJob): Promise<MadeTorrent> {
    const running = this.inFlight.get(job.target);
    if (running) return running;
    // Set synchronously, before any await: the next request sees this promise.
    const work = this.make(job).finally(() => this.inFlight.delete(job.target));
    this.inFlight.set(job.target, work);
    return work;
  }

  private async make(job: TorrentJob): Promise<MadeTorrent> {
    // A request that missed the file a moment ago may arrive just after the previous wave stored it.
    const existing = await readFile(job.target).catch(() => undefined);
    if (existing) return { bytes: existing, infoHash: infoHashOrEmpty(existing), stored: true };

    const started = Date.now();
    const { expected } = job;
    const pieceLength = expected?.pieceLength ?? pieceLengthFor(job.size);
    const hashes = await hashFile(job.source, { pieceLength });
    if (hashes.size !== (expected?.size ?? job.size) || (expected && hashes.sha256 !== expected.sha256)) {
      throw new MismatchError(`${job.filename} (size ${hashes.size}, SHA256 ${hashes.sha256}) changed or does not match the manifest; no torrent made`);
    }
    const info = { name: baseName(job.filename), length: hashes.size, pieceLength, pieces: hashes.pieces };
    const bytes = buildTorrent(info, job.locations);
    const infoHash = infoHashOf(info);
    if (expected && infoHash !== expected.infoHash) {
      throw new MismatchError(`${job.filename}: the torrent made here has infohash ${infoHash}, the manifest says ${expected.infoHash}; no torrent served`);
    }
    let stored = true;
    await writeFileAtomic(job.target, bytes).catch((error: Error) => {
      stored = false;
      this.log(`warning: cannot store ${job.target}: ${error.message}; serving it from memory`);
    });
    this.log(`made ${job.filename}.torrent (${infoHash}, hashed ${hashes.size} bytes in ${Date.now() - started} ms)`);
    return { bytes, infoHash, stored };
  }
}

function infoHashOrEmpty(bytes: Buffer): string {
  try {
    return parseTorrent(bytes).infoHash;
  } catch {
    return '';
  }
}
