/**
 * Turning chosen index entries into verified torrents on disk. A file is
 * published only when its bytes were seen to match the index's Size and
 * SHA256 (in this run, or in an earlier one the cache vouches for); anything
 * else becomes a problem line and stays out of the manifest.
 *
 * Two phases: first a cheap pass (stat, cache, existing torrent) decides what
 * must be hashed, so the progress line knows the total; then one streaming
 * read per file to hash, files spread over worker threads (hash-pool.ts).
 */
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PackageEntry } from '../apt/packages.js';
import { AptTorrentError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { forEachBounded } from '../util/pool.js';
import type { FileHashes } from '../bittorrent/hash-file.js';
import { HashPool } from './hash-pool.js';
import { HashProgress, type ProgressSink } from './hash-progress.js';
import type { ManifestFile } from '../manifest/manifest.js';
import { baseName, fileUrl, isPoolPath, torrentPathFor } from '../manifest/paths.js';
import { pieceLengthFor } from '../bittorrent/piece-length.js';
import { cacheVouches, type PublishCache } from './publish-cache.js';
import { buildTorrent, infoHashOf, parseTorrent, type TorrentInfo } from '../bittorrent/torrent.js';

export interface PublishFilesOptions {
  archiveRoot: string;
  torrentRoot: string;
  baseUrl: string;
  trackers: readonly string[];
  /** Ignore the cache: read and hash every chosen file. */
  rehash: boolean;
  cache: PublishCache;
  progress: ProgressSink;
  signal?: AbortSignal;
}

export interface PublishFilesResult {
  files: ManifestFile[];
  problems: string[];
  hashed: number;
  hashedBytes: number;
  hashMs: number;
  reused: number;
  /** Reused torrents written again because trackers or base URL changed. */
  rewritten: number;
}

interface Job {
  entry: PackageEntry;
  mtimeMs: number;
}

/** Verify, hash (where needed) and write torrents for `entries`; updates `options.cache` in place. */
export async function publishFiles(entries: readonly PackageEntry[], options: PublishFilesOptions): Promise<PublishFilesResult> {
  const result: PublishFilesResult = { files: [], problems: [], hashed: 0, hashedBytes: 0, hashMs: 0, reused: 0, rewritten: 0 };
  const toHash: Job[] = [];
  // Pool order: files of one source sit together on disk.
  const sorted = [...entries].sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
  for (const entry of sorted) {
    const job = await check(entry, options, result.problems);
    // A failed check leaves the cache entry: removeStale then removes its old torrent.
    if (!job) continue;
    const reused = options.rehash ? undefined : await reuse(job, options);
    if (reused) {
      result.files.push(reused.file);
      result.reused += 1;
      if (reused.rewritten) result.rewritten += 1;
    } else {
      toHash.push(job);
    }
  }

  const progress = new HashProgress(toHash.length, toHash.reduce((sum, job) => sum + job.entry.size, 0), options.progress);
  const started = Date.now();
  const pool = toHash.length > 0 ? new HashPool(toHash.length) : undefined;
  const stop = () => void pool?.close();
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    const hash = (path: string, pieceLength: number) => pool!.hash(path, pieceLength, (count) => progress.addBytes(count));
    // One runner per thread, each taking the next file: big files do not hold up small ones.
    await forEachBounded(toHash, pool?.size ?? 1, async (job) => {
      const file = await hashAndWrite(job, options, hash, result.problems);
      result.hashed += 1;
      result.hashedBytes += job.entry.size;
      progress.fileDone();
      if (file) result.files.push(file);
    }, options.signal).catch((error: unknown) => {
      throw options.signal?.aborted && error === options.signal.reason ? interrupted() : error;
    });
  } finally {
    options.signal?.removeEventListener('abort', stop);
    progress.finish();
    await pool?.close();
    result.hashMs = Date.now() - started;
  }
  // Threads finish in any order; the report should not.
  result.problems.sort();
  return result;
}

/** The cheap checks: a sane path, a SHA256 to verify against, a regular file of the right size. */
async function check(entry: PackageEntry, options: PublishFilesOptions, problems: string[]): Promise<Job | undefined> {
  const where = `${entry.filename} (${entry.package} ${entry.version})`;
  if (!isPoolPath(entry.filename)) {
    problems.push(`${where}: Filename leaves the archive root; skipped`);
    return undefined;
  }
  if (entry.sha256 === '') {
    problems.push(`${where}: the index gives no SHA256, so the file cannot be verified; skipped`);
    return undefined;
  }
  try {
    const info = await stat(join(options.archiveRoot, entry.filename));
    if (!info.isFile()) {
      problems.push(`${where}: not a regular file; skipped`);
      return undefined;
    }
    if (info.size !== entry.size) {
      problems.push(`${where}: ${info.size} bytes on disk, the index says ${entry.size}; skipped`);
      return undefined;
    }
    return { entry, mtimeMs: info.mtimeMs };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problems.push(`${where}: ${code === 'ENOENT' ? 'listed in the index but missing from the pool' : (error as Error).message}; skipped`);
    return undefined;
  }
}

