import { debuglog } from 'node:util';
import type { MirrorValve } from '../torrent/mirror-valve.js';
import type { TorrentHandle } from '../torrent/torrent-handle.js';
import { choosePieces, TOP_UP_DEFAULTS, topUpPlan, type PieceView, type TopUpKnobs } from '../torrent/top-up-policy.js';
import type { HttpOptions } from './http.js';
import { PROBE_BYTES_FAST, probeMirror } from './mirror-probe.js';

/** NODE_DEBUG=apt-torrent shows the top-up's plans as they change. */
const debug = debuglog('apt-torrent');

/** The most a probe asks for: enough to tell a fast mirror (PROBE_BYTES_FAST), and to read past a busy one's first burst. */
const PROBE_BYTES_AT_MOST = 12 * 1024 * 1024;
/** A mirror measured this recently is not measured again (files of one run share the measure). */
const RATE_KEPT_MS = 60_000;
/** The mirror's rate per origin: measured, or being measured. */
const rates = new Map<string, { atMs: number; rate?: number; pending?: Promise<void> }>();

export interface TopUpSettings {
  url: string;
  /** The torrent's file, where a probe of the mirror writes. */
  path: string;
  size: number;
  maxConns: number;
  graceMs: number;
  /** When the plain-HTTP clock started, and how many bytes it runs for (see top-up-policy.ts). */
  startedMs: number;
  /** When this download started (the peers' grace counts from then). */
  arrivedMs: number;
  deadlineBytes: number;
  peerRate: () => number;
  http: Omit<HttpOptions, 'onBytes'>;
  /** Bytes the probe wrote (the web seed's are counted as the torrent's own). */
  onProbeBytes: (count: number) => void;
  now?: () => number;
}

/**
 * The mirror as a top-up of one torrent download, while it runs: at each
 * step it asks the pure plan how many of the mirror's requests should be
 * running, and grants the web seed that many pieces (those the peers do not
 * have, see choosePieces). The mirror's rate per connection is measured
 * once per mirror by a probe over plain HTTP (mirror-probe.ts), whose bytes
 * become pieces of the file.
 */
export class MirrorTopUp {
  private valve?: MirrorValve;
  private mirrorRate?: number;
  private lastPlan = -1;
  /** webtorrent's internals were not as expected: the mirror is a plain web seed, nothing left to plan. */
  private plain = false;
  /** Pieces a probe of this file is reading: not granted to the web seed meanwhile. */
  private probing?: readonly [number, number];
  private probeFailed = false;
  private probeRun?: Promise<void>;
  private readonly knobs: TopUpKnobs;
  private readonly now: () => number;
  private readonly origin: string;

  /** When plain HTTP would have been done, once the mirror has been measured. */
  deadlineMs?: number;

  constructor(
    private readonly handle: TorrentHandle,
    private readonly settings: TopUpSettings,
  ) {
    this.knobs = { ...TOP_UP_DEFAULTS, maxConns: settings.maxConns, graceMs: settings.graceMs };
    this.now = settings.now ?? Date.now;
    this.origin = originOf(settings.url);
  }

  /** The mirror cannot serve the file: the web seed was dropped after wrong answers, or the probe failed. */
  get failed(): boolean {
    return this.probeFailed || (this.valve?.closed === true && !this.handle.over);
  }

  /** Why the top-up failed, for the debug log. */
  get why(): string {
    if (this.probeFailed) return 'the probe failed';
    return `the web seed was dropped (wire destroyed ${this.valve?.closed})`;
  }

