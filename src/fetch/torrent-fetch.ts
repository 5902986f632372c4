import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { redactUri } from '../apt/auth-conf.js';
import { acceptTorrent, withTrackersOnly } from '../bittorrent/accept-torrent.js';
import { AptTorrentError } from '../errors.js';
import type { TorrentClient } from '../torrent/client.js';
import type { TorrentHandle } from '../torrent/torrent-handle.js';
import { fetchCached } from './fetch-cached.js';
import { settleForCache } from './http.js';
import type { Network } from './network.js';
import type { PlannedFile } from './plan.js';
import { TorrentDownload, type TorrentDownloadOptions } from './torrent-download.js';
import { verifiedFile, type VerifiedFile } from './verified-file.js';
import { HeadStart } from './head-start.js';

export type { ByteSource } from '../torrent/torrent-handle.js';
export type { TorrentEvents } from './torrent-download.js';

export interface TorrentFetchOptions extends Omit<TorrentDownloadOptions, 'headStart'> {
  /** The BitTorrent client, or its start: a new file's head start (head-start.ts) does not wait for it. */
  client: TorrentClient | Promise<TorrentClient>;
  network: Network;
  partial: string;
  archives: string;
  /**
   * Keep serving the verified file after it is in the cache: its torrent
   * goes here instead of being closed, and the caller closes it once the
   * seeding daemon has taken over (no gap between verified and announced).
   */
  keepServing?: TorrentHandle[];
  /** Called once the file's head start is under way, or known not to be: the client may load now. */
  onHeadStart?: () => void;
}

export interface TorrentOutcome {
  peerBytes: number;
  mirrorBytes: number;
  /** Where the verified file now is (APT's archive cache). */
  path: string;
  infoHash: string;
  bannedPeers: string[];
  /** The inode now at `path`, and its SHA256. */
  verified: VerifiedFile;
}

/** The .torrent was unusable: the file goes over plain HTTP instead. */
export class TorrentRefused extends Error {}

/**
 * Fetch one file over BitTorrent, the URI APT chose serving as web seed;
 * let HTTP fill what peers and web seed do not give in time; check the
 * whole file's SHA256 against APT's index; only then move it into the
 * archive cache.
 */
export async function fetchByTorrent(file: PlannedFile, options: TorrentFetchOptions): Promise<TorrentOutcome> {
  const source = file.torrent!;
  const refused = (why: string) => new TorrentRefused(`torrent ${redactUri(source.torrentUrl)} for ${file.cacheName}: ${why}`);
  let data: Buffer;
  let name: string;
  let info: ReturnType<typeof acceptTorrent>['info'];
  try {
    const fetched = await fetchCached(source.torrentUrl, { network: options.network, timeoutMs: options.http.timeoutMs, signal: options.http.signal, maxBytes: torrentBytesAtMost(file.size) });
    if (!fetched) throw new Error('not found (404)');
    info = acceptTorrent(fetched.bytes, { size: file.size, infoHash: source.infoHash }).info;
    name = info.name;
    data = withTrackersOnly(fetched.bytes, source.trackers);
  } catch (error) {
    throw refused((error as Error).message);
  }

  // options.partial is apt-torrent's private directory (see private-dir.ts).
  const dir = join(options.partial, source.infoHash);
  await mkdir(dir, { recursive: true });
  // The file exists before webtorrent first reads it: its store opens a missing file for nothing,
  // and could then never read the pieces plain HTTP writes around it (the probe's, the fill's).
  const path = join(dir, name);
  // One download of a torrent at a time in this process: each trusts that nobody else writes its file.
  if (downloading.has(source.infoHash)) throw refused('it is being fetched by another download of this run');
  downloading.add(source.infoHash);
  try {
    return await fetchInto(file, options, { data, name, dir, path, info });
  } finally {
    downloading.delete(source.infoHash);
  }
}

/** Torrents being downloaded in this process, by infohash. */
const downloading = new Set<string>();