/** The torrent on disk, when the cache vouches for it and it is what the rule would make now. */
async function reuse(job: Job, options: PublishFilesOptions): Promise<{ file: ManifestFile; rewritten: boolean } | undefined> {
  const { entry } = job;
  const cached = options.cache.files[entry.filename];
  if (!cacheVouches(cached, entry, { size: entry.size, mtimeMs: job.mtimeMs })) return undefined;
  const path = join(options.torrentRoot, torrentPathFor(entry.filename));
  let bytes: Buffer;
  let parsed: ReturnType<typeof parseTorrent>;
  try {
    bytes = await readFile(path);
    parsed = parseTorrent(bytes);
  } catch {
    return undefined;
  }
  const { info } = parsed;
  if (parsed.infoHash !== cached.infoHash || info.length !== entry.size || info.name !== baseName(entry.filename) || info.pieceLength !== pieceLengthFor(entry.size)) {
    return undefined;
  }
  // Same pieces, maybe new trackers or base URL: only the outer dictionary changes.
  const fresh = buildTorrent(info, locations(entry, options));
  const rewritten = !fresh.equals(bytes);
  if (rewritten) await writeFileAtomic(path, fresh);
  return { file: manifestFile(entry, parsed.infoHash, info.pieceLength), rewritten };
}

type Hasher = (path: string, pieceLength: number) => Promise<FileHashes>;

function interrupted(): AptTorrentError {
  return new AptTorrentError('E_INTERRUPTED', 'publishing interrupted; files hashed so far are remembered for the next run');
}

async function hashAndWrite(job: Job, options: PublishFilesOptions, hash: Hasher, problems: string[]): Promise<ManifestFile | undefined> {
  const { entry } = job;
  const pieceLength = pieceLengthFor(entry.size);
  const source = join(options.archiveRoot, entry.filename);
  let hashes;
  try {
    hashes = await hash(source, pieceLength);
  } catch (error) {
    if (options.signal?.aborted) throw interrupted();
    problems.push(`${entry.filename}: cannot read: ${(error as Error).message}; skipped`);
    return undefined;
  }
  if (hashes.size !== entry.size || hashes.sha256 !== entry.sha256) {
    problems.push(`${entry.filename} (${entry.package} ${entry.version}): SHA256 ${hashes.sha256} does not match the index (${entry.sha256}); skipped`);
    return undefined;
  }
  const info: TorrentInfo = { name: baseName(entry.filename), length: hashes.size, pieceLength, pieces: hashes.pieces };
  const torrent = buildTorrent(info, locations(entry, options));
  const infoHash = infoHashOf(info);
  await writeFileAtomic(join(options.torrentRoot, torrentPathFor(entry.filename)), torrent);
  options.cache.files[entry.filename] = { size: entry.size, sha256: entry.sha256, mtimeMs: job.mtimeMs, infoHash };
  return manifestFile(entry, infoHash, pieceLength);
}

function locations(entry: PackageEntry, options: PublishFilesOptions) {
  return { trackers: options.trackers, webSeeds: [fileUrl(options.baseUrl, entry.filename)] };
}

function manifestFile(entry: PackageEntry, infoHash: string, pieceLength: number): ManifestFile {
  return {
    filename: entry.filename,
    size: entry.size,
    sha256: entry.sha256,
    package: entry.package,
    version: entry.version,
    architecture: entry.architecture,
    infoHash,
    pieceLength,
    torrent: torrentPathFor(entry.filename),
  };
}

/**
 * Remove the torrents this publisher made earlier for files no longer
 * published (left the index, no longer chosen, or failed verification).
 * Torrents it did not make (e.g. by `serve`) are not its to remove.
 */
export async function removeStale(cache: PublishCache, published: ReadonlySet<string>, torrentRoot: string): Promise<number> {
  let removed = 0;
  for (const filename of Object.keys(cache.files)) {
    if (published.has(filename)) continue;
    delete cache.files[filename];
    if (!isPoolPath(filename)) continue;
    await rm(join(torrentRoot, torrentPathFor(filename)), { force: true });
    removed += 1;
  }
  return removed;
}
