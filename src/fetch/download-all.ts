import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AptTorrentError } from '../errors.js';
import { drain, forEachBounded } from '../util/pool.js';
import { fetchVerified, type HttpOptions } from './http.js';
import type { Network } from './network.js';
import type { PlannedFile } from './plan.js';
import type { TorrentHandle } from '../torrent/torrent-handle.js';
import type { ByteSource, TorrentOutcome } from './torrent-fetch.js';
import type { VerifiedFile } from './verified-file.js';
import { openPrivateDir } from './private-dir.js';
import { HeadStart } from './head-start.js';

/** The longest BitTorrent's loading waits for the first head starts to be under way (a .torrent slow to come). */
const HEAD_START_WAIT_MS = 1000;

/** What the progress display hears about. */
export interface DownloadEvents {
  start(file: PlannedFile): void;
  bytes(file: PlannedFile, count: number, source: ByteSource): void;
  peers(file: PlannedFile, count: number): void;
  /** The file is in the cache; `verified` says which inode was hashed, and to what, when the download hashed it itself. */
  done(file: PlannedFile, verified?: VerifiedFile): void;
  failed(file: PlannedFile, error: AptTorrentError): void;
  /** Something worth one line that does not fail the run (a torrent refused, a peer dropped). */
  warn(message: string): void;
}

export interface DownloadSummary {
  files: number;
  /** Bytes of all files now in the cache. */
  bytes: number;
  /** Bytes that came from the mirror in this run: plain HTTP and web seed. */
  mirrorBytes: number;
  /** Bytes that came from BitTorrent peers. */
  peerBytes: number;
  /** Bytes kept from partial files of earlier runs. */
  resumedBytes: number;
  elapsedMs: number;
  /** Files that came by torrent and passed the SHA256 gate: what can be seeded. */
  torrents: Array<{ file: PlannedFile; infoHash: string; path: string }>;
  /**
   * With keepServing: the BitTorrent client still serving the files that
   * came by torrent. Stop it once the seeding daemon has them announced.
   */
  serving?: { stop(): Promise<void> };
}

export interface TorrentSettings {
  maxActive: number;
  maxWebConns: number;
  stallMs: number;
  peerWaitMs: number;
  webSeedDelayMs: number;
  minPeerRate: number;
  client: { port: number; dht: boolean; lsd: boolean; utp: boolean };
}

export interface DownloadOptions {
  parallel: number;
  http: Omit<HttpOptions, 'onBytes'>;
  network: Network;
  events: DownloadEvents;
  archives: string;
  partial: string;
  torrent: TorrentSettings;
  /**
   * Keep serving what came by torrent after the download (summary.serving),
   * so that from the moment a file is verified until the seeding daemon
   * announces it, peers can still get it here.
   */
  keepServing?: boolean;
  now?: () => number;
}

/**
 * Fetch every file of the plan: HTTP files `parallel` at a time, largest
 * first (so long transfers overlap the many short ones), and torrent files
 * `maxActive` at a time in one BitTorrent client, at the same time. A torrent
 * that cannot be used sends its file to the HTTP queue. A failed file does
 * not stop the others: they are verified and cached, and a re-run fetches
 * only what is missing. Throws the first failure once all have settled.
 */
export async function downloadAll(files: readonly PlannedFile[], options: DownloadOptions): Promise<DownloadSummary> {
  const now = options.now ?? Date.now;
  const started = now();
  const httpQueue = files.filter((file) => file.route === 'http').sort((a, b) => b.size - a.size);
  const torrentQueue = files.filter((file) => file.route === 'torrent').sort((a, b) => b.size - a.size);
  const privateDir = await openPrivateDir(options.partial);
  try {
    return await downloadInto(privateDir.path, httpQueue, torrentQueue, options, now, started);
  } finally {
    await privateDir.close();
  }
}

