import { createHash } from 'node:crypto';
import { constants, existsSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { PlannedFile } from '../fetch/plan.js';
import { handOver, takenOver } from '../seed/handover.js';
import type { BridgeFile } from './bridge-seeds.js';
import type { HandedFile } from './seed-handoff.js';

/** What the agent needs to know of where things are. */
export interface AgentPlaces {
  stateDir: string;
  socket: string;
  archives: string;
}

/** The bridge as the agent drives it (see seed-bridge.ts); orders only, nothing comes back. */
export interface BridgeOrders {
  serve(file: BridgeFile): void;
  drop(infoHash: string): void;
  end(): void;
}

export interface AgentTimes {
  /** APT moves each file into its cache right after the 201; this is for a slow disk. */
  appearMs: number;
  /** Waiting for the daemon to announce ends when none of the files it took was announced for this long. */
  announceStallMs: number;
  pollMs: number;
}

const TIMES: AgentTimes = { appearMs: 10_000, announceStallMs: 60_000, pollMs: 200 };
/** A run's worth of torrent files: manifests name the few big ones; more lines than this are not the method's. */
const MAX_LINES = 1_000;

type Accepted = { file: PlannedFile; infoHash: string; path: string };

/**
 * The seed agent's work, file by file as the method answers them: check
 * each where APT put it (a plain file, the announced size and SHA256: the
 * lines come from a process strangers' data has reached, so nothing in
 * them is taken on trust), record it for the daemon and tell it at once,
 * while apt-get still runs. Meanwhile the bridge, when there is one, serves
 * the file; it is dropped there once the daemon lists it as announced, or
 * it is clear the daemon will not (not running, refused it, failed it, or
 * announced none of this run's files for `announceStallMs`).
 */
export class HandoffAgent {
  private lines = 0;
  /** Files taken in this run: a second line for one of them is not checked again. */
  private readonly seen = new Set<string>();
  private checking: Promise<void> = Promise.resolve();
  private queued = 0;
  private readonly ready: Accepted[] = [];
  private readonly awaiting = new Set<string>();
  private watching?: Promise<void>;
  private recorded = 0;
  /** When the daemon last took or announced one of this run's files. */
  private progressAt = 0;

  constructor(
    private readonly places: AgentPlaces,
    private readonly bridge?: BridgeOrders,
    private readonly times: AgentTimes = TIMES,
  ) {}

  /** One line from the method. */
  line(text: string): void {
    if (this.lines >= MAX_LINES) return;
    this.lines += 1;
    const handed = parseHanded(text);
    if (!handed || this.seen.has(handed.infoHash)) return;
    this.seen.add(handed.infoHash);
    const path = join(this.places.archives, basename(handed.file.cacheName));
    const torrent = bridgeTorrent(handed.file);
    const partial = join(this.places.archives, 'partial', basename(handed.file.cacheName));
    if (torrent) this.bridge?.serve({ infoHash: handed.infoHash, torrent, path, partial, size: handed.file.size, trackers: handed.file.torrent?.trackers ?? [] });
    const deadline = Date.now() + this.times.appearMs;
    this.queued += 1;
    this.checking = this.checking.then(async () => {
      this.queued -= 1;
      if (await isTheFile(path, handed.file, deadline)) this.ready.push({ ...handed, path });
      else this.bridge?.drop(handed.infoHash);
      // Files checked in a burst are recorded together: the record is rewritten whole each time.
      if (this.queued === 0) await this.handOverReady();
    });
  }

  /** The method has ended: finish what it handed, then let the bridge go. Resolves with how many files were recorded. */
  async end(): Promise<number> {
    await this.checking;
    await this.watching;
    this.bridge?.end();
    return this.recorded;
  }

  private async handOverReady(): Promise<void> {
    const accepted = this.ready.splice(0);
    if (accepted.length === 0) return;
    const recorded = await handOver(accepted, this.places.stateDir, () => {});
    this.recorded += recorded;
    if (recorded === 0) return this.dropAll(accepted.map((entry) => entry.infoHash));
    const { sendRequest } = await import('../seed/control-client.js');
    try {
      await sendRequest(this.places.socket, { cmd: 'add' }, { timeoutMs: 5000 });
    } catch {
      // No daemon to take them now: they are seeded when it starts, and nobody announces them meanwhile.
      // One whose socket is there may only be slow to answer (taking the files in): it is watched like one
      // that answered, and the watch ends at once if nothing listens there.
      if (!existsSync(this.places.socket)) return this.dropAll(accepted.map((entry) => entry.infoHash));
    }
    if (!this.bridge) return;
    for (const entry of accepted) this.awaiting.add(entry.infoHash);
    this.progressAt = Date.now();
    this.watching ??= this.watch().finally(() => (this.watching = undefined));
  }

  /** Ask the daemon until every file it took is announced, or it is clear it will not be. */
  private async watch(): Promise<void> {
    const { sendRequest } = await import('../seed/control-client.js');
    while (this.awaiting.size > 0) {
      await sleep(this.times.pollMs);
      let torrents: unknown;
      try {
        ({ torrents } = await sendRequest(this.places.socket, { cmd: 'list' }, { timeoutMs: 5000 }));
      } catch {
        break;
      }
      const { announced, gone } = takenOver(Array.isArray(torrents) ? torrents : [], this.awaiting);
      if (announced.length > 0) this.progressAt = Date.now();
      this.dropAll([...announced, ...gone]);
      if (Date.now() - this.progressAt >= this.times.announceStallMs) break;
    }
    this.dropAll([...this.awaiting]);
  }

  private dropAll(infoHashes: readonly string[]): void {
    for (const infoHash of infoHashes) {
      this.awaiting.delete(infoHash);
      this.bridge?.drop(infoHash);
    }
  }
}

/** The .torrent the method kept for this file, which the bridge (the method's user) reads: only a local one. */
function bridgeTorrent(file: PlannedFile): string | undefined {
  const url = file.torrent?.torrentUrl;
  if (!url?.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(url);
  } catch {
    return undefined;
  }
}

export function parseHanded(line: string): HandedFile | undefined {
  try {
    const value = JSON.parse(line) as HandedFile;
    const file = value?.file;
    const plain = (text: unknown) => typeof text === 'string' && text.length > 0 && text.length < 4096;
    if (!file || !/^[0-9a-f]{40}$/.test(value.infoHash) || !/^[0-9a-f]{64}$/.test(file.sha256)) return undefined;
    if (!Number.isSafeInteger(file.size) || file.size <= 0 || !plain(file.cacheName) || file.cacheName.includes('/')) return undefined;
    if (![file.uri, file.package, file.version, file.architecture].every(plain) || !file.torrent || !plain(file.torrent.torrentUrl)) return undefined;
    const trackers = file.torrent.trackers;
    if (trackers !== undefined && !(Array.isArray(trackers) && trackers.length <= 32 && trackers.every(plain))) return undefined;
    return { file: { ...file, route: 'torrent' }, infoHash: value.infoHash };
  } catch {
    return undefined;
  }
}

/**
 * A plain file of the announced size whose SHA256 is the announced one, once
 * APT has put it there. Opened once, following no link and never waiting on
 * a FIFO or a device (O_NONBLOCK), and owned by this process's user (root:
 * APT gives the file to root in its cache); what is checked and hashed is that
 * descriptor, and exactly the announced size of it, however the file grows
 * meanwhile: root reads no other path and no more than the index's size.
 */
async function isTheFile(path: string, file: PlannedFile, deadline: number): Promise<boolean> {
  for (;;) {
    let handle: FileHandle;
    try {
      handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || Date.now() >= deadline) return false;
      await sleep(50);
      continue;
    }
    try {
      const stats = await handle.stat();
      if (!stats.isFile() || stats.size !== file.size) return false;
      if (stats.uid !== process.getuid?.()) {
        // Not yet root's (APT hands the file to root once it is in its cache), or someone else's: not taken as it is.
        if (Date.now() >= deadline) return false;
        await sleep(50);
        continue;
      }
      const hash = createHash('sha256');
      let read = 0;
      for await (const chunk of handle.createReadStream({ autoClose: false, start: 0, end: file.size - 1, highWaterMark: 1024 * 1024 })) {
        read += (chunk as Buffer).length;
        hash.update(chunk as Buffer);
      }
      return read === file.size && hash.digest('hex') === file.sha256;
    } finally {
      await handle.close();
    }
  }
}
