import { join } from 'node:path';
import { Apt, type AptVerb } from '../apt/apt.js';
import { resolvePlan } from '../apt/resolve.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { DownloadSummary } from '../fetch/download-all.js';
import type { Plan } from '../fetch/plan.js';
import { acquireLock } from '../util/lock.js';
import type { CommandInput, Context } from './command.js';
import { createProgressDisplay, progressMode } from './progress.js';

/** Config keys set by flags of the fetching commands. */
export function configFlags(options: Record<string, unknown>): Record<string, unknown> {
  return options.parallel === undefined ? {} : { 'http.parallel': options.parallel };
}

export interface FetchResult {
  apt: Apt;
  config: Config;
  plan: Plan;
  summary?: DownloadSummary;
}

/**
 * The part every fetching command shares: resolve with APT, take the lock,
 * download and verify into APT's archive cache with progress, release.
 */
export async function fetchForApt(context: Context, verb: AptVerb, input: CommandInput): Promise<FetchResult> {
  const config = await loadConfig({ env: context.env, file: context.configFile, flags: configFlags(input.options) });
  const apt = new Apt(context.aptOptions, context.env);
  // APT answers from other processes; meanwhile this one loads the HTTP stack (got is ~70 ms of start-up).
  const fetchModules = Promise.all([import('../fetch/download-all.js'), import('../fetch/network.js')]);
  const directories = apt.directories();
  directories.catch(() => {});
  const plan = await resolvePlan(apt, verb, aptArgs(input));
  const wanted = plan.files.filter((file) => file.route === 'http');
  if (wanted.length === 0) return { apt, config, plan };

  const [[{ downloadAll }, { aptNetwork }], dirs] = await Promise.all([fetchModules, directories]);
  const network = await aptNetwork(apt, dirs, context.env, config['http.parallel'], wanted.map((file) => file.uri));
  const lock = await acquireLock(join(dirs.archives, 'apt-torrent.lock'), `apt-torrent ${verb} ${input.args.join(' ')}`.trim());
  const display = await createProgressDisplay(
    progressMode(context.stderr, input.options.quiet === true),
    context.stderr,
    wanted.reduce((sum, file) => sum + file.size, 0),
    wanted.length,
  );
  let summary: DownloadSummary | undefined;
  try {
    summary = await downloadAll(wanted, {
      parallel: config['http.parallel'],
      archives: dirs.archives,
      partial: dirs.partial,
      events: display,
      http: {
        retries: config['http.retries'],
        timeoutMs: config['http.timeout'] * 1000,
        lowSpeed: { bytesPerSecond: config['http.lowSpeedLimit'], seconds: config['http.lowSpeedTime'] },
        agentsFor: network.agentsFor,
        headersFor: network.headersFor,
        signal: context.signal,
      },
    });
  } finally {
    display.finish(summary);
    await lock.release();
  }
  return { apt, config, plan, summary };
}

/** The arguments for apt-get: operands and pass-through options, plus -y when given. */
export function aptArgs(input: CommandInput): string[] {
  return [...(input.options.yes === true ? ['-y'] : []), ...input.args];
}
