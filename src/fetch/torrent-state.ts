import { decide, mirrorDecision, type Decision, type MirrorDecision, type PolicyKnobs, type TorrentState, type WebSeedKnobs, type WebSeedState } from '../torrent/fallback-policy.js';
import type { ByteSource } from '../torrent/torrent-handle.js';
import { SpeedMeter } from '../util/speed-meter.js';

/** How the mirror came in at the gate: for the whole file over plain HTTP (the top-up is the top-up's). */
export type MirrorJoin = Exclude<MirrorDecision, 'wait'>;

/**
 * The HTTP fill of the gaps: not wanted, asked for by the mirror's gate
 * (nobody can have the file), running, or failed in a way retrying will not fix.
 */
export type FillState = 'none' | 'requested' | 'active' | 'failed';

/** What a running download looks like at one moment: fed to the policy. */
export interface Observed {
  /** Verified bytes so far. */
  downloaded: number;
  /** BitTorrent peers connected (the web seed is not one). */
  peers: number;
  done: boolean;
}

/**
 * Where one torrent download stands: bytes by source, when and how the
 * mirror joined, the tracker's last word, the HTTP fill, when verified bytes
 * last arrived. Pure, the clock passed in: TorrentDownload tells it what
 * happened and asks it what to do next; the deciding is fallback-policy.ts's,
 * on snapshots taken here.
 */
export class DownloadState {
  /** Bytes received per source; the mirror's are web seed and HTTP fill together. */
  readonly bytes: Record<ByteSource, number> = { peers: 0, mirror: 0 };
  readonly startedMs: number;
  /** When the mirror joined and how; undefined while peers have their chance. */
  mirror?: { how: MirrorJoin; atMs: number };
  /** Seeders in the tracker's last answer; undefined before one that said. */
  trackerSeeders?: number;
  /** Leechers in the tracker's last answer, this machine among them. */
  trackerLeechers?: number;
  /** When plain HTTP would have been done, as the top-up reckons it. */
  deadlineMs?: number;
  fill: FillState = 'none';
  /** Why the HTTP fill failed. */
  fillError?: unknown;
  private lastDownloaded: number;
  private lastProgressMs: number;
  private readonly peerMeter: SpeedMeter;
  private readonly allMeter: SpeedMeter;

  constructor(
    private readonly knobs: PolicyKnobs & WebSeedKnobs & { hasTrackers: boolean },
    private readonly now: () => number,
    /** Verified bytes at the start (pieces kept from an earlier run). */
    downloaded: number,
  ) {
    this.startedMs = now();
    this.lastProgressMs = this.startedMs;
    this.lastDownloaded = downloaded;
    this.peerMeter = new SpeedMeter(undefined, now);
    this.allMeter = new SpeedMeter(undefined, now);
  }

  /** Bytes from a peer or the web seed. */
  received(count: number, source: ByteSource): void {
    this.bytes[source] += count;
    if (source === 'peers') this.peerMeter.add(count);
    this.allMeter.add(count);
  }

  /** Bytes the HTTP fill wrote. */
  filled(count: number): void {
    this.bytes.mirror += count;
  }

  /** An answer of the tracker; counts it does not name keep the last. */
  trackerAnswered(seeders: number | undefined, leechers?: number): void {
    if (seeders !== undefined) this.trackerSeeders = seeders;
    if (leechers !== undefined) this.trackerLeechers = leechers;
  }

  /** Bytes per second from peers over the last few seconds. */
  peerRate(): number {
    return this.peerMeter.rate();
  }

  webSeedSnapshot(peers: number): WebSeedState {
    return { elapsedMs: this.now() - this.startedMs, hasTrackers: this.knobs.hasTrackers, trackerSeeders: this.trackerSeeders, trackerLeechers: this.trackerLeechers, peers };
  }

  /**
   * Whether the mirror takes the whole file now (nobody else can have it);
   * once it has, there is nothing more to decide ('wait'). Joining for
   * plain HTTP asks for the fill.
   */
  mirrorStep(peers: number): MirrorDecision {
    if (this.mirror || this.fill !== 'none') return 'wait';
    const decision = mirrorDecision(this.webSeedSnapshot(peers), this.knobs);
    if (decision === 'wait') return decision;
    this.mirror = { how: decision, atMs: this.now() };
    this.fill = 'requested';
    return decision;
  }

  /** The mirror takes the whole file through a head start already running: nobody else is in the swarm. */
  headStarted(): void {
    if (this.mirror || this.fill !== 'none') return;
    this.mirror = { how: 'http', atMs: this.now() };
    this.fill = 'requested';
  }

  snapshot(observed: Observed): TorrentState {
    return {
      nowMs: this.now(),
      lastProgressMs: this.lastProgressMs,
      peers: observed.peers,
      done: observed.done,
      httpActive: this.fill === 'active',
      mirrorFailed: this.fill === 'failed',
      deadlineMs: this.deadlineMs,
      rate: this.allMeter.rate(),
    };
  }

  /**
   * The watch's step: note progress, then decide. A fill the gate asked for
   * starts at once; 'http' means the fill is now running.
   */
  watchStep(observed: Observed): Decision {
    if (observed.downloaded > this.lastDownloaded) {
      this.lastDownloaded = observed.downloaded;
      this.lastProgressMs = this.now();
    }
    const decision = this.fill === 'requested' ? 'http' : decide(this.snapshot(observed), this.knobs);
    if (decision === 'http') this.fill = 'active';
    return decision;
  }

  /** The top-up cannot go on (its web seed was dropped): HTTP fills what is missing at the next watch. */
  topUpFailed(): void {
    if (this.fill === 'none') this.fill = 'requested';
  }

  /** The fill failed for good: only peers are left, and they get their wait counted from now. */
  fillFailed(error: unknown): void {
    this.fill = 'failed';
    this.fillError = error;
    this.lastProgressMs = this.now();
  }
}
