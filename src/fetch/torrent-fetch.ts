import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { debuglog } from 'node:util';
import type WebTorrent from 'webtorrent';
import type { Torrent, Wire } from 'webtorrent';
import { redactUri } from '../apt/auth-conf.js';
import { AptTorrentError } from '../errors.js';
import { fetchCached } from './fetch-cached.js';
import { acceptTorrent, withTrackersOnly } from '../bittorrent/accept-torrent.js';
import { decide, mirrorDecision, type PolicyKnobs, type WebSeedKnobs } from '../torrent/fallback-policy.js';
import { SpeedMeter } from '../util/speed-meter.js';
import { missingRanges, splitRanges } from '../torrent/missing-ranges.js';
import { PeerGuard } from '../torrent/peer-guard.js';
import { diskFullError, type HttpOptions } from './http.js';
import type { Network } from './network.js';
import type { PlannedFile } from './plan.js';
import { fillRanges } from './range-fill.js';

/** NODE_DEBUG=apt-torrent shows the fetch policy's decisions. */
const debug = debuglog('apt-torrent');

export type ByteSource = 'peers' | 'mirror';

export interface TorrentEvents {
  bytes(file: PlannedFile, count: number, source: ByteSource): void;
  peers(file: PlannedFile, count: number): void;
}

export interface TorrentFetchOptions extends PolicyKnobs, WebSeedKnobs {
  client: WebTorrent;
  network: Network;
  /** With lowSpeed: the HTTP fill has the same low-speed watchdog as plain HTTP downloads. */
  http: Omit<HttpOptions, 'onBytes'>;
  partial: string;
  archives: string;
  events: TorrentEvents;
  /** Parallel HTTP connections the web seed may use. */
  maxWebConns: number;
}

export interface TorrentOutcome {
  peerBytes: number;
  mirrorBytes: number;
  /** Where the verified file now is (APT's archive cache). */
  path: string;
  infoHash: string;
  bannedPeers: string[];
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
  let data: Buffer;
  let name: string;
  try {
    const fetched = await fetchCached(source.torrentUrl, { network: options.network, timeoutMs: options.http.timeoutMs, signal: options.http.signal });
    if (!fetched) throw new Error('not found (404)');
    name = acceptTorrent(fetched.bytes, { size: file.size, infoHash: source.infoHash }).info.name;
    data = withTrackersOnly(fetched.bytes, source.trackers);
  } catch (error) {
    throw new TorrentRefused(`torrent ${redactUri(source.torrentUrl)} for ${file.cacheName}: ${(error as Error).message}`);
  }

  const dir = join(options.partial, 'apt-torrent', source.infoHash);
  await mkdir(dir, { recursive: true });
  const torrent = await addTorrent(options.client, data, dir, options.maxWebConns);
  // A safety net under acceptTorrent: webtorrent must mean the very file we checked, or nothing is written.
  if (torrent.files.length !== 1 || torrent.files[0]!.name !== name || torrent.length !== file.size) {
    await new Promise<void>((resolve) => torrent.destroy({ destroyStore: false }, () => resolve()));
    throw new TorrentRefused(`torrent ${redactUri(source.torrentUrl)} for ${file.cacheName}: webtorrent reads it as another file than the one checked`);
  }
  const path = join(dir, name);
  const counts = { peers: 0, mirror: 0 };
  const peerMeter = new SpeedMeter();
  const allMeter = new SpeedMeter();
  const mirrorJoined: { at?: number } = {};
  const guard = new PeerGuard(torrent, (address) => options.client.blocked?.add(address));
  torrent.on('wire', (wire: Wire) => {
    const kind: ByteSource = wire.type === 'webSeed' ? 'mirror' : 'peers';
    wire.on('download', (count: number) => {
      counts[kind] += count;
      if (kind === 'peers') peerMeter.add(count);
      allMeter.add(count);
      options.events.bytes(file, count, kind);
    });
  });
  const httpNow = { requested: false, wake: () => {} };
  gateMirror(torrent, file.uri, source.trackers.length > 0, peerMeter, options, (how) => {
    mirrorJoined.at = Date.now();
    if (how === 'http') {
      httpNow.requested = true;
      httpNow.wake();
    }
  });

  try {
    await runUntilComplete(file, torrent, path, counts, options, () => ({ rate: allMeter.rate(), mirrorJoinedMs: mirrorJoined.at }), httpNow);
  } finally {
    await new Promise<void>((resolve) => torrent.destroy({ destroyStore: false }, () => resolve()));
  }

  const digest = await sha256Of(path);
  if (digest !== file.sha256) {
    await rm(dir, { recursive: true, force: true });
    throw new AptTorrentError('E_VERIFY', `${file.cacheName}: SHA256 mismatch after BitTorrent download, the file was deleted and not installed\n` +
      `  torrent:  ${source.infoHash} (web seed ${redactUri(file.uri)})\n  expected: ${file.sha256} (APT's Packages index)\n  got:      ${digest}`, {
      hint: 'the torrent or the mirror carries other bytes than the signed index describes; run `apt-get update`, or use --no-torrent',
    });
  }
  const finalPath = join(options.archives, file.cacheName);
  await rename(path, finalPath);
  await rm(dir, { recursive: true, force: true });
  return { peerBytes: counts.peers, mirrorBytes: counts.mirror, path: finalPath, infoHash: source.infoHash, bannedPeers: [...guard.banned] };
}

/**
 * Let the mirror in when the policy says so: for the whole file over plain
 * HTTP when no one can have it, else as web seed once peers have had their chance.
 */
