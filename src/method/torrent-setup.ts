import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { loadConfig } from '../config/load.js';
import { choicesToFlags, type RunChoices } from '../config/method-options.js';
import { defaults, type Config } from '../config/schema.js';
import { HeadStart } from '../fetch/head-start.js';
import { networkFrom, readLogins } from '../fetch/network.js';
import { findDir, findFile, flagSetting, setting, type AptSettings } from './apt-settings.js';
import { Batcher } from './batcher.js';
import { makeOwnDir } from './own-dir.js';
import { becomeUser, sandboxUser } from './privileges.js';
import { isSandboxChild, readHanded, seedRecorder, type Handed } from './sandbox-child.js';
import { reportDescriptor } from './run-report.js';
import { continueAsUser } from './sandbox-parent.js';
import type { HandedFile } from './seed-handoff.js';
import { proxyAutoDetectCommand } from '../apt/proxy.js';
import { SourceManifests } from './source-manifests.js';
import type { BatchAnswers, BatchEntry, BatchSettings } from './torrent-batch.js';

/** The longest a manifest or a .torrent may take, each attempt (as for the CLI). */
const MANIFEST_TIMEOUT_MS = 10_000;
/** How long the first acquire bound for BitTorrent waits for others to share its client run. */
const BATCH_WINDOW_MS = 100;
/** Client runs at the same time (one when torrent.port names a fixed port: two clients cannot both listen on it). */
const MAX_BATCHES = 2;
/** apt-torrent's own directory for partial data, under APT's Dir::Cache. */
export const OWN_DIR = 'apt-torrent-partial';

export interface TorrentSetup {
  /** False when the config says so, or when it could not be read or privileges not dropped: every file goes to the mirror. */
  enabled: boolean;
  manifests: Pick<SourceManifests, 'match'>;
  batcher: Pick<Batcher<BatchEntry>, 'add'>;
  /** Files answered 201 go here when `seed.enabled`: to the seeding daemon once the run is over. */
  seeding?: { record(handed: HandedFile): void };
}

/**
 * Everything the BitTorrent path needs, made once per run on the first
 * package that may take it (a run that only redirects, such as
 * `apt-get update`, never loads it): first what needs root (apt-torrent's
 * config, APT's auth.conf files, its own partial directory), then the drop to APT's sandbox user, then
 * the network as APT would use it, the manifests and the batches.
 */
