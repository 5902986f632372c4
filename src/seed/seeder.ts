/**
 * The seeder's heart: the seeded files (seeded-file.ts), their counters and torrents. Every
 * available file is announced (through `availability`) while it sleeps outside the BitTorrent
 * client; a peer that asks wakes it (`wake`); unwanted, it sleeps again. Decisions come from
 * policy.ts, paths from store.ts; this class applies them once a second (`tick`) and on commands.
 */
import { AptTorrentError } from '../errors.js';
import type { TorrentClient } from '../torrent/client.js';
import type { TorrentHandle } from '../torrent/torrent-handle.js';
import { formatBytes } from '../util/size.js';
import { CheckQueue } from './check-queue.js';
import { freshCounters, label, type SeedCounters, type SeedFacts } from './entry.js';
import { makeRoom, matchTargets, sleepers, targetMet, type AwakeView, type BudgetView, type Targets } from './policy.js';
import type { ChangeCommand, RemovedView, TorrentView } from './protocol.js';
import { SeededFile, type Availability } from './seeded-file.js';
import { checkInsideStore, dataDir, dataPath, removeFromStore } from './store.js';
import { heldView, type PauseReason } from './upload-gate.js';
import { verifyStored } from './verify.js';

export interface SeederOptions {
  client: TorrentClient;
  store: string;
  targets: Targets;
  /** Most torrents awake (loaded in the BitTorrent client) at once: seed.maxActive. */
  maxAwake: number;
  /** An awake torrent no peer wanted this long goes back to sleep. */
  sleepAfterMs: number;
  /** Told when a file becomes available to peers (announce it) and when it stops being. */
  availability?: Availability;
  /** Trackers announced to besides each torrent's own (config torrent.trackers). */
  trackers: readonly string[];
  log(message: string): void;
  /** Persist the counters; called after changes, at most every `saveEveryMs` for mere counting. */
  save(counters: ReadonlyMap<string, SeedCounters>): Promise<void>;
  saveEveryMs: number;
  now?: () => number;
}

const RETRY_MS = 60_000;
/** How long webtorrent may take to open a woken torrent before its peer is turned away. */
const READY_MS = 10_000;
/** A peer sent no byte this long is dropped: stalled or wanting nothing, it kept its torrent awake for good. */
const IDLE_PEER_MS = 120_000;

export class Seeder {
  private readonly entries = new Map<string, SeededFile>();
  private readonly checks = new CheckQueue((infoHash) => this.checkOne(infoHash), () => this.tick());
  private lastTick: number;
  private dirty = false;
  private lastSave = 0;
  private saving: Promise<void> = Promise.resolve();
  private closed = false;
  private queue: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  /** Uploads paused for the whole machine (metered link, battery): nothing announced or awake while not empty. */
  private hold: PauseReason[] = [];

  constructor(private readonly options: SeederOptions) {
    this.now = options.now ?? Date.now;
    this.lastTick = this.now();
  }

  /** Take a stored file in; it is checked (re-hashed) before it is seeded. */
  add(facts: SeedFacts, counters: SeedCounters = freshCounters(), options: { atStart?: boolean } = {}): void {
    if (this.entries.has(facts.infoHash)) return;
    const entry = new SeededFile(facts, counters, this.now());
    entry.spread = options.atStart === true;
    this.entries.set(facts.infoHash, entry);
    this.checks.push(facts.infoHash);
    this.dirty = true;
  }

  has(infoHash: string): boolean {
    return this.entries.has(infoHash);
  }

  budgetViews(): BudgetView[] {
    return [...this.entries.values()].map(({ facts, counters }) => ({ infoHash: facts.infoHash, size: facts.size, idle: counters.idle, addedAt: facts.addedAt }));
  }

  list(): TorrentView[] {
    return [...this.entries.values()]
      .map((entry) => heldView(this.viewOf(entry), this.hold))
      .sort((a, b) => a.package.localeCompare(b.package) || a.version.localeCompare(b.version));
  }

