import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { acceptTorrent, withTrackersOnly } from '../bittorrent/accept-torrent.js';
import { torrentBytesAtMost } from '../fetch/torrent-fetch.js';
import type { TorrentClient } from '../torrent/client.js';
import { openReadOnly } from '../torrent/read-only-store.js';
import type { TorrentHandle } from '../torrent/torrent-handle.js';

/** A file the bridge is to serve, as the seed agent tells it (see seed-bridge.ts). */
export interface BridgeFile {
  infoHash: string;
  /** The .torrent the method checked and kept in its own directory. */
  torrent: string;
  /** The verified file in APT's archive cache, once APT has moved it there. */
  path: string;
  /** Where the method placed it for APT (archives/partial/), before that move: the bridge may open it there first. */
  partial?: string;
  size: number;
  trackers: string[];
}

export interface BridgeLimits {
  /** Torrents served at once: each costs the client memory; more are not served. */
  maxFiles: number;
  /** How long a file may take to appear at its path (APT moves it there right after the 201). */
  appearMs: number;
  /** The longest one file is served, whatever the agent says. */
  maxServeMs: number;
  /** A peer that got nothing for this long is let go (see TorrentClient.seed). */
  idlePeerMs: number;
}

interface Served {
  handle?: TorrentHandle;
  dropped: boolean;
  timer: NodeJS.Timeout;
}

/**
 * The files the bridge serves: each from the moment it is in APT's cache
 * until it is dropped (the seeding daemon announced it, or will not) or
 * `maxServeMs` has passed. The BitTorrent client opens with the first file.
 * A file that cannot be served is only not served: the bridge is a
 * courtesy to peers, never a condition of anything.
 */
export class BridgeSeeds {
  private readonly files = new Map<string, Served>();
  private client?: Promise<TorrentClient>;
  private closed = false;

  constructor(
    private readonly openClient: () => Promise<TorrentClient>,
    private readonly limits: BridgeLimits,
    private readonly log: (message: string) => void = () => {},
  ) {}

  get size(): number {
    return this.files.size;
  }

  serve(file: BridgeFile): void {
    if (this.closed || this.files.has(file.infoHash) || this.files.size >= this.limits.maxFiles) return;
    const served: Served = { dropped: false, timer: setTimeout(() => this.drop(file.infoHash), this.limits.maxServeMs) };
    this.files.set(file.infoHash, served);
    this.start(file, served).catch((error: Error) => {
      this.log(`not serving ${file.path}: ${error.message}`);
      this.drop(file.infoHash);
    });
  }

  drop(infoHash: string): void {
    const served = this.files.get(infoHash);
    if (!served) return;
    this.files.delete(infoHash);
    served.dropped = true;
    clearTimeout(served.timer);
    void served.handle?.destroy();
  }

  /** Stop serving everything and close the client (it tells the trackers). */
  async close(): Promise<void> {
    this.closed = true;
    for (const infoHash of [...this.files.keys()]) this.drop(infoHash);
    const client = await this.client?.catch(() => undefined);
    await client?.destroy();
  }

  /** Open the client now, so that the first file is served as soon as it is there. */
  warm(): void {
    this.client ??= this.openClient();
    this.client.catch((error: Error) => this.log(`cannot start BitTorrent: ${error.message}`));
  }

  private async start(file: BridgeFile, served: Served): Promise<void> {
    const data = await readBounded(file.torrent, torrentBytesAtMost(file.size));
    const parsed = acceptTorrent(data, { size: file.size, infoHash: file.infoHash });
    const opened = await this.openWhenThere([file.path, ...(file.partial ? [file.partial] : [])], file.size, served);
    if (!opened) throw new Error(`it did not appear within ${this.limits.appearMs / 1000} s`);
    let handle: TorrentHandle | undefined;
    try {
      const client = await (this.client ??= this.openClient());
      if (served.dropped || this.closed) return;
      handle = client.seedReadOnly(withTrackersOnly(data, file.trackers), opened.file, { size: file.size, pieceLength: parsed.info.pieceLength, dir: dirname(opened.path) }, { idlePeerMs: this.limits.idlePeerMs });
    } finally {
      if (!handle) await opened.file.close();
    }
    if (served.dropped || this.closed) await handle.destroy();
    else served.handle = handle;
  }

  /**
   * The file opened read-only at the first of `paths` where it is: the one
   * the method wrote (APT's partial/) or the one APT moves it to. Opened
   * early, it is the same file after the move: a descriptor follows it.
   */
  private async openWhenThere(paths: readonly string[], size: number, served: Served): Promise<{ file: FileHandle; path: string } | undefined> {
    const deadline = Date.now() + this.limits.appearMs;
    while (!served.dropped && !this.closed) {
      for (const path of paths) {
        const file = await openReadOnly(path, size).catch(() => undefined);
        if (file) return { file, path };
      }
      if (Date.now() >= deadline) return undefined;
      await sleep(20);
    }
    return undefined;
  }
}

/** A file of at most `max` bytes, read whole; a larger one is refused unread. */
async function readBounded(path: string, max: number): Promise<Buffer> {
  // No link followed, no wait on a FIFO or device: only a regular file is read.
  const file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const stats = await file.stat();
    if (!stats.isFile()) throw new Error(`${path} is not a regular file`);
    const { size } = stats;
    if (size > max) throw new Error(`${path} is larger than a torrent of this file can be`);
    const buffer = Buffer.alloc(size);
    const { bytesRead } = await file.read(buffer, 0, size, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}
