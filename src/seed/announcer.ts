/**
 * The seeding daemon's own tracker client: every available torrent is
 * announced, asleep or awake, without loading it into the BitTorrent
 * client. HTTP(S) and UDP trackers (WebSocket ones, for browsers, are left
 * out), a bounded number of requests in flight, each answer bounded in size
 * and time, intervals from announce-schedule.ts.
 */
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { announceUrl, parseAnnounce, type AnnounceAnswer, type AnnounceRequest } from '../bittorrent/announce.js';
import { dueNow, nextDelayMs } from './announce-schedule.js';
import { UdpAnnouncer } from './udp-announce.js';

const MAX_ANSWER = 64 * 1024;
const TIMEOUT_MS = 15_000;
/** Torrents wanted at start-up get their first announce spread: 50 ms per pair, a minute at most. */
const SPREAD_PER_PAIR_MS = 50;
const MAX_SPREAD_MS = 60_000;

export interface AnnouncerOptions {
  /** The port peers reach the daemon on. */
  port: number;
  /** 20 bytes, hex. */
  peerId: string;
  maxInFlight: number;
  /** Bytes uploaded so far, reported to trackers. */
  uploaded(infoHash: string): number;
  /** A tracker answered for this torrent. */
  onAnswer(infoHash: string, answer: AnnounceAnswer): void;
  log(message: string): void;
  /** The whole of an HTTP announce, answer read, within this (default 15 s). */
  timeoutMs?: number;
  now?: () => number;
  random?: () => number;
}

interface Pair {
  infoHash: string;
  tracker: string;
  nextAt: number;
  failures: number;
  event?: 'started' | 'stopped';
  /** A tracker has answered for this pair at least once. */
  heard: boolean;
}

export class Announcer {
  private readonly pairs = new Map<string, Pair>();
  /** `stopped` announces for pairs no longer wanted, sent when a slot is free. */
  private readonly farewells: Pair[] = [];
  private inFlight = 0;
  private readonly failing = new Set<string>();
  private timer?: NodeJS.Timeout;
  private readonly now: () => number;
  private readonly random: () => number;
  private closed = false;
  private readonly udp = new UdpAnnouncer();

