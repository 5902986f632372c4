/**
 * `apt-torrent seed`: the seeding daemon, in the foreground (systemd runs
 * it). Takes the seed lock, reads the store and the state, listens for
 * peers and on the control socket, takes in what install recorded, and
 * ticks once a second until SIGTERM.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { AptTorrentError } from '../errors.js';
import { TorrentClient } from '../torrent/client.js';
import { removeStaleTemporaries } from '../util/atomic-write.js';
import { acquireLock } from '../util/lock.js';
import { formatBytes } from '../util/size.js';
import { listenControl } from './control-server.js';
import { Discovery } from './discovery.js';
import { ingestPending } from './ingest.js';
import type { Request, Response } from './protocol.js';
import { Seeder } from './seeder.js';
import { readState, STATE_NAME, writeState } from './state-file.js';
import { openStore, readStore, seedLockPath } from './store.js';
import { PrometheusFile } from './prometheus-file.js';
import { seedingStats } from './stats.js';
import { sensorsFromEnv, UploadWatch } from './upload-watch.js';

/** Every so often the daemon looks for files recorded while it could not be told (restarting, say). */
const PENDING_EVERY_MS = 30_000;
const SAVE_EVERY_MS = 30_000;
/** An awake torrent no peer wanted this long goes back to sleep (its file closed). */
const SLEEP_AFTER_MS = 60_000;

export async function runDaemon(config: Config, signal: AbortSignal, log: (message: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const stateDir = config.stateDir;
  await mkdir(stateDir, { recursive: true, mode: 0o755 });
  const lock = await acquireLock(seedLockPath(stateDir), 'apt-torrent seed').catch((error: AptTorrentError) => {
    throw new AptTorrentError('E_SEED_RUNNING', `another seeding daemon uses ${stateDir}: ${error.message}`, { hint: 'only one `apt-torrent seed` runs per state dir; `apt-torrent seeding list` talks to it', cause: error });
  });
  const cleanups: Array<() => Promise<void>> = [() => lock.release()];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step().catch(() => {});
  };
  try {
    const store = await openStore(stateDir);
    const listing = await readStore(store, { tidy: true });
    for (const problem of listing.problems) log(`store: ${problem}`);
    const statePath = join(stateDir, STATE_NAME);
    await removeStaleTemporaries(statePath);
    const state = await readState(statePath);
    if (state.problem) log(`${state.problem}; rebuilt from the store: ${listing.entries.length} file(s), their upload counters start again from 0`);

    // The daemon's own listener takes every peer and hands each to webtorrent once its torrent is awake;
    // it also announces (trackers, LAN) itself, so webtorrent does neither. uTP needs webtorrent's listener: TCP only.
    const client = await TorrentClient.open({
      port: 0,
      handover: true,
      tracker: false,
      dht: config['torrent.dht'],
      lsd: false,
      utp: false,
      uploadLimit: config['seed.uploadLimit'] > 0 ? config['seed.uploadLimit'] : -1,
      maxConns: config['seed.maxPeers'],
    });
    client.onError((error) => log(`BitTorrent: ${error.message}`));
    cleanups.push(() => client.destroy());
    const discovery = await Discovery.listen({ port: config['seed.listenPort'], lsd: config['torrent.lsd'], maxPeers: config['seed.maxPeers'], client, log }).catch((error: Error) => {
      throw new AptTorrentError('E_SEED_SOCKET', `cannot listen for peers on port ${config['seed.listenPort']}: ${error.message}`, { hint: 'another program uses the port: set seed.listenPort to another one (0: any free port)', cause: error });
    });
    client.advertisePort(discovery.port);
    cleanups.push(() => discovery.close());

    const seeder = new Seeder({
      client,
      store,
      targets: { ratio: config['seed.ratio'], seedTime: config['seed.seedTime'] },
      maxAwake: config['seed.maxActive'],
      sleepAfterMs: SLEEP_AFTER_MS,
      availability: discovery,
      trackers: config['torrent.trackers'],
      log,
      save: (counters) => writeState(statePath, counters),
      saveEveryMs: SAVE_EVERY_MS,
    });
    // Power and network are read before any torrent can start: on battery or a metered link, not one byte goes out.
    const watch = new UploadWatch({ pauseOnMetered: config['seed.pauseOnMetered'], pauseOnBattery: config['seed.pauseOnBattery'] }, sensorsFromEnv(env), (reasons) => seeder.setUploadsPaused(reasons), log);
    await watch.check();
    watch.start();
    cleanups.push(() => watch.stop());
    await discovery.start(seeder, (infoHash) => seeder.uploaded(infoHash));
    for (const facts of listing.entries) seeder.add(facts, state.counters.get(facts.infoHash), { atStart: true });
    // A state file rebuilt (or first written) now, so a corrupt one is not reported again at the next start.
    if (state.problem || listing.problems.length > 0) await seeder.flush();
    cleanups.push(() => seeder.close());
    if (config['seed.prometheusFile']) {
      const metrics = new PrometheusFile(config['seed.prometheusFile'], () => seedingStats(seeder.list(), seeder.uploadsPaused), log);
      await metrics.start();
      // Runs before seeder.close (cleanups run last first): the numbers as they were, torrents still counted.
      cleanups.push(() => metrics.stop());
    }

    let ingesting = Promise.resolve(0);
    const ingest = () => {
      ingesting = ingesting.then(() => ingestPending(stateDir, store, seeder, config['seed.diskBudget'], log)).catch((error: Error) => {
        log(`cannot take in recorded files: ${error.message}`);
        return 0;
      });
      return ingesting;
    };
    const handle = async (request: Request): Promise<Response> => {
      switch (request.cmd) {
        case 'list':
          return { ok: true, torrents: seeder.list(), uploadsPaused: seeder.uploadsPaused };
        case 'add':
          return { ok: true, accepted: await ingest() };
        case 'remove': {
          const removed = [];
          for (const infoHash of request.infoHashes) {
            const gone = await seeder.remove(infoHash, 'cleaned');
            if (gone) removed.push(gone);
          }
          await seeder.flush();
          return { ok: true, removed };
        }
        default:
          return { ok: true, ...(await seeder.change(request.cmd, request.targets, request.all)) };
      }
    };
    const server = await listenControl(config['seed.socket'], config['seed.group'], handle, log);
    cleanups.push(() => server.close());

    await ingest();
    const ticker = setInterval(() => void seeder.tick(), 1000);
    const pendingTimer = setInterval(() => void ingest(), PENDING_EVERY_MS);
    cleanups.push(async () => {
      clearInterval(ticker);
      clearInterval(pendingTimer);
      await ingesting;
    });
    const total = seeder.budgetViews().reduce((sum, view) => sum + view.size, 0);
    log(`seeding ${seeder.budgetViews().length} file(s), ${formatBytes(total)}; peers on port ${discovery.port}${config['torrent.lsd'] ? ' and the LAN (LSD)' : ''}; control socket ${config['seed.socket']}`);

    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    await cleanup();
  }
  log('stopped; state saved');
}