function gateMirror(torrent: Torrent, uri: string, hasTrackers: boolean, peerMeter: SpeedMeter, knobs: WebSeedKnobs, joined: (how: 'web-seed' | 'http') => void): void {
  const started = Date.now();
  let trackerSeeders: number | undefined;
  let added = false;
  const check = () => {
    if (added || torrent.destroyed || torrent.done) return;
    const peers = torrent.wires.filter((wire) => wire.type !== 'webSeed').length;
    const decision = mirrorDecision({ elapsedMs: Date.now() - started, hasTrackers, trackerSeeders, peers, peerRate: peerMeter.rate() }, knobs);
    if (decision === 'wait') return;
    added = true;
    clearInterval(timer);
    debug('%s: the mirror joins (%s) after %d ms (tracker seeders %s, peers %d)', torrent.name, decision, Date.now() - started, trackerSeeders, peers);
    if (decision === 'web-seed') torrent.addWebSeed(uri);
    joined(decision);
  };
  // The tracker's answer says whether anyone has the file; webtorrent does not pass it on, its tracker client does.
  const tracker = (torrent as unknown as { discovery?: { tracker?: { on(event: string, listener: (data: { complete?: number }) => void): void } } }).discovery?.tracker;
  tracker?.on('update', (data) => {
    trackerSeeders = typeof data.complete === 'number' ? data.complete : trackerSeeders;
    check();
  });
  const timer = setInterval(check, 250);
  torrent.once('close', () => clearInterval(timer));
  torrent.once('done', () => clearInterval(timer));
  check();
}

function addTorrent(client: WebTorrent, data: Buffer, dir: string, maxWebConns: number): Promise<Torrent> {
  return new Promise((resolve, reject) => {
    const torrent = client.add(data, { path: dir, maxWebConns, storeCacheSlots: 0 });
    const onError = (error: Error) => reject(error);
    torrent.once('error', onError);
    torrent.once('ready', () => {
      torrent.off('error', onError);
      resolve(torrent);
    });
  });
}

/** Watch the torrent once a second; hand the gaps to HTTP when the policy says so. */
function runUntilComplete(
  file: PlannedFile,
  torrent: Torrent,
  path: string,
  counts: { mirror: number },
  options: TorrentFetchOptions,
  speed: () => { rate: number; mirrorJoinedMs?: number },
  httpNow: { requested: boolean; wake: () => void },
): Promise<void> {
  return new Promise((resolve, reject) => {
    let lastDownloaded = torrent.downloaded;
    let lastProgressMs = Date.now();
    let httpActive = false;
    let mirrorFailed = false;
    let mirrorError: unknown;
    const httpAbort = new AbortController();
    let httpSettled = false;
    const finish = (error?: unknown) => {
      clearInterval(timer);
      options.http.signal?.removeEventListener('abort', onAbort);
      if (httpActive && !httpSettled) httpAbort.abort();
      if (error) reject(error);
      else resolve();
    };
    const onAbort = () => finish(new AptTorrentError('E_INTERRUPTED', 'interrupted; partial downloads are kept and the next run resumes them'));
    options.http.signal?.addEventListener('abort', onAbort, { once: true });
    torrent.once('done', () => finish());
    // A full disk is no reason to wait for peers: their pieces could not be written either.
    const diskFull = (error: unknown) => diskFullError(`${dirname(path)}/`, file.cacheName, file.size - torrent.downloaded, file.size, error);
    torrent.once('error', (error: Error) => finish(diskFull(error) ?? new AptTorrentError('E_DOWNLOAD', `${file.cacheName}: BitTorrent error: ${error.message}`, { cause: error })));
    if (torrent.done) return finish();

    const tick = () => {
      options.events.peers(file, torrent.wires.filter((wire) => wire.type !== 'webSeed').length);
      if (torrent.downloaded > lastDownloaded) {
        lastDownloaded = torrent.downloaded;
        lastProgressMs = Date.now();
      }
      const decision = httpNow.requested && !httpActive && !mirrorFailed ? 'http' : decide(
        { nowMs: Date.now(), lastProgressMs, peers: torrent.wires.filter((wire) => wire.type !== 'webSeed').length, done: torrent.done, httpActive, mirrorFailed, ...speed() },
        options,
      );
      if (decision !== 'wait') debug('%s: %s (peers %d, downloaded %d, mirror failed %s)', file.cacheName, decision, torrent.wires.length, torrent.downloaded, mirrorFailed);
      if (decision === 'give-up') {
        finish(new AptTorrentError('E_DOWNLOAD', `${file.cacheName}: the mirror cannot serve it (${(mirrorError as Error)?.message}) and no peer gave anything for ${Math.round(options.peerWaitMs / 1000)} s`, {
          hint: 'try again later, or another mirror',
        }));
      } else if (decision === 'http') {
        httpActive = true;
        const ranges = splitRanges(missingRanges(file.size, torrent.pieceLength, (index) => torrent.bitfield.get(index)), options.maxWebConns, torrent.pieceLength);
        fillRanges(file.uri, path, ranges, options.maxWebConns, {
          ...options.http,
          signal: httpAbort.signal,
          onBytes: (count) => {
            counts.mirror += count;
            options.events.bytes(file, count, 'mirror');
          },
        }).then(
          () => {
            httpSettled = true;
            finish();
          },
          (error) => {
            httpSettled = true;
            debug('%s: HTTP fill failed: %s', file.cacheName, (error as Error).message);
            if (httpAbort.signal.aborted) return;
            const full = diskFull(error);
            if (full) return finish(full);
            httpActive = false;
            mirrorFailed = true;
            mirrorError = error;
            lastProgressMs = Date.now();
          },
        );
      }
    };
    const timer = setInterval(tick, 1000);
    httpNow.wake = tick;
    if (httpNow.requested) tick();
  });
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
