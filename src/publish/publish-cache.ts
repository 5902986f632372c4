/**
 * What a publish run remembers for the next one, so that unchanged files are
 * neither read nor hashed again: per pool path, the index's size and SHA256
 * that the file was verified against, and the file's mtime at that moment.
 * The torrent itself is the store of piece hashes; the cache only vouches
 * that the torrent on disk belongs to the file as the index describes it.
 *
 * Kept beside the manifest as `.publish-cache.json`; deleting it (or
 * `--rehash`) costs one full hashing run, nothing else.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomic-write.js';

export const CACHE_NAME = '.publish-cache.json';
const CACHE_VERSION = 1;

export interface CachedFile {
  /** From the index the file was verified against. */
  size: number;
  sha256: string;
  /** The file's mtime (ms) when it was hashed; a touched file is hashed again. */
  mtimeMs: number;
  infoHash: string;
}

export interface PublishCache {
  /** Where the torrents were written; another root means the cache says nothing about them. */
  torrentRoot: string;
  files: Record<string, CachedFile>;
}

/** The cache, or an empty one when there is none or it is unreadable (it is only an optimisation). */
export async function loadCache(path: string, torrentRoot: string): Promise<PublishCache> {
  const empty: PublishCache = { torrentRoot, files: {} };
  try {
    const json = JSON.parse(await readFile(path, 'utf8')) as { version?: unknown; torrentRoot?: unknown; files?: unknown };
    if (json.version !== CACHE_VERSION || json.torrentRoot !== torrentRoot || typeof json.files !== 'object' || json.files === null) return empty;
    return { torrentRoot, files: json.files as Record<string, CachedFile> };
  } catch {
    return empty;
  }
}

export async function saveCache(path: string, cache: PublishCache): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify({ version: CACHE_VERSION, ...cache })}\n`);
}

/**
 * Pure: may the torrent on disk be reused for this index entry without
 * reading the file? Only when the index still says the same size and SHA256
 * the file was verified against, and the file has not been touched since.
 */
export function cacheVouches(cached: CachedFile | undefined, index: { size: number; sha256: string }, file: { size: number; mtimeMs: number }): cached is CachedFile {
  return cached !== undefined
    && cached.size === index.size
    && cached.sha256 === index.sha256
    && file.size === index.size
    && file.mtimeMs === cached.mtimeMs;
}
