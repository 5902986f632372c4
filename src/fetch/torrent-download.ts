import { dirname } from 'node:path';
import { debuglog } from 'node:util';
import { AptTorrentError } from '../errors.js';
import type { PolicyKnobs, WebSeedKnobs } from '../torrent/fallback-policy.js';
import { missingRanges, splitRanges } from '../torrent/missing-ranges.js';
import type { ByteSource, TorrentHandle } from '../torrent/torrent-handle.js';
import { diskFullError, type HttpOptions } from './http.js';
import type { PlannedFile } from './plan.js';
import { MirrorTopUp } from './mirror-top-up.js';
import { fillRanges } from './range-fill.js';
import type { HeadStart } from './head-start.js';
import { DownloadState } from './torrent-state.js';
import { shownPath } from './private-dir.js';

/** NODE_DEBUG=apt-torrent shows the fetch policy's decisions. */
const debug = debuglog('apt-torrent');

/** The mirror's gate and top-up look this often at what the peers deliver. */
const GATE_EVERY_MS = 250;
/** The watch looks this often for stalls and crawls. */
const WATCH_EVERY_MS = 1000;

export interface TorrentEvents {
  bytes(file: PlannedFile, count: number, source: ByteSource): void;
  peers(file: PlannedFile, count: number): void;
}

export interface TorrentDownloadOptions extends PolicyKnobs, WebSeedKnobs {
  /** With lowSpeed: the HTTP fill has the same low-speed watchdog as plain HTTP downloads. */
  http: Omit<HttpOptions, 'onBytes'>;
  events: TorrentEvents;
  /** Parallel HTTP connections the web seed and the fill may use. */
  maxWebConns: number;
  /**
   * The plain-HTTP clock the top-up's deadline runs on: when the run
   * started and the bytes it fetches by torrent (APT would fetch them one
   * after another). Without it: this download's start and its file's size.
   */
  plainHttp?: { startedMs: number; bytes: number };
  /** The mirror's bytes from the file's start, already running (head-start.ts). */
  headStart?: HeadStart;
}

/**
 * One torrent download while it runs, into `path`: peers first; the mirror
 * let in when the policy says (as web seed, or for the whole file over
 * plain HTTP when nobody can have it); HTTP filling the missing pieces when
 * the torrent stalls or crawls. Its state is a DownloadState; this object
 * owns the timers, the HTTP fill and the handle's events. Verification of
 * the whole file is the caller's.
 */
export class TorrentDownload {
  readonly state: DownloadState;
  private readonly topUp: MirrorTopUp;
  private gateTimer?: NodeJS.Timeout;
  private watchTimer?: NodeJS.Timeout;
  private readonly fillAbort = new AbortController();
  private filling = false;
  /** The HTTP fill in flight, awaited before the download is called over. */
  private fillRun?: Promise<void>;
  private settled = false;
  private settle: (error?: unknown) => void = () => {};
  /** The head start: running, being halted (its pieces handed to the torrent), or over. */
  private headStart?: HeadStart;
  /** Someone besides the head start wrote into the file: peers, the web seed, the probe or the fill. */
  private othersWrote = false;

  constructor(
    private readonly file: PlannedFile,
    private readonly handle: TorrentHandle,
    private readonly path: string,
    private readonly options: TorrentDownloadOptions,
  ) {
    const hasTrackers = (file.torrent?.trackers.length ?? 0) > 0;
    this.state = new DownloadState({ ...options, hasTrackers }, Date.now, handle.downloaded);
    this.topUp = new MirrorTopUp(handle, {
      url: file.uri,
      size: file.size,
      maxConns: options.maxWebConns,
      graceMs: options.webSeedDelayMs,
      startedMs: options.plainHttp?.startedMs ?? this.state.startedMs,
      arrivedMs: this.state.startedMs,
      deadlineBytes: options.plainHttp?.bytes ?? file.size,
      peerRate: () => this.state.peerRate(),
      path,
      // The probe stops with the download, like the fill.
      http: { ...options.http, signal: options.http.signal ? AbortSignal.any([options.http.signal, this.fillAbort.signal]) : this.fillAbort.signal },
      onProbeBytes: (count) => {
        this.othersWrote = true;
        this.state.filled(count);
        options.events.bytes(file, count, 'mirror');
      },
    });
    handle.onBytes((count, source) => {
      this.othersWrote = true;
      this.state.received(count, source);
      options.events.bytes(file, count, source);
    });
    const headStart = options.headStart;
    if (headStart) {
      this.headStart = headStart;
      this.state.filled(headStart.bytes);
      headStart.listener = (count) => this.state.filled(count);
      // Pieces it wrote and checked are the torrent's at once: peers arriving meanwhile get them from here.
      headStart.onPieces((indices) => handle.markPieces(indices));
    }
  }

  /**
   * The file's SHA256 when the head start wrote every byte of it and nobody
   * else wrote any: known without reading it again. Asked once run() is over.
   */
  knownDigest(): string | undefined {
    return this.othersWrote ? undefined : this.headStart?.digest();
  }

