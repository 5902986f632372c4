/**
 * `apt-torrent clean`: read the store and APT's Packages indexes, decide
 * (clean-policy.ts), then remove — through the daemon when it runs (it must
 * stop seeding first), else directly under the seed lock.
 */
import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { Apt } from '../apt/apt.js';
import type { Config } from '../config/schema.js';
import { AptTorrentError } from '../errors.js';
import { acquireLock } from '../util/lock.js';
import { decideClean, manifestVerdict, type CleanDecision, type ManifestVerdict } from './clean-policy.js';
import { sendRequest } from './control-client.js';
import type { SeedFacts } from './entry.js';
import { indexedKeys } from './index-lookup.js';
import type { RemovedView } from './protocol.js';
import { readStore, removeFromStore, seedLockPath, storeDir } from './store.js';

export interface CleanOptions {
  config: Config;
  apt: Apt;
  env: NodeJS.ProcessEnv;
  manifestGone: boolean;
  dryRun: boolean;
  warn(message: string): void;
  signal?: AbortSignal;
}

export interface CleanOutcome {
  decision: CleanDecision;
  removed: RemovedView[];
}

export async function clean(options: CleanOptions): Promise<CleanOutcome> {
  const store = storeDir(options.config.stateDir);
  try {
    await access(store, constants.R_OK | constants.X_OK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { decision: { remove: [], keep: [] }, removed: [] };
    throw new AptTorrentError('E_SEED_DENIED', `cannot read the seeding store ${store}: ${(error as Error).message}`, { hint: 'run clean as root (sudo)', cause: error });
  }
  const { entries } = await readStore(store, { tidy: false });
  if (entries.length === 0) return { decision: { remove: [], keep: [] }, removed: [] };

  const { keys, indexesRead } = await indexedKeys(options.apt, new Set(entries.map((entry) => entry.sha256)));
  const manifests = options.manifestGone ? await readManifestVerdicts(entries, options) : undefined;
  const decision = decideClean({ entries, indexed: keys, indexesRead, manifests });
  if (options.dryRun || decision.remove.length === 0) return { decision, removed: [] };
  return { decision, removed: await removeAll(decision.remove.map((item) => item.facts), options.config, store) };
}

async function removeAll(doomed: readonly SeedFacts[], config: Config, store: string): Promise<RemovedView[]> {
  const infoHashes = doomed.map((facts) => facts.infoHash);
  try {
    const response = await sendRequest(config['seed.socket'], { cmd: 'remove', infoHashes });
    return response.removed ?? [];
  } catch (error) {
    if ((error as AptTorrentError).code !== 'E_NOT_RUNNING') throw error;
  }
  // No daemon: remove under its lock, so one starting meanwhile waits its turn rather than seeding half-removed files.
  const lock = await acquireLock(seedLockPath(config.stateDir), 'apt-torrent clean');
  try {
    const removed: RemovedView[] = [];
    for (const facts of doomed) {
      const freed = await removeFromStore(store, facts);
      removed.push({ package: facts.package, version: facts.version, infoHash: facts.infoHash, size: facts.size, freed });
    }
    return removed;
  } finally {
    await lock.release();
  }
}

/**
 * The current manifests of the sources the seeded files came from, read as
 * install reads them (discovery, Release hash, keyring). A source whose
 * manifest cannot be read says nothing: its files are kept.
 */
async function readManifestVerdicts(entries: readonly SeedFacts[], options: CleanOptions): Promise<Map<string, ManifestVerdict>> {
  const [{ aptNetwork }, { discoverManifests }] = await Promise.all([import('../fetch/network.js'), import('../fetch/discover.js')]);
  const dirs = await options.apt.directories();
  const network = await aptNetwork(options.apt, dirs, options.env, 4);
  const wanted = new Set(entries.map((entry) => `${entry.repoUri}\0${entry.release}`));
  const sources = new Map<string, { repoUri: string; release: string; releaseFiles: string[] }>();
  for (const target of await options.apt.packagesIndexes()) {
    const key = `${target.repoUri}\0${target.release}`;
    if (wanted.has(key) && !sources.has(key)) sources.set(key, { repoUri: target.repoUri, release: target.release, releaseFiles: target.releaseFiles });
  }
  const manifests = await discoverManifests([...sources.values()], {
    network,
    manifestUrl: options.config.manifest || undefined,
    keyring: options.config.manifestKeyring || undefined,
    cacheDir: join(options.config.stateDir, 'manifests'),
    timeoutMs: options.config['http.timeout'] * 1000,
    signal: options.signal,
    warn: options.warn,
  });
  return new Map(entries.map((facts) => [facts.infoHash, manifestVerdict(facts, manifests)]));
}