export async function prepareTorrents(
  settings: AptSettings,
  env: NodeJS.ProcessEnv,
  choices: RunChoices,
  hooks: { warn(message: string): void; answers: BatchAnswers; unanswered(entry: BatchEntry): void },
): Promise<TorrentSetup> {
  // The half started as the sandbox user by a root half (sandbox-parent.ts) gets what root read from it.
  let handed: Handed | undefined;
  let config: Config;
  try {
    // The half started as the sandbox user by a root half (sandbox-parent.ts) gets what root read from it.
    if (isSandboxChild()) handed = await readHanded();
    // An apt-torrent command's own run brings its command line (--no-seed, --manifest, --config…).
    config = handed?.config ?? (await loadConfig({ env, ...(choices.configFile ? { file: choices.configFile } : {}), flags: choicesToFlags(choices) }));
  } catch (error) {
    hooks.warn(`apt-torrent: ${(error as Error).message.split('\n').join('; ')}; every file comes from the mirror`);
    config = { ...defaults(), 'torrent.enabled': false };
  }
  const archivesPartial = `${findDir(settings, 'Dir::Cache::archives', '/var/cache/apt/archives/')}partial/`;
  const partial = `${findDir(settings, 'Dir::Cache', '/var/cache/apt/')}${OWN_DIR}`;
  const logins = handed?.logins ?? await readLogins({ netrc: findFile(settings, 'Dir::Etc::netrc', '/etc/apt/auth.conf'), netrcParts: findDir(settings, 'Dir::Etc::netrcparts', '/etc/apt/auth.conf.d/') });
  const drop = flagSetting(settings, 'Debug::NoDropPrivs', false) ? {} : await sandboxUser(setting(settings, 'APT::Sandbox::User'));
  if (config['torrent.enabled'] && !drop.problem) {
    try {
      await makeOwnDir(partial, drop.user);
    } catch (error) {
      hooks.warn(`apt-torrent: cannot make ${partial} (${(error as Error).message}); every file comes from the mirror`);
      config = { ...config, 'torrent.enabled': false };
    }
  }
  // Started while still root: the sandbox user can reach neither the state directory nor the daemon.
  const seeding: { record(handed: HandedFile): void; input?: Writable } | undefined = handed ? (handed.seeding ? seedRecorder() : undefined)
    : config['torrent.enabled'] && config['seed.enabled'] && !drop.problem ? (await import('./seed-handoff.js')).startSeedAgent({
      stateDir: config.stateDir,
      socket: config['seed.socket'],
      archives: findDir(settings, 'Dir::Cache::archives', '/var/cache/apt/archives/'),
      // The bridge runs as the user the method's BitTorrent client runs as.
      bridge: { ...(drop.user ? { user: { uid: drop.user.uid, gid: drop.user.gid } } : {}), uploadLimit: config['seed.uploadLimit'], maxPeers: config['seed.maxPeers'], pauseOnBattery: config['seed.pauseOnBattery'], pauseOnMetered: config['seed.pauseOnMetered'] },
    })
    : undefined;
  const dropped = drop.problem ? { problem: drop.problem, blocked: false } : drop.user ? becomeUser(drop.user) : undefined;
  if (dropped?.blocked && drop.user && config['torrent.enabled']) {
    // This node cannot change its ids: the run goes on in a child started as the user, this process relaying for it.
    const child = continueAsUser({
      user: drop.user,
      settings,
      env,
      handed: { config, logins },
      ...(seeding?.input ? { seedInput: seeding.input } : {}),
      reportFd: reportDescriptor(choices.reportFd),
      fallback: hooks.answers.fallback,
    });
    // The child matches each file against the manifests itself; a file it finds none for, it redirects.
    return { enabled: true, manifests: { match: async (file) => file }, batcher: { add: (entry) => child.forward(entry) } };
  }
  const problem = dropped?.problem;
  if (problem) {
    // Never BitTorrent as root: APT's own method, which sandboxes itself, fetches everything.
    hooks.warn(`apt-torrent: ${problem}; every file comes from the mirror`);
    config = { ...config, 'torrent.enabled': false };
  }
  const network = await networkFrom(settings, logins, env, config['http.parallel']);
  const batch: BatchSettings = { config, network, archivesPartial, partial };
  const batcher = new Batcher<BatchEntry>(
    // Whatever happened in the run, no acquire is left without an answer. The download code (got,
    // then webtorrent) is loaded only here: a run whose files no manifest lists never needs it.
    (entries) => loadBatch().then(({ runBatch }) => runBatch(entries, batch, hooks.answers)).finally(() => entries.forEach(hooks.unanswered)),
    { windowMs: BATCH_WINDOW_MS, maxRunning: config['torrent.port'] === 0 ? MAX_BATCHES : 1 },
  );
  let warming = false;
  return {
    enabled: config['torrent.enabled'],
    ...(seeding ? { seeding } : {}),
    manifests: new SourceManifests({
      network,
      manifestUrl: config.manifest || undefined,
      keyring: config.manifestKeyring || undefined,
      trackers: config['torrent.trackers'],
      policy: {
        untrusted: config['torrent.untrustedManifests'],
        // A proxy APT finds by running a command (auto-apt-proxy, squid-deb-proxy-client) counts as one: which it
        // is, only APT's http method learns, when it fetches the file this method redirects to it.
        proxied: (file) => config['torrent.withProxy'] === 'off' && (network.proxyFor(file.uri) !== undefined || proxyAutoDetectCommand(file.uri, settings) !== undefined),
      },
      cacheDir: join(partial, 'manifests'),
      torrentDir: join(partial, 'torrents'),
      timeoutMs: Math.min(config['http.timeout'] * 1000, MANIFEST_TIMEOUT_MS),
      warn: (message) => hooks.warn(`apt-torrent: ${message}`),
    }),
    batcher: {
      add(entry) {
        // The first file bound for BitTorrent waits BATCH_WINDOW_MS for company: time to load the download code meanwhile.
        if (!warming) warmUp();
        warming = true;
        batcher.add(entry);
      },
    },
  };
}

let batchModule: Promise<typeof import('./torrent-batch.js')> | undefined;
const loadBatch = () => (batchModule ??= import('./torrent-batch.js'));

/**
 * Load the batch's code, and start the head start's thread, ahead of the
 * first batch. A failure here is not reported: the batch meets it again,
 * and answers for it.
 */
function warmUp(): void {
  // First, before this thread is busy loading: the head start's thread loads beside it. webtorrent
  // is not loaded here: its 300 ms of module code would hold up the head starts (see download-all.ts).
  HeadStart.prewarm();
  loadBatch().catch(() => {});
}
