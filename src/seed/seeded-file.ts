import type { TorrentHandle } from '../torrent/torrent-handle.js';
import type { SeedCounters, SeedFacts } from './entry.js';
import { stateOf } from './policy.js';
import type { TorrentView } from './protocol.js';

/** Told when a file becomes available to peers (announce it) and when it stops being. */
export interface Availability {
  /** `soon`: announce at once (resumed, or added while running); otherwise spread over the start-up. */
  up(facts: SeedFacts, trackers: readonly string[], soon: boolean): void;
  down(infoHash: string): void;
  /** Whether a tracker has answered for an available file (true when it has no tracker to announce to). */
  heard?(infoHash: string): boolean;
}

/**
 * One file in the seeder: its facts, its counters, and its torrent while it
 * is awake (loaded in the BitTorrent client because a peer wanted it). Counting what the torrent uploaded into the counters
 * happens here, so a torrent's bytes are counted once whether it runs on,
 * is paused or is stopped.
 */
export class SeededFile {
  /** The .torrent rebuilt from the verified file; undefined until then. */
  torrentFile?: Buffer;
  /** The manifest's trackers and torrent.trackers together; set with torrentFile. */
  trackers: string[] = [];
  torrent?: TorrentHandle;
  /** Awake: when a peer was last connected (or it woke). */
  since: number;
  /** Announced as available (to trackers and the LAN). */
  announced = false;
  /** Taken in at start-up: its first announces are spread, not sent at once. */
  spread = false;
  /** After a torrent error, not started again before this time. */
  retryAt = 0;
  /** The torrent's upload count already added to the counters. */
  private seen = 0;

  constructor(
    readonly facts: SeedFacts,
    readonly counters: SeedCounters,
    now: number,
  ) {
    this.since = now;
  }

  get verified(): boolean {
    return this.torrentFile !== undefined;
  }

  /** Verified, not paused, not idle: announced, and woken for any peer that asks (while uploads are not held). */
  get eligible(): boolean {
    return this.verified && !this.counters.paused && !this.counters.idle;
  }

  /**
   * Tell `availability` when the file became available or stopped being
   * since the last call; `open`: uploads are not paused for the whole machine.
   */
  tell(availability: Availability, open: boolean): void {
    const available = this.eligible && open;
    if (available && !this.announced) {
      this.announced = true;
      availability.up(this.facts, this.trackers, !this.spread);
      this.spread = false;
    } else if (!available && this.announced) {
      this.announced = false;
      availability.down(this.facts.infoHash);
    }
  }

  /** Add what the torrent uploaded since the last count, noting when; true when the counters changed. */
  count(now = Date.now()): boolean {
    if (!this.torrent) return false;
    const delta = this.torrent.uploaded - this.seen;
    if (delta <= 0) return false;
    this.counters.uploaded += delta;
    this.counters.lastServed = new Date(now).toISOString();
    this.seen = this.torrent.uploaded;
    return true;
  }

  attach(torrent: TorrentHandle, now: number): void {
    this.torrent = torrent;
    this.seen = 0;
    this.since = now;
  }

  /** Stop the torrent, its uploads counted first; true when the counters changed. */
  async detach(): Promise<boolean> {
    const torrent = this.torrent;
    if (!torrent) return false;
    const changed = this.count();
    this.torrent = undefined;
    this.seen = 0;
    await torrent.destroy();
    return changed;
  }

  view(): TorrentView {
    const { facts, counters } = this;
    const uploaded = counters.uploaded + (this.torrent ? this.torrent.uploaded - this.seen : 0);
    return {
      package: facts.package,
      version: facts.version,
      architecture: facts.architecture,
      infoHash: facts.infoHash,
      name: facts.name,
      size: facts.size,
      uploaded,
      ratio: Number((uploaded / facts.size).toFixed(3)),
      peers: this.torrent?.peers() ?? 0,
      state: stateOf(counters, this.verified),
      seedSeconds: Math.round(counters.seedSeconds),
      addedAt: facts.addedAt,
      ...(counters.lastServed ? { lastServed: counters.lastServed } : {}),
    };
  }
}
