import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { debuglog } from 'node:util';
import { Apt, type AptVerb } from '../apt/apt.js';
import { lockAptArchives } from '../apt/archive-lock.js';
import { resolvePlan } from '../fetch/resolve.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { DownloadSummary } from '../fetch/download-all.js';
import type { ManifestOutcome } from '../fetch/discover.js';
import type { Network } from '../fetch/network.js';
import type { Plan } from '../fetch/plan.js';
import { httpSettings, torrentSettings } from '../fetch/download-settings.js';
import { acquireLock } from '../util/lock.js';
import type { CommandInput, Context } from './command.js';
import { createProgressDisplay, progressMode } from './progress.js';
import { terminalSafe } from '../util/terminal-text.js';
import { aptArgs, configFlags } from './run-flags.js';

export { aptArgs, configFlags };

/** NODE_DEBUG=apt-torrent: where the time goes, in ms since the process started. */
const debug = debuglog('apt-torrent');
const at = (step: string) => debug('%s at %d ms', step, Math.round(performance.now()));

/** The longest a manifest (and its signature) may take, each attempt. */
const MANIFEST_TIMEOUT_MS = 10_000;

export interface FetchResult {
  apt: Apt;
  config: Config;
  plan: Plan;
  summary?: DownloadSummary;
}

/**
 * Resolve with APT, then route to BitTorrent what a manifest lists, as far
 * as trust and proxies allow. Manifest trouble is a warning (`warn`), never
 * a failure: the files come over HTTP. What the policy keeps on HTTP is one
 * notice per manifest or source (`notice`).
 */
export async function planFetch(context: Context, verb: AptVerb, input: CommandInput, warn: (message: string) => void, notice: (message: string) => void = () => {}) {
  const config = await loadConfig({ env: context.env, file: context.configFile, flags: configFlags(input.options) });
  const apt = new Apt(context.aptOptions, context.env);
  // APT answers from other processes; meanwhile this one loads the HTTP stack (got is ~70 ms of start-up).
  const networkModule = import('../fetch/network.js');
  const directories = apt.directories();
  directories.catch(() => {});
  at('config loaded');
  const resolved = await resolvePlan(apt, verb, aptArgs(input));
  at('resolved');
  const wanted = resolved.files.filter((file) => file.route === 'http');
  const [{ aptNetwork }, dirs] = await Promise.all([networkModule, directories]);
  const network = await aptNetwork(apt, dirs, context.env, config['http.parallel']);
  at('network ready');
  let files = resolved.files;
  const outcomes: ManifestOutcome[] = [];
  if (config['torrent.enabled'] && wanted.length > 0) {
    const [{ discoverManifests }, { assignTorrents }, { heldNotices }] = await Promise.all([
      import('../fetch/discover.js'), import('../fetch/assign-torrents.js'), import('../fetch/held-notices.js'),
    ]);
    const manifests = await discoverManifests(resolved.sources, {
      network,
      manifestUrl: config.manifest || undefined,
      keyring: config.manifestKeyring || undefined,
      cacheDir: join(config.stateDir, 'manifests'),
      // A manifest only saves time: a slow one must not cost more than it can save.
      timeoutMs: Math.min(config['http.timeout'] * 1000, MANIFEST_TIMEOUT_MS),
      signal: context.signal,
      warn,
      report: (outcome) => outcomes.push(outcome),
    });
    const notices = heldNotices(network);
    files = assignTorrents(files, manifests, config['torrent.trackers'], {
      untrusted: config['torrent.untrustedManifests'],
      proxied: (file) => config['torrent.withProxy'] === 'off' && network.proxyFor(file.uri) !== undefined,
      held: notices.held,
    });
    for (const message of notices.messages()) notice(message);
    at('manifests checked');
  }
  const { reportSources } = await import('../fetch/source-report.js');
  const sources = reportSources(resolved.sources, outcomes, {
    enabled: config['torrent.enabled'],
    untrusted: config['torrent.untrustedManifests'],
    ownTrackers: config['torrent.trackers'],
    withProxy: config['torrent.withProxy'],
    proxyFor: (uri) => network.proxyFor(uri),
  });
  return { apt, config, dirs, network, plan: { files, refused: resolved.refused } as Plan, sources };
}

/**
 * The part every fetching command shares: plan, take the lock, download and
 * verify into APT's archive cache with progress, release. A command that
 * hands the files to the seeding daemon afterwards (`handsOver`) gets them
 * still served (summary.serving): its to stop, after the handover.
 */
export async function fetchForApt(context: Context, verb: AptVerb, input: CommandInput, options: { handsOver?: boolean } = {}): Promise<FetchResult> {
  const quiet = input.options.quiet === true;
  const early: string[] = [];
  const downloadModule = import('../fetch/download-all.js');
  const { apt, config, dirs, network, plan } = await planFetch(context, verb, input, (message) => early.push(`W: ${message}`), (message) => early.push(`N: ${message}`));
  if (!quiet) for (const message of early) context.stderr.write(terminalSafe(`${message}\n`));
  let wanted = plan.files.filter((file) => file.route !== 'apt');
  if (wanted.length === 0) return { apt, config, plan };

  const { downloadAll } = await downloadModule;
  if (config['torrent.scrape'] && wanted.some((file) => file.route === 'torrent')) {
    const { routeEmptySwarms } = await import('../fetch/swarm-probe.js');
    wanted = await routeEmptySwarms(wanted, network, 2000, (infoHash) => existsSync(join(dirs.partial, 'apt-torrent', infoHash)));
  }
  const lock = await acquireLock(join(dirs.archives, 'apt-torrent.lock'), `apt-torrent ${verb} ${input.args.join(' ')}`.trim());
  // APT's own lock as well, which apt-get holds while it downloads: the two never write into the cache at once.
  const aptLock = await lockAptArchives(dirs.archives).catch(async (error: unknown) => {
    await lock.release();
    throw error;
  });
  const display = await createProgressDisplay(progressMode(context.stderr, quiet), context.stderr, wanted.reduce((sum, file) => sum + file.size, 0), wanted.length);
  let summary: DownloadSummary | undefined;
  at('downloads start');
  try {
    summary = await downloadAll(wanted, {
      parallel: config['http.parallel'],
      archives: dirs.archives,
      partial: dirs.partial,
      events: display,
      network,
      http: httpSettings(config, network, context.signal),
      torrent: torrentSettings(config),
      // Files handed to the seeding daemon later stay served until it has them announced.
      keepServing: options.handsOver === true && config['seed.enabled'] && input.options.seed !== false,
    });
  } finally {
    at('downloads done');
    display.finish(summary);
    await aptLock.release();
    await lock.release();
  }
  return { apt, config, plan, summary };
}
