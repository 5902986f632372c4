import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { debuglog } from 'node:util';
import { loadConfig } from '../config/load.js';
import { defaults, type Config } from '../config/schema.js';
import { networkFrom, readLogins } from '../fetch/network.js';
import { readAcquire, mirrorUri, type Acquire } from './acquire.js';
import { findDir, findFile, flagSetting, parseConfiguration, setting, type AptSettings } from './apt-settings.js';
import { Batcher } from './batcher.js';
import { doneHashFields, hashFileAt } from './file-hashes.js';
import type { MethodMessage } from './message.js';
import { formatMessage, type FieldValue } from './message-writer.js';
import { dropPrivileges } from './privileges.js';
import { routeAcquire, type RouteContext } from './route.js';
import { SourceManifests } from './source-manifests.js';
import { runBatch, type BatchAnswers, type BatchEntry, type BatchSettings } from './torrent-batch.js';

const debug = debuglog('apt-torrent');

/** The longest a manifest or a .torrent may take, each attempt (as for the CLI). */
const MANIFEST_TIMEOUT_MS = 10_000;
/** How long the first acquire bound for BitTorrent waits for others to share its client run. */
const BATCH_WINDOW_MS = 100;
/** Client runs at the same time; acquires arriving meanwhile form the next. */
const MAX_BATCHES = 2;
/** apt-torrent's own directory inside APT's archives/partial/. */
export const METHOD_PARTIAL = 'apt-torrent-method';

interface Prepared {
  config: Config;
  route: RouteContext;
  batch: BatchSettings;
  manifests: SourceManifests;
  batcher: Batcher<BatchEntry>;
}

/**
 * One run of the method: APT's configuration, then every acquire answered
 * exactly once — 103 Redirect, 200/201, or 400. Sends through `send`, one
 * whole message at a time.
 */
export class MethodSession {
  private settings: AptSettings = new Map();
  private prepared?: Promise<Prepared>;
  /** Acquires not answered yet, by URI. */
  private readonly open = new Map<string, Acquire>();
  /** URIs that fell back or failed in this run: a retry from APT goes to the mirror at once. */
  private readonly fellBack = new Set<string>();

  constructor(private readonly send: (text: string) => void, private readonly env: NodeJS.ProcessEnv) {}

  handle(message: MethodMessage): void {
    if (message.code === 601) {
      parseConfiguration(message, this.settings);
      this.prepared ??= this.prepare();
    } else if (message.code === 600) {
      const acquire = readAcquire(message);
      if (!acquire) return this.say(101, 'Log', [['Message', 'apt-torrent: an acquire without URI was ignored']]);
      this.open.set(acquire.uri, acquire);
      this.acquire(acquire).catch((error: unknown) => this.fallback(acquire, `apt-torrent: ${(error as Error).message}; fetching it from the mirror`));
    }
  }

  private async acquire(acquire: Acquire): Promise<void> {
    const prepared = await (this.prepared ??= this.prepare());
    const route = routeAcquire(acquire, prepared.route);
    if (route.kind === 'fail') return this.fail(acquire, `apt-torrent: ${route.message}`, false);
    if (route.kind === 'redirect' || this.fellBack.has(acquire.uri)) {
      debug('%s: redirect (%s)', acquire.uri, route.kind === 'redirect' ? route.reason : 'fell back before');
      return this.fallback(acquire);
    }
    const file = await prepared.manifests.match(route.file, route.source);
    if (!file) return this.fallback(acquire);
    prepared.batcher.add({ acquire, mirrorUri: route.to, file });
  }