  /**
   * Resolves once every piece is on disk; rejects when BitTorrent fails, the
   * disk is full, the run is interrupted, or neither mirror nor peers deliver.
   */
  run(): Promise<void> {
    return new Promise((resolve, reject) => {
      const signal = this.options.http.signal;
      const onAbort = () => this.settle(new AptTorrentError('E_INTERRUPTED', 'interrupted; partial downloads are kept and the next run resumes them'));
      this.settle = (error) => {
        if (this.settled) return;
        this.settled = true;
        clearInterval(this.gateTimer);
        clearInterval(this.watchTimer);
        signal?.removeEventListener('abort', onAbort);
        const finish = () => (error ? reject(error) : resolve());
        // The caller hashes and moves the file next: no write of the fill, the probe or the head start may land after that.
        this.fillAbort.abort();
        Promise.all([this.fillRun, this.topUp.settled(), this.options.headStart?.halt()]).then(finish, finish);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.handle.onDone(() => this.settle());
      this.handle.onError((error) => this.settle(this.diskFull(error) ?? new AptTorrentError('E_DOWNLOAD', `${this.file.cacheName}: BitTorrent error: ${error.message}`, { cause: error })));
      if (this.handle.done) return this.settle();
      this.openGate();
      this.watchTimer = setInterval(() => this.watch(), WATCH_EVERY_MS);
    });
  }

  /**
   * The mirror's part, looked at as the tracker answers and every
   * GATE_EVERY_MS: the whole file over plain HTTP when nobody else can have
   * it; otherwise peers first and the mirror as a top-up (mirror-top-up.ts).
   */
  private openGate(): void {
    const check = () => {
      if (this.settled || this.handle.over || this.state.fill !== 'none') return;
      const peers = this.handle.peers();
      if (this.headStart) {
        // Its scrape of the trackers (bounded) decides: nobody else, and the mirror's bytes are already flowing.
        if (this.headStart.status === 'asking') return;
        if (this.headStart.status === 'others') {
          debug('%s: the trackers know others in the swarm (or could not say): no head start, peers first', this.handle.name);
          this.headStart = undefined;
        } else {
          this.state.headStarted();
          debug('%s: nobody else can have it: the head start goes on to the end (%d bytes so far)', this.handle.name, this.headStart.written);
          return this.watch();
        }
      }
      if (this.state.mirrorStep(peers) === 'http') {
        debug('%s: nobody else can have it: the mirror sends the whole file after %d ms (tracker seeders %s, leechers %s, peers %d)', this.handle.name, this.state.mirror!.atMs - this.state.startedMs, this.state.trackerSeeders, this.state.trackerLeechers, peers);
        return this.watch();
      }
      this.topUp.step();
      this.state.deadlineMs = this.topUp.deadlineMs;
      if (this.topUp.failed) {
        debug('%s: the mirror cannot top up (%s); HTTP fills what is missing', this.handle.name, this.topUp.why);
        this.state.topUpFailed();
        this.watch();
      }
    };
    this.handle.onTrackerAnswer((seeders, leechers) => {
      this.state.trackerAnswered(seeders, leechers);
      check();
    });
    this.gateTimer = setInterval(check, GATE_EVERY_MS);
    this.headStart?.onStatus(check);
    check();
  }

  /** Look for stalls and crawls; hand the gaps to HTTP when the policy says so. */
  private watch(): void {
    if (this.settled) return;
    const peers = this.handle.peers();
    this.options.events.peers(this.file, peers);
    const decision = this.state.watchStep({ downloaded: this.handle.downloaded, peers, done: this.handle.done });
    if (decision !== 'wait') debug('%s: %s (peers %d, downloaded %d, mirror failed %s)', this.file.cacheName, decision, this.handle.connections(), this.handle.downloaded, this.state.fill === 'failed');
    if (decision === 'give-up') {
      this.settle(new AptTorrentError('E_DOWNLOAD', `${this.file.cacheName}: the mirror cannot serve it (${(this.state.fillError as Error)?.message}) and no peer gave anything for ${Math.round(this.options.peerWaitMs / 1000)} s`, {
        hint: 'try again later, or another mirror',
      }));
    } else if (decision === 'http') {
      this.fill();
    }
  }

  /** HTTP fetches exactly the pieces the torrent lacks, in parallel ranges, into the torrent's own file. */
  private fill(): void {
    const { maxWebConns } = this.options;
    const pieceLength = this.handle.pieceLength;
    this.filling = true;
    this.fillRun = (async () => {
      // A running head start is the fill's first part: one connection, in order, hashed as it goes.
      const headStart = this.headStart;
      if (headStart) await headStart.run.catch((error: unknown) => debug('%s: the head start ended at %d bytes: %s', this.file.cacheName, headStart.written, (error as Error).message));
      if (this.fillAbort.signal.aborted) return;
      const covered = headStart?.written ?? 0;
      const has = (index: number) => this.handle.has(index) || Math.min(this.file.size, (index + 1) * pieceLength) <= covered;
      const ranges = splitRanges(missingRanges(this.file.size, pieceLength, has), maxWebConns, pieceLength);
      if (ranges.length === 0) return;
      await fillRanges(this.file.uri, this.path, this.file.size, ranges, maxWebConns, {
        ...this.options.http,
        signal: this.fillAbort.signal,
        onBytes: (count) => {
          this.othersWrote = true;
          this.state.filled(count);
          this.options.events.bytes(this.file, count, 'mirror');
        },
      });
    })().then(
      () => {
        this.filling = false;
        this.settle();
      },
      (error) => {
        this.filling = false;
        this.fillRun = undefined;
        debug('%s: HTTP fill failed: %s', this.file.cacheName, (error as Error).message);
        if (this.fillAbort.signal.aborted) return;
        const full = this.diskFull(error);
        if (full) return this.settle(full);
        this.state.fillFailed(error);
      },
    );
  }

  /** A full disk is no reason to wait for peers: their pieces could not be written either. */
  private diskFull(error: unknown): AptTorrentError | undefined {
    return diskFullError(`${shownPath(dirname(this.path))}/`, this.file.cacheName, this.file.size - this.handle.downloaded, this.file.size, error);
  }
}