  constructor(private readonly options: AnnouncerOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  start(): void {
    this.timer = setInterval(() => this.pump(), 1000);
    this.timer.unref();
  }

  /**
   * Announce this torrent to these trackers from now on (http, https and
   * udp ones; others are skipped). `soon`: its first announce goes at once, not spread
   * (a torrent resumed, or added while running).
   */
  want(infoHash: string, trackers: readonly string[], options: { soon: boolean }): void {
    const http = trackers.filter((tracker) => /^(https?|udp):\/\/[^/]/.test(tracker));
    for (const tracker of http) {
      const key = `${infoHash} ${tracker}`;
      if (this.pairs.has(key)) continue;
      const delay = options.soon ? 0 : Math.round(this.random() * Math.min(MAX_SPREAD_MS, this.pairs.size * SPREAD_PER_PAIR_MS));
      this.pairs.set(key, { infoHash, tracker, nextAt: this.now() + delay, failures: 0, event: 'started', heard: false });
    }
    for (const [key, pair] of this.pairs) if (pair.infoHash === infoHash && !http.includes(pair.tracker)) this.pairs.delete(key);
    if (options.soon) this.pump();
  }

  /** Stop announcing this torrent; trackers that heard of it are told `stopped`. */
  drop(infoHash: string): void {
    for (const [key, pair] of this.pairs) {
      if (pair.infoHash !== infoHash) continue;
      this.pairs.delete(key);
      if (pair.heard && this.farewells.length < 1000) this.farewells.push({ ...pair, event: 'stopped' });
    }
    this.pump();
  }

  /** A tracker has answered for this torrent, or it has none to announce to. */
  heard(infoHash: string): boolean {
    let any = false;
    for (const pair of this.pairs.values()) {
      if (pair.infoHash !== infoHash) continue;
      if (pair.heard) return true;
      any = true;
    }
    return !any;
  }

  /** Torrents wanted, and of those, how many at least one tracker has heard of. */
  coverage(): { wanted: number; heard: number } {
    const wanted = new Set<string>();
    const heard = new Set<string>();
    for (const pair of this.pairs.values()) {
      wanted.add(pair.infoHash);
      if (pair.heard) heard.add(pair.infoHash);
    }
    return { wanted: wanted.size, heard: heard.size };
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.udp.close();
  }

  /** Start what is due, within the bound on requests in flight. */
  private pump(): void {
    if (this.closed) return;
    while (this.inFlight < this.options.maxInFlight && this.farewells.length > 0) void this.send(this.farewells.shift()!);
    const now = this.now();
    for (const key of dueNow([...this.pairs].map(([pairKey, pair]) => ({ key: pairKey, nextAt: pair.nextAt })), now, this.options.maxInFlight - this.inFlight)) {
      const pair = this.pairs.get(key)!;
      // Not due again while in flight.
      pair.nextAt = Number.POSITIVE_INFINITY;
      void this.send(pair);
    }
  }

  private request(infoHash: string, event?: 'started' | 'stopped'): AnnounceRequest {
    return { infoHash, peerId: this.options.peerId, port: this.options.port, uploaded: this.options.uploaded(infoHash), downloaded: 0, left: 0, numwant: event === 'stopped' ? 0 : 50, ...(event ? { event } : {}) };
  }

  private async send(pair: Pair): Promise<void> {
    this.inFlight += 1;
    const request = this.request(pair.infoHash, pair.event);
    let answer: AnnounceAnswer | undefined;
    let failure: string | undefined;
    try {
      answer = pair.tracker.startsWith('udp:') ? await this.udp.announce(pair.tracker, request) : parseAnnounce(await fetchBounded(announceUrl(pair.tracker, request)!, this.options.timeoutMs ?? TIMEOUT_MS));
    } catch (error) {
      failure = (error as Error).message;
    }
    this.inFlight -= 1;
    if (pair.event === 'stopped' || this.closed) return this.pump();
    // Dropped (paused, removed) while in flight: nothing to schedule.
    if (this.pairs.get(`${pair.infoHash} ${pair.tracker}`) !== pair) return this.pump();
    const host = new URL(pair.tracker).host;
    if (answer) {
      pair.heard = true;
      pair.failures = 0;
      delete pair.event;
      pair.nextAt = this.now() + nextDelayMs({ interval: answer.interval }, this.random());
      if (this.failing.delete(host)) this.options.log(`tracker ${host} answers again`);
      this.options.onAnswer(pair.infoHash, answer);
    } else {
      pair.failures += 1;
      pair.nextAt = this.now() + nextDelayMs({ failures: pair.failures }, this.random());
      // Once per tracker until it answers again: an unreachable tracker is normal on a laptop.
      if (!this.failing.has(host)) {
        this.failing.add(host);
        this.options.log(`tracker ${host} does not answer (${failure}); trying again later`);
      }
    }
    this.pump();
  }
}

/**
 * GET `url`; the body, at most 64 KiB, status 200 only, all of it within
 * `timeoutMs`: a socket timeout alone would let a tracker that trickles a
 * byte now and then hold one of the few announce slots for days.
 */
function fetchBounded(url: string, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    const request = get(url, { agent: false, timeout: timeoutMs, headers: { 'user-agent': 'apt-torrent' } }, (response: IncomingMessage) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`HTTP ${response.statusCode}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER) {
          request.destroy(new Error('answer over 64 KiB'));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => resolve(Buffer.concat(chunks)));
      response.on('error', reject);
    });
    const deadline = setTimeout(() => request.destroy(new Error(`no answer in ${timeoutMs / 1000} s`)), timeoutMs);
    request.on('close', () => clearTimeout(deadline));
    request.on('timeout', () => request.destroy(new Error(`no answer in ${timeoutMs / 1000} s`)));
    request.on('error', reject);
  });
}