async function fetchInto(file: PlannedFile, options: TorrentFetchOptions, torrent: { data: Buffer; name: string; dir: string; path: string; info: ReturnType<typeof acceptTorrent>['info'] }): Promise<TorrentOutcome> {
  const source = file.torrent!;
  const { data, name, dir, path, info } = torrent;
  const refused = (why: string) => new TorrentRefused(`torrent ${redactUri(source.torrentUrl)} for ${file.cacheName}: ${why}`);
  // Created here, now, or found from an earlier run (whose pieces webtorrent checks by reading them).
  const fresh = await open(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644).then(
    async (created) => {
      await created.close();
      return true;
    },
    async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
      await (await open(path, constants.O_RDWR | constants.O_NOFOLLOW)).close();
      return false;
    },
  );
  // A file begun in this run: the mirror's bytes start now, while BitTorrent loads and the tracker answers.
  const headStart = fresh
    ? HeadStart.start({ uri: file.uri, path, size: file.size, pieceLength: info.pieceLength, pieceHashes: info.pieces, infoHash: source.infoHash, trackers: source.trackers }, options.http, (count) => options.events.bytes(file, count, 'mirror'))
    : undefined;
  options.onHeadStart?.();
  let handle: TorrentHandle;
  try {
    const client = await Promise.resolve(options.client).catch((error: Error) => {
      throw refused(`BitTorrent cannot start (${error.message})`);
    });
    handle = await client.download(data, dir, { maxWebConns: options.maxWebConns, ...(fresh ? { freshPieces: info.pieces.length / 20 } : {}) });
  } catch (error) {
    await headStart?.halt();
    throw error;
  }
  // A safety net under acceptTorrent: webtorrent must mean the very file we checked, or nothing is written.
  if (!readsAsOneFile(handle, name, file.size)) {
    await headStart?.halt();
    await handle.destroy();
    throw refused('webtorrent reads it as another file than the one checked');
  }
  const download = new TorrentDownload(file, handle, path, { ...options, headStart });
  try {
    await download.run();
  } finally {
    await handle.destroy();
  }

  // One descriptor from the hash to the cache: what is checked, settled and moved is one inode.
  const finalPath = join(options.archives, file.cacheName);
  const settled = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  let verified: VerifiedFile;
  try {
    const digest = download.knownDigest() ?? await sha256Of(settled);
    if (digest !== file.sha256) {
      await rm(dir, { recursive: true, force: true });
      throw verifyError(file, digest);
    }
    await settleForCache(settled);
    if (options.keepServing) {
      // Linked, not moved: the file stays under its torrent name while it is served again from here.
      await link(path, finalPath).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
        await rename(path, finalPath);
      });
      await keepServing(options, data, path, { size: file.size, pieceLength: info.pieceLength, dir });
    } else {
      await rename(path, finalPath);
    }
    await rm(dir, { recursive: true, force: true });
    // Taken last: the move, and the unlink of a kept link, change the inode's ctime.
    verified = await verifiedFile(settled, digest);
  } finally {
    await settled.close();
  }
  const { bytes } = download.state;
  return { peerBytes: bytes.peers, mirrorBytes: bytes.mirror, path: finalPath, infoHash: source.infoHash, bannedPeers: handle.bannedPeers(), verified };
}

/**
 * Serve the verified file from this client until the caller stops it (the
 * seeding daemon has it announced by then): seeded again without a
 * re-check, from a read-only descriptor opened now, so it is read by that
 * descriptor once the partial directory is gone, and nothing in this
 * process holds the file open for writing once it is in APT's cache. A
 * file that cannot be served is only not served.
 */
async function keepServing(options: TorrentFetchOptions, data: Buffer, path: string, torrent: { size: number; pieceLength: number; dir: string }): Promise<void> {
  let file: FileHandle | undefined;
  let seed: TorrentHandle | undefined;
  try {
    file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    seed = (await options.client).seedReadOnly(data, file, torrent);
    // The store owns the descriptor now: it is closed with the torrent.
    file = undefined;
    if (await seed.openStore()) options.keepServing!.push(seed);
    else await seed.destroy();
  } catch {
    await seed?.destroy();
    await file?.close();
  }
}

function verifyError(file: PlannedFile, digest: string): AptTorrentError {
  const source = file.torrent!;
  return new AptTorrentError('E_VERIFY', `${file.cacheName}: SHA256 mismatch after BitTorrent download, the file was deleted and not installed\n` +
    `  torrent:  ${source.infoHash} (web seed ${redactUri(file.uri)})\n  expected: ${file.sha256} (APT's Packages index)\n  got:      ${digest}`, {
    hint: 'the torrent or the mirror carries other bytes than the signed index describes; run `apt-get update`, or use --no-torrent',
  });
}

/**
 * The most a .torrent of a file this size can weigh: 20 bytes of piece hash
 * per 16 KiB piece (the smallest piece length in use), plus room for the
 * rest. More is not a torrent of this file, and is not read into memory.
 */
export function torrentBytesAtMost(size: number): number {
  return Math.ceil(size / 16384) * 20 + 1024 * 1024;
}

function readsAsOneFile(handle: TorrentHandle, name: string, size: number): boolean {
  const files = handle.files;
  return files.length === 1 && files[0]!.name === name && handle.length === size;
}

async function sha256Of(file: FileHandle): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of file.createReadStream({ autoClose: false, start: 0, highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
