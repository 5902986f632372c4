import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { debuglog } from 'node:util';
import type { Config } from '../config/schema.js';
import { AptTorrentError } from '../errors.js';
import { downloadAll, type DownloadEvents } from '../fetch/download-all.js';
import type { Network } from '../fetch/network.js';
import type { PlannedFile } from '../fetch/plan.js';
import type { VerifiedFile } from '../fetch/verified-file.js';
import type { Acquire } from './acquire.js';
import { answerFailure } from './failure.js';
import { httpSettings, torrentSettings } from '../fetch/download-settings.js';

const debug = debuglog('apt-torrent');

/** A file APT asked for that a manifest routes to BitTorrent. */
export interface BatchEntry {
  acquire: Acquire;
  /** What the download needs: the mirror URI as web seed, the SHA256 and size from the index, the torrent. */
  file: PlannedFile;
  /** Bytes that arrived in this run, by source: for the report to the apt-torrent command. */
  bytes?: { peers: number; mirror: number };
  /** The inode the download hashed and moved to the Filename, and its SHA256. */
  verified?: VerifiedFile;
}

/** What the batch tells APT, through the session. */
export interface BatchAnswers {
  /** `200 URI Start`. */
  start(entry: BatchEntry): void;
  /** The verified file is at its Filename: check it there and send `201 URI Done`. */
  done(entry: BatchEntry): Promise<void>;
  /** `103 Redirect` to the mirror, after a warning saying why when something went wrong. */
  fallback(entry: BatchEntry, warning?: string): void;
  /** `400 URI Failure`. */
  fail(entry: BatchEntry, message: string, transient: boolean): void;
}

export interface BatchSettings {
  config: Config;
  network: Network;
  /** APT's archives/partial/: where each file is placed under its Filename. */
  archivesPartial: string;
  /** apt-torrent's own partial directory (torrent data, kept for resuming), on the same file system. */
  partial: string;
}

/** How long a stopped run may take to wind down before its files are answered anyway. */
const WIND_DOWN_MS = 15_000;

/**
 * The longest a batch may go without a single byte arriving before its
 * unfinished files go to the mirror: longer than any wait the torrent
 * policy itself allows (peers' grace, a stall's four rounds), plus one HTTP
 * timeout. The policy's own limits should always fire first.
 */
export function noProgressLimitMs(config: Config): number {
  return (Math.max(config['torrent.peerWaitSeconds'], 4 * config['torrent.stallSeconds']) + config['http.timeout'] + 30) * 1000;
}

/**
 * Download the files of concurrently arriving acquires in one run of the
 * client (one BitTorrent client, `torrent.maxActive` files at a time), and
 * answer each as it settles: they finish in any order, and APT matches the
 * answers by URI. Every entry gets exactly one answer.
 */
export async function runBatch(entries: readonly BatchEntry[], settings: BatchSettings, answers: BatchAnswers): Promise<void> {
  const { config } = settings;
  const byUri = new Map(entries.map((entry) => [entry.file.uri, { entry, started: false, settled: false }]));
  const settle = (uri: string) => {
    const state = byUri.get(uri);
    if (!state || state.settled) return undefined;
    state.settled = true;
    return state.entry;
  };
  let files = entries.map((entry) => entry.file);
  if (config['torrent.scrape']) {
    const { routeEmptySwarms } = await import('../fetch/swarm-probe.js');
    files = await routeEmptySwarms(files, settings.network, 2000, (infoHash) => existsSync(join(settings.partial, 'apt-torrent', infoHash)));
    for (const file of files.filter((file) => file.route !== 'torrent')) {
      // Nobody to fetch from but the mirror: APT's own method is the fastest way there, and nothing went wrong.
      const entry = settle(file.uri);
      if (entry) answers.fallback(entry);
    }
    files = files.filter((file) => file.route === 'torrent');
    if (files.length === 0) return;
  }

  const abort = new AbortController();
  const limitMs = noProgressLimitMs(config);
  let stalled = false;
  let watchdog: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      stalled = true;
      abort.abort();
    }, limitMs);
  };
  touch();
  const checks: Promise<void>[] = [];
  const events: DownloadEvents = {
    start(file) {
      touch();
      const state = byUri.get(file.uri);
      if (!state || state.started || state.settled) return;
      state.started = true;
      answers.start(state.entry);
    },
    bytes(file, count, source) {
      touch();
      const state = byUri.get(file.uri);
      if (!state) return;
      const bytes = (state.entry.bytes ??= { peers: 0, mirror: 0 });
      bytes[source] += count;
    },
    peers: () => {},
    done(file, verified) {
      const entry = settle(file.uri);
      if (!entry) return;
      if (verified) entry.verified = verified;
      checks.push(answers.done(entry));
    },
    failed(file, error) {
      const entry = settle(file.uri);
      if (!entry) return;
      const cause = stalled ? new AptTorrentError('E_DOWNLOAD', `no progress for ${Math.round(limitMs / 1000)} s`) : error;
      const answer = answerFailure(file.cacheName, cause);
      if (answer.kind === 'fail') answers.fail(entry, answer.message, answer.transient);
      else answers.fallback(entry, answer.warning);
    },
    warn: (message) => debug('batch: %s', message),
  };
  // Once aborted, the run gets a short grace to wind down; an answer to APT never waits longer.
  const windDown = new Promise<void>((resolve) => abort.signal.addEventListener('abort', () => setTimeout(resolve, WIND_DOWN_MS).unref(), { once: true }));
  try {
    await Promise.race([windDown, downloadAll(files, {
      parallel: config['http.parallel'],
      archives: settings.archivesPartial,
      partial: settings.partial,
      events,
      network: settings.network,
      http: httpSettings(config, settings.network, abort.signal),
      torrent: torrentSettings(config),
      // Files for the seeding daemon are served from here until this method ends (the seed bridge
      // takes over then). Not with a fixed torrent.port: a kept client would hold it against the next batch.
      keepServing: config['seed.enabled'] && config['torrent.port'] === 0,
    })]);
  } catch (error) {
    // Each file's failure has been answered through `failed`; the summary error repeats them.
    debug('batch ended with %s', (error as Error).message);
  } finally {
    clearTimeout(watchdog);
  }
  // A file neither done nor failed (the run was cut short) still gets its answer.
  for (const [uri] of byUri) {
    const entry = settle(uri);
    if (entry) answers.fallback(entry, `apt-torrent: ${entry.file.cacheName} did not come over BitTorrent${stalled ? ` (no progress for ${Math.round(limitMs / 1000)} s)` : ''}; fetching it from the mirror`);
  }
  await Promise.all(checks);
}