  /**
   * pause, resume or stop the named torrents; all or nothing when a name
   * matches nothing. Returns the torrents as they are now, and those stopped.
   */
  change(command: ChangeCommand, targets: readonly string[], all: boolean): Promise<{ torrents: TorrentView[]; removed: RemovedView[] }> {
    return this.exclusive(async () => {
      const facts = [...this.entries.values()].map((entry) => entry.facts);
      const { matched, unknown } = all ? { matched: facts.map((entry) => entry.infoHash), unknown: [] } : matchTargets(facts, targets);
      if (unknown.length > 0) {
        throw new AptTorrentError('E_NOT_SEEDED', `not seeded: ${unknown.join(', ')}`, { hint: '`apt-torrent seeding list` shows what is seeded; name a package, PACKAGE=VERSION or an infohash' });
      }
      const removed: RemovedView[] = [];
      for (const infoHash of matched) {
        const entry = this.entries.get(infoHash)!;
        if (command === 'stop') {
          const gone = await this.removeNow(infoHash, 'stopped by request');
          if (gone) removed.push(gone);
        } else if (command === 'pause' && !entry.counters.paused) {
          entry.counters.paused = true;
          await this.detach(entry);
          this.options.log(`${label(entry.facts)}: paused`);
        } else if (command === 'resume' && (entry.counters.paused || entry.counters.idle)) {
          entry.counters.paused = false;
          if (entry.counters.idle) {
            // A fresh target, counted from now.
            entry.counters.idle = false;
            entry.counters.base = { uploaded: entry.counters.uploaded, seedSeconds: entry.counters.seedSeconds };
          }
          entry.since = this.now();
          entry.retryAt = 0;
          this.options.log(`${label(entry.facts)}: resumed`);
        }
      }
      this.dirty = true;
      await this.tickNow();
      await this.flush();
      const torrents = matched.map((infoHash) => this.entries.get(infoHash)).filter((entry): entry is SeededFile => entry !== undefined).map((entry) => heldView(this.viewOf(entry), this.hold));
      return { torrents, removed };
    });
  }

  /** Why uploads are paused for the whole machine now; empty while they run. */
  get uploadsPaused(): PauseReason[] {
    return [...this.hold];
  }

  /** Pause every upload for these reasons (empty: resume): awake torrents sleep, none is announced or woken meanwhile. */
  setUploadsPaused(reasons: readonly PauseReason[]): Promise<void> {
    return this.exclusive(async () => {
      this.hold = [...reasons];
      await this.tickNow();
    });
  }

  /** Stop seeding a file and delete it from the store. */
  remove(infoHash: string, why: string): Promise<RemovedView | undefined> {
    return this.exclusive(() => this.removeNow(infoHash, why));
  }

  /** Once a second: count uploads and time, idle what met its target, sleep the unwanted, tell the announcers, save. */
  tick(): Promise<void> {
    return this.exclusive(() => this.tickNow());
  }

  /**
   * A peer asks for this torrent: wake it (loaded in the BitTorrent client,
   * its file opened) if it is available and there is room under maxAwake.
   * Resolves with the torrent ready for the peer, or undefined: turn it away.
   */
  wake(infoHash: string): Promise<TorrentHandle | undefined> {
    return this.exclusive(async () => {
      const entry = this.entries.get(infoHash);
      if (!entry || !entry.eligible || this.hold.length > 0 || this.closed || entry.retryAt > this.now()) return undefined;
      if (!entry.torrent) {
        const room = makeRoom(this.awakeViews(), this.options.maxAwake);
        if (!room.ok) return undefined;
        if (room.evict) await this.detach(this.entries.get(room.evict)!);
        await this.attach(entry);
      }
      const torrent = entry.torrent;
      entry.since = this.now();
      const ready = await torrent?.ready(READY_MS).then(() => true, () => false);
      return ready && entry.torrent === torrent ? torrent : undefined;
    });
  }

  /** The entry as the control socket shows it, with whether peers can find it yet. */
  private viewOf(entry: SeededFile): TorrentView {
    const announced = entry.announced && (this.options.availability?.heard?.(entry.facts.infoHash) ?? true);
    return { ...entry.view(), announced };
  }

  private awakeViews(): AwakeView[] {
    return [...this.entries.values()].filter((entry) => entry.torrent).map((entry) => ({ infoHash: entry.facts.infoHash, eligible: entry.eligible && this.hold.length === 0, peers: entry.torrent!.peers(), since: entry.since }));
  }

  /** What this file has uploaded, counted or not yet. */
  uploaded(infoHash: string): number {
    return this.entries.get(infoHash)?.view().uploaded ?? 0;
  }

  /** Stop every torrent and save. */
  close(): Promise<void> {
    return this.exclusive(async () => {
      for (const entry of this.entries.values()) await this.detach(entry);
      this.closed = true;
      this.dirty = true;
      await this.flush();
    });
  }