  /** What needs root first (apt-torrent's config, APT's auth.conf), then the drop to APT's sandbox user. */
  private async prepare(): Promise<Prepared> {
    const settings = this.settings;
    let config: Config;
    try {
      config = await loadConfig({ env: this.env });
    } catch (error) {
      this.warn(`apt-torrent: ${(error as Error).message.split('\n').join('; ')}; every file comes from the mirror`);
      config = { ...defaults(), 'torrent.enabled': false };
    }
    const archivesPartial = `${findDir(settings, 'Dir::Cache::archives', '/var/cache/apt/archives/')}partial/`;
    const lists = findDir(settings, 'Dir::State::lists', '/var/lib/apt/lists/');
    const logins = await readLogins({ netrc: findFile(settings, 'Dir::Etc::netrc', '/etc/apt/auth.conf'), netrcParts: findDir(settings, 'Dir::Etc::netrcparts', '/etc/apt/auth.conf.d/') });
    if (!flagSetting(settings, 'Debug::NoDropPrivs', false)) {
      const dropped = await dropPrivileges(setting(settings, 'APT::Sandbox::User'));
      if (dropped.problem) {
        // Never BitTorrent as root: APT's own method, which sandboxes itself, fetches everything.
        this.warn(`apt-torrent: ${dropped.problem}; every file comes from the mirror`);
        config = { ...config, 'torrent.enabled': false };
      }
    }
    const network = await networkFrom(settings, logins, this.env, config['http.parallel']);
    const partial = join(archivesPartial, METHOD_PARTIAL);
    const batch: BatchSettings = { config, network, archivesPartial, partial };
    const answers: BatchAnswers = {
      start: (entry) => this.say(200, 'URI Start', [['URI', entry.acquire.uri], ['Size', entry.file.size]], entry.acquire.uri),
      done: (entry) => this.done(entry),
      fallback: (entry, warning) => this.fallback(entry.acquire, warning),
      fail: (entry, message, transient) => this.fail(entry.acquire, message, transient),
    };
    return {
      config,
      route: { torrentEnabled: config['torrent.enabled'], archivesPartial, lists },
      batch,
      manifests: new SourceManifests({
        network,
        manifestUrl: config.manifest || undefined,
        keyring: config.manifestKeyring || undefined,
        trackers: config['torrent.trackers'],
        cacheDir: join(partial, 'manifests'),
        torrentDir: join(partial, 'torrents'),
        timeoutMs: Math.min(config['http.timeout'] * 1000, MANIFEST_TIMEOUT_MS),
        warn: (message) => this.warn(`apt-torrent: ${message}`),
      }),
      batcher: new Batcher<BatchEntry>(
        (entries) => runBatch(entries, batch, answers).finally(() => {
          // Whatever happened in the run, no acquire is left without an answer.
          for (const entry of entries) if (this.open.has(entry.acquire.uri)) this.fallback(entry.acquire, `apt-torrent: ${entry.file.cacheName} did not come over BitTorrent; fetching it from the mirror`);
        }),
        { windowMs: BATCH_WINDOW_MS, maxRunning: MAX_BATCHES },
      ),
    };
  }

  /**
   * The file is at its Filename, verified by the download. Check it once
   * more where APT will read it, computing every hash APT expects, and only
   * then tell APT it is done.
   */
  private async done(entry: BatchEntry): Promise<void> {
    const { acquire } = entry;
    let problem: string;
    try {
      const check = await hashFileAt(acquire.filename, acquire.expected.keys());
      const mismatch = [...acquire.expected].find(([type, value]) => check.hashes.has(type) && check.hashes.get(type) !== value);
      if (check.size === acquire.size && !mismatch) {
        return this.say(201, 'URI Done', [['URI', acquire.uri], ['Filename', acquire.filename], ['Size', check.size], ...doneHashFields(check)], acquire.uri);
      }
      problem = mismatch ? `its ${mismatch[0]} at ${acquire.filename} is not the index's` : `it is ${check.size} bytes at ${acquire.filename}, not ${acquire.size}`;
    } catch (error) {
      problem = `it cannot be checked at ${acquire.filename} (${(error as Error).message})`;
    }
    await unlink(acquire.filename).catch(() => {});
    this.fallback(acquire, `apt-torrent: ${entry.file.cacheName} came over BitTorrent but ${problem}; fetching it from the mirror`);
  }

  private fallback(acquire: Acquire, warning?: string): void {
    const to = mirrorUri(acquire.uri);
    if (!to) return this.fail(acquire, `apt-torrent: ${acquire.uri}: not a torrent+http or torrent+https URI`, false);
    if (!this.open.has(acquire.uri)) return;
    this.fellBack.add(acquire.uri);
    if (warning) this.say(104, 'Warning', [['URI', acquire.uri], ['Message', warning]]);
    this.say(103, 'Redirect', [['URI', acquire.uri], ['New-URI', to]], acquire.uri);
  }

  private fail(acquire: Acquire, message: string, transient: boolean): void {
    if (!this.open.has(acquire.uri)) return;
    this.fellBack.add(acquire.uri);
    this.say(400, 'URI Failure', [['URI', acquire.uri], ['Message', message], ['Transient-Failure', transient ? 'true' : undefined]], acquire.uri);
  }

  private warn(message: string): void {
    this.say(104, 'Warning', [['Message', message]]);
  }

  /** Send one message; `closes` names the acquire it answers for good. */
  private say(code: number, text: string, fields: ReadonlyArray<readonly [string, FieldValue]>, closes?: string): void {
    if (closes !== undefined && code !== 200) this.open.delete(closes);
    this.send(formatMessage(code, text, fields));
  }
}