  /** One step: grant the mirror what the plan says it must send now. */
  step(): void {
    if (this.handle.over || this.failed || this.plain || this.probing) return;
    const known = rates.get(this.origin);
    if (known?.rate !== undefined && this.now() - known.atMs < RATE_KEPT_MS) this.mirrorRate = known.rate;
    const states = this.handle.pieceStates();
    const outstanding = this.valve?.outstanding() ?? [];
    const pieceLength = this.handle.pieceLength;
    let remaining = 0;
    states.forEach((piece, index) => {
      if (!piece.have && !this.valve?.granted(index)) remaining += Math.min(pieceLength, this.settings.size - index * pieceLength);
    });
    const plan = topUpPlan({
      nowMs: this.now(),
      startedMs: this.settings.startedMs,
      arrivedMs: this.settings.arrivedMs,
      deadlineBytes: this.settings.deadlineBytes,
      remaining,
      peerRate: this.settings.peerRate(),
      mirrorRate: this.mirrorRate,
    }, this.knobs);
    this.deadlineMs = plan.deadlineMs ?? this.deadlineMs;
    if (plan.connections !== this.lastPlan) {
      debug('%s: mirror top-up: %d connection(s) (remaining %d, peers %d B/s, mirror %s B/s per connection, deadline in %s ms)', this.handle.name, plan.connections, remaining, this.settings.peerRate(), this.mirrorRate?.toFixed(0), plan.deadlineMs === undefined ? '?' : (plan.deadlineMs - this.now()).toFixed(0));
      this.lastPlan = plan.connections;
    }
    const views: PieceView[] = states.map((piece, index) => ({ taken: piece.have || this.valve?.granted(index) === true, availability: piece.availability, reserved: piece.reserved }));
    if (this.mirrorRate === undefined) {
      if (plan.connections > 0 && !known?.pending) this.probe(views);
      if (this.mirrorRate === undefined) return;
    }
    const wanted = plan.connections - outstanding.length;
    if (wanted <= 0) return;
    this.valve ??= this.handle.openMirror(this.settings.url);
    if (!this.valve) {
      // webtorrent is not as expected: the plain web seed, as before the top-up.
      debug('%s: no valve on the web seed; the mirror joins as a plain web seed', this.handle.name);
      this.handle.addWebSeed(this.settings.url);
      this.plain = true;
      return;
    }
    this.valve.grant(choosePieces(views, wanted), this.now());
  }

  /** Measure the mirror on the end of the longest run of pieces still missing (peers fill runs from their start). */
  private probe(views: readonly PieceView[]): void {
    const pieceLength = this.handle.pieceLength;
    const run = longestRun(views);
    if (!run) return;
    if (this.settings.size < PROBE_BYTES_FAST) {
      // A file too small to measure a busy mirror by: counted as fast, the floor stays safe (the web seed sends the rest).
      this.mirrorRate = Number.POSITIVE_INFINITY;
      debug('%s: too small to measure the mirror by; it sends the rest', this.handle.name);
      return;
    }
    const last = run[1];
    const first = Math.max(run[0], last - Math.ceil(PROBE_BYTES_AT_MOST / pieceLength) + 1);
    this.probing = [first, last];
    const range = [first * pieceLength, Math.min(this.settings.size, (last + 1) * pieceLength) - 1] as const;
    const pending = probeMirror(this.settings.url, this.settings.path, this.settings.size, range, this.settings.http, this.settings.onProbeBytes, this.now).then(
      async ({ rate, written }) => {
        if (rate === undefined) rates.delete(this.origin);
        else rates.set(this.origin, { atMs: this.now(), rate });
        this.mirrorRate = rate;
        debug('%s: the mirror keeps up %s B/s on one connection (probe read %d bytes)', this.handle.name, rate === undefined ? 'an unknown rate (range too short)' : Math.round(rate), written);
        await this.handle.adoptPieces(first, last);
      },
      (error: unknown) => {
        rates.delete(this.origin);
        this.probeFailed = true;
        debug('%s: probing the mirror failed: %s', this.handle.name, (error as Error).message);
      },
    ).finally(() => {
      this.probing = undefined;
    });
    rates.set(this.origin, { atMs: this.now(), pending });
    this.probeRun = pending;
  }

  /** Wait for a probe of this file to end (its writes must not land after the download is called over). */
  async settled(): Promise<void> {
    await this.probeRun;
  }
}

/** The first and last index of the longest run of pieces not taken. */
function longestRun(views: readonly PieceView[]): [number, number] | undefined {
  let best: [number, number] | undefined;
  let start = -1;
  views.forEach((view, index) => {
    if (view.taken) {
      start = -1;
      return;
    }
    if (start < 0) start = index;
    if (!best || index - start > best[1] - best[0]) best = [start, index];
  });
  return best;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