  /** Changes to torrents run one at a time: a tick must not attach what a command is detaching. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.then(() => undefined, () => undefined);
    return result;
  }

  private async removeNow(infoHash: string, why: string): Promise<RemovedView | undefined> {
    const entry = this.entries.get(infoHash);
    if (!entry) return undefined;
    await this.detach(entry);
    this.entries.delete(infoHash);
    if (entry.announced) this.options.availability?.down(infoHash);
    this.checks.drop(infoHash);
    const freed = await removeFromStore(this.options.store, entry.facts);
    this.dirty = true;
    this.options.log(`${label(entry.facts)}: removed from the store (${why}; ${formatBytes(freed)} freed)`);
    return { package: entry.facts.package, version: entry.facts.version, infoHash, size: entry.facts.size, freed };
  }

  private async tickNow(): Promise<void> {
    if (this.closed) return;
    const now = this.now();
    const elapsed = Math.max(0, (now - this.lastTick) / 1000);
    this.lastTick = now;
    for (const entry of this.entries.values()) {
      if (entry.torrent) {
        this.count(entry);
        if (entry.torrent.peers() > 0) entry.since = now;
      }
      // Asleep or awake, an available file is seeded: announced, and served to whoever asks.
      if (!entry.eligible || this.hold.length > 0) continue;
      entry.counters.seedSeconds += elapsed;
      if (targetMet(entry.counters, entry.facts.size, this.options.targets)) {
        entry.counters.idle = true;
        this.dirty = true;
        this.options.log(`${label(entry.facts)}: idle (uploaded ${formatBytes(entry.counters.uploaded)}, ratio ${(entry.counters.uploaded / entry.facts.size).toFixed(2)}, seeded ${Math.round(entry.counters.seedSeconds)} s: target met)`);
      }
    }
    for (const infoHash of sleepers(this.awakeViews(), { sleepAfterMs: this.options.sleepAfterMs, now })) await this.detach(this.entries.get(infoHash)!);
    if (this.options.availability) for (const entry of this.entries.values()) entry.tell(this.options.availability, this.hold.length === 0);
    if (this.dirty && now - this.lastSave >= this.options.saveEveryMs) await this.flush();
  }

  /** Save now if anything changed. Writes never overlap. */
  flush(): Promise<void> {
    if (!this.dirty) return this.saving;
    this.dirty = false;
    this.lastSave = this.now();
    const snapshot = new Map([...this.entries].map(([infoHash, entry]) => [infoHash, structuredClone(entry.counters)]));
    this.saving = this.saving.then(() => this.options.save(snapshot)).catch((error: Error) => {
      this.dirty = true;
      this.options.log(`cannot save the state: ${error.message}`);
    });
    return this.saving;
  }

  private count(entry: SeededFile): void {
    if (entry.count(this.now())) this.dirty = true;
  }

  private async attach(entry: SeededFile): Promise<void> {
    if (entry.torrent || !entry.torrentFile || this.closed) return;
    try {
      // Checked again right before webtorrent opens it: a path in the store, a regular file, no symlink.
      await checkInsideStore(this.options.store, entry.facts);
    } catch (error) {
      await this.removeNow(entry.facts.infoHash, `no longer a regular file in the store: ${(error as Error).message}`);
      return;
    }
    const failed = (error: Error) => {
      this.options.log(`${label(entry.facts)}: BitTorrent error (${error.message}); trying again in ${RETRY_MS / 1000} s`);
      entry.retryAt = this.now() + RETRY_MS;
    };
    let torrent: TorrentHandle;
    try {
      // Verified by checkOne: the client seeds it without reading it again.
      torrent = this.options.client.seed(entry.torrentFile, dataDir(this.options.store, entry.facts.infoHash), { idlePeerMs: IDLE_PEER_MS });
    } catch (error) {
      failed(error as Error);
      return;
    }
    entry.attach(torrent, this.now());
    torrent.onError((error) => {
      failed(error);
      void this.exclusive(async () => {
        if (entry.torrent === torrent) await this.detach(entry);
      });
    });
  }

  private async detach(entry: SeededFile): Promise<void> {
    if (await entry.detach()) this.dirty = true;
  }

  /** Re-hash a queued file: it is seeded only once its SHA256 and infohash are proved again. */
  private async checkOne(infoHash: string): Promise<void> {
    const entry = this.entries.get(infoHash);
    if (!entry || this.closed) return;
    try {
      await checkInsideStore(this.options.store, entry.facts);
      entry.trackers = [...new Set([...entry.facts.trackers, ...this.options.trackers])];
      entry.torrentFile = await verifyStored(dataPath(this.options.store, entry.facts), entry.facts, entry.trackers);
      entry.since = this.now();
    } catch (error) {
      if (this.entries.has(infoHash)) await this.remove(infoHash, `it failed its check: ${(error as Error).message}`);
    }
  }
}