async function downloadInto(
  partial: string,
  httpQueue: PlannedFile[],
  torrentQueue: PlannedFile[],
  options: DownloadOptions,
  now: () => number,
  started: number,
): Promise<DownloadSummary> {
  const summary: DownloadSummary = { files: 0, bytes: 0, mirrorBytes: 0, peerBytes: 0, resumedBytes: 0, elapsedMs: 0, torrents: [] };
  const failures: AptTorrentError[] = [];
  const fail = (file: PlannedFile, error: unknown) => {
    const failure = error instanceof AptTorrentError
      ? error
      : new AptTorrentError('E_DOWNLOAD', `${file.cacheName}: ${(error as Error).message}`, { cause: error });
    failures.push(failure);
    options.events.failed(file, failure);
  };
  let torrentsLeft = torrentQueue.length;
  let serving: DownloadSummary['serving'];
  // The clock plain HTTP would run on for these files: APT fetches them one after the other from now.
  const plainHttp = { startedMs: Date.now(), bytes: torrentQueue.reduce((sum, file) => sum + file.size, 0) };

  // The pool stops at an abort; what that means is decided below, once all have settled.
  const unlessAborted = (error: unknown) => {
    if (error !== options.http.signal?.reason) throw error;
  };

  /** The HTTP queue, waiting while torrent files may still fall back to it. */
  async function* httpFiles() {
    for (;;) {
      const file = httpQueue.shift();
      if (file) {
        yield file;
        continue;
      }
      if (torrentsLeft === 0 || options.http.signal?.aborted) return;
      await sleep(50);
    }
  }

  const fetchOverHttp = async (file: PlannedFile) => {
    options.events.start(file);
    try {
      const outcome = await fetchVerified(
        { uri: file.uri, size: file.size, sha256: file.sha256, partialPath: join(partial, file.cacheName), finalPath: join(options.archives, file.cacheName) },
        { ...options.http, onBytes: (count) => options.events.bytes(file, count, 'mirror') },
      );
      summary.files += 1;
      summary.bytes += file.size;
      summary.mirrorBytes += outcome.downloaded;
      summary.resumedBytes += outcome.resumedFrom;
      // A manifest file that came over HTTP (its swarm was empty) can still be seeded.
      if (file.torrent) summary.torrents.push({ file, infoHash: file.torrent.infoHash, path: join(options.archives, file.cacheName) });
      options.events.done(file);
    } catch (error) {
      fail(file, error);
    }
  };

  const torrentWork = async () => {
    if (torrentQueue.length === 0) return;
    HeadStart.prewarm();
    // BitTorrent (~300 ms of module code that blocks this thread, then its listener) is loaded once the
    // first files' head starts are under way in their thread, or could not be: they run meanwhile.
    const first = Math.min(options.torrent.maxActive, torrentQueue.length);
    let begun = 0;
    let allBegun: () => void = () => {};
    const headStartsBegun = new Promise<void>((resolve) => {
      allBegun = resolve;
      setTimeout(resolve, HEAD_START_WAIT_MS).unref();
    });
    const onBegun = () => {
      begun += 1;
      if (begun >= first) allBegun();
    };
    const opening = headStartsBegun.then(() => import('../torrent/client.js')).then(({ TorrentClient }) => TorrentClient.open(options.torrent.client));
    opening.catch(() => {});
    const { fetchByTorrent, TorrentRefused } = await import('./torrent-fetch.js');
    const client = opening;
    const keepServing: TorrentHandle[] | undefined = options.keepServing ? [] : undefined;
    const fetchOne = async (file: PlannedFile) => {
      options.events.start(file);
      let told = false;
      const begin = () => {
        if (!told) onBegun();
        told = true;
      };
      try {
        const outcome: TorrentOutcome = await fetchByTorrent(file, {
          client,
          network: options.network,
          http: options.http,
          partial,
          archives: options.archives,
          maxWebConns: options.torrent.maxWebConns,
          stallMs: options.torrent.stallMs,
          peerWaitMs: options.torrent.peerWaitMs,
          webSeedDelayMs: options.torrent.webSeedDelayMs,
          minPeerRate: options.torrent.minPeerRate,
          plainHttp,
          keepServing,
          events: options.events,
          onHeadStart: begin,
        });
        summary.files += 1;
        summary.bytes += file.size;
        summary.peerBytes += outcome.peerBytes;
        summary.mirrorBytes += outcome.mirrorBytes;
        summary.torrents.push({ file, infoHash: outcome.infoHash, path: outcome.path });
        for (const address of outcome.bannedPeers) options.events.warn(`dropped peer ${address}: it sent pieces of ${file.cacheName} that failed verification`);
        options.events.done(file, outcome.verified);
      } catch (error) {
        if (error instanceof TorrentRefused) {
          options.events.warn(`${error.message}; fetching it over HTTP`);
          httpQueue.push({ ...file, route: 'http', torrent: undefined });
        } else {
          fail(file, error);
        }
      } finally {
        begin();
        torrentsLeft -= 1;
      }
    };
    try {
      await forEachBounded(drain(torrentQueue), options.torrent.maxActive, fetchOne, options.http.signal).catch(unlessAborted);
    } finally {
      torrentsLeft = 0;
      const started = await opening.catch(() => undefined);
      if (started && keepServing && keepServing.length > 0 && !options.http.signal?.aborted) {
        serving = { stop: () => started.destroy() };
      } else {
        await started?.destroy();
      }
    }
  };

  await Promise.all([
    torrentWork().catch((error) => {
      torrentsLeft = 0;
      for (const file of torrentQueue.splice(0)) fail(file, error);
    }),
    forEachBounded(httpFiles(), options.parallel, fetchOverHttp, options.http.signal).catch(unlessAborted),
  ]);
  summary.elapsedMs = now() - started;
  summary.serving = serving;
  // A run that fails hands nothing over: nothing stays served.
  if (options.http.signal?.aborted || failures.length > 0) await serving?.stop();
  if (options.http.signal?.aborted) {
    throw new AptTorrentError('E_INTERRUPTED', 'interrupted; partial files are kept and the next run resumes them');
  }
  if (failures.length > 0) {
    // A hash mismatch says most about the mirror; report it before a network failure.
    const first = failures.find((failure) => failure.code === 'E_VERIFY') ?? failures[0]!;
    if (failures.length === 1) throw first;
    throw new AptTorrentError(first.code, `${failures.length} files failed:\n${failures.map((f) => f.message).join('\n')}`, {
      hint: first.hint,
    });
  }
  return summary;
}
