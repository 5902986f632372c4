/**
 * On-demand torrents for `serve`: the first request for `<pool file>.torrent`
 * hashes the file and stores the torrent beside it; every request that
 * arrives meanwhile waits for that same work (an in-flight map keyed by the
 * torrent's path), so a hundred simultaneous first requests hash once.
 * Afterwards the file on disk is served like any other.
 *
 * Hashing is the one thing a client can make this server do at length (a
 * 64 MiB file is a second of CPU and disk), so it is bounded: at most
 * HASH_SLOTS files are hashed at once, at most HASH_QUEUE more wait (the
 * rest are told to come back: BusyError, a 503), and a torrent that cannot
 * be stored (a read-only tree) is kept in memory, up to MEMORY_ENTRIES of
 * them, keyed by the file's size and mtime so that a changed file is hashed
 * anew. Without that, every GET or HEAD re-hashed the whole file.
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

/** Too many torrents are being made already: the client should retry later. */
export class BusyError extends Error {}

export const HASH_SLOTS = 2;
export const HASH_QUEUE = 32;
export const MEMORY_ENTRIES = 512;

export class TorrentMaker {
  private readonly inFlight = new Map<string, Promise<MadeTorrent>>();
  /** Torrents that could not be stored, most recently used last. */
  private readonly inMemory = new Map<string, MadeTorrent>();
  private hashing = 0;
  private readonly waiting: Array<() => void> = [];
  /** How many files were hashed: what the bound is about. */
  hashed = 0;
  constructor(private readonly log: (message: string) => void) {}

  /** The torrent for a job: from disk or memory if made before, else made once. */
  get(job: TorrentJob, mtimeMs = 0): Promise<MadeTorrent> {
    const key = `${job.target}\0${job.size}\0${mtimeMs}`;
    const remembered = this.inMemory.get(key);
    if (remembered) {
      this.inMemory.delete(key);
      this.inMemory.set(key, remembered);
      return Promise.resolve(remembered);
    }
    const running = this.inFlight.get(key);
    if (running) return running;
    if (this.inFlight.size >= HASH_SLOTS + HASH_QUEUE) {
      return Promise.reject(new BusyError(`${HASH_SLOTS + HASH_QUEUE} torrents are being made already`));
    }
    // Set synchronously, before any await: the next request sees this promise.
    const work = this.make(job).then((made) => {
      if (!made.stored) this.remember(key, made);
      return made;
    }).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, work);
    return work;
  }

  private remember(key: string, made: MadeTorrent): void {
    this.inMemory.set(key, made);
    if (this.inMemory.size > MEMORY_ENTRIES) this.inMemory.delete(this.inMemory.keys().next().value!);
  }

  private async slot(): Promise<() => void> {
    if (this.hashing >= HASH_SLOTS) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.hashing += 1;
    return () => {
      this.hashing -= 1;
      this.waiting.shift()?.();
    };
  }

  private async make(job: TorrentJob): Promise<MadeTorrent> {
    // A request that missed the file a moment ago may arrive just after the previous wave stored it.
    const existing = await readFile(job.target).catch(() => undefined);
    if (existing) return { bytes: existing, infoHash: infoHashOrEmpty(existing), stored: true };
    const release = await this.slot();
    try {
      return await this.hashAndBuild(job);
    } finally {
      release();
    }
  }

  private async hashAndBuild(job: TorrentJob): Promise<MadeTorrent> {
    this.hashed += 1;

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
