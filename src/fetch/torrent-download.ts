import { dirname } from 'node:path';
import { debuglog } from 'node:util';
import { AptTorrentError } from '../errors.js';
import type { PolicyKnobs, WebSeedKnobs } from '../torrent/fallback-policy.js';
import { missingRanges, splitRanges } from '../torrent/missing-ranges.js';
import type { ByteSource, TorrentHandle } from '../torrent/torrent-handle.js';
import { diskFullError, type HttpOptions } from './http.js';
import type { PlannedFile } from './plan.js';
import { fillRanges } from './range-fill.js';
import { DownloadState } from './torrent-state.js';
import { shownPath } from './private-dir.js';

/** NODE_DEBUG=apt-torrent shows the fetch policy's decisions. */
const debug = debuglog('apt-torrent');

/** The mirror's gate looks this often whether peers have had their chance. */
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
  private gateTimer?: NodeJS.Timeout;
  private watchTimer?: NodeJS.Timeout;
  private readonly fillAbort = new AbortController();
  private filling = false;
  /** The HTTP fill in flight, awaited before the download is called over. */
  private fillRun?: Promise<void>;
  private settled = false;
  private settle: (error?: unknown) => void = () => {};

  constructor(
    private readonly file: PlannedFile,
    private readonly handle: TorrentHandle,
    private readonly path: string,
    private readonly options: TorrentDownloadOptions,
  ) {
    const hasTrackers = (file.torrent?.trackers.length ?? 0) > 0;
    this.state = new DownloadState({ ...options, hasTrackers }, Date.now, handle.downloaded);
    handle.onBytes((count, source) => {
      this.state.received(count, source);
      options.events.bytes(file, count, source);
    });
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
        if (!this.fillRun) return finish();
        // The caller hashes and moves the file next: no write of the fill may land after that.
        this.fillAbort.abort();
        this.fillRun.then(finish, finish);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.handle.onDone(() => this.settle());
      this.handle.onError((error) => this.settle(this.diskFull(error) ?? new AptTorrentError('E_DOWNLOAD', `${this.file.cacheName}: BitTorrent error: ${error.message}`, { cause: error })));
      if (this.handle.done) return this.settle();
      this.openGate();
      this.watchTimer = setInterval(() => this.watch(), WATCH_EVERY_MS);
    });
  }

  /** Let the mirror in when the policy says so; the tracker's answers are looked at as they come. */
  private openGate(): void {
    const check = () => {
      if (this.settled || this.handle.over || this.state.mirror) return;
      const peers = this.handle.peers();
      const decision = this.state.mirrorStep(peers);
      if (decision === 'wait') return;
      clearInterval(this.gateTimer);
      debug('%s: the mirror joins (%s) after %d ms (tracker seeders %s, peers %d)', this.handle.name, decision, this.state.mirror!.atMs - this.state.startedMs, this.state.trackerSeeders, peers);
      if (decision === 'web-seed') this.handle.addWebSeed(this.file.uri);
      else this.watch();
    };
    this.handle.onTrackerAnswer((seeders) => {
      this.state.trackerAnswered(seeders);
      check();
    });
    this.gateTimer = setInterval(check, GATE_EVERY_MS);
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
    const ranges = splitRanges(missingRanges(this.file.size, pieceLength, (index) => this.handle.has(index)), maxWebConns, pieceLength);
    this.filling = true;
    this.fillRun = fillRanges(this.file.uri, this.path, this.file.size, ranges, maxWebConns, {
      ...this.options.http,
      signal: this.fillAbort.signal,
      onBytes: (count) => {
        this.state.filled(count);
        this.options.events.bytes(this.file, count, 'mirror');
      },
    }).then(
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
