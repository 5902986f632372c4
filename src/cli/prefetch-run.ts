import type { Config } from '../config/schema.js';
import type { DownloadSummary } from '../fetch/download-all.js';
import { terminalSafe } from '../util/terminal-text.js';
import type { CommandInput, Context } from './command.js';
import { fetchForApt } from './fetch-for-apt.js';
import type { MethodRunSpec } from './method-run.js';
import { aptArgs } from './run-flags.js';

/**
 * `--prefetch`: the two-pass way, from before the APT method. APT resolves
 * (`--print-uris`), apt-torrent's own client fetches and verifies every file
 * into APT's archive cache (its progress lines, parallel HTTP connections
 * instead of APT's one pipelined connection, resuming in
 * partial/apt-torrent/), then apt-get runs and finds nothing left to fetch.
 * It costs a second resolve; it needs no method APT can run.
 */
export async function runPrefetched(context: Context, input: CommandInput, spec: MethodRunSpec): Promise<number> {
  const { apt, config, plan, summary } = await fetchForApt(context, spec.verb, input, { handsOver: !spec.downloadOnly });
  if (spec.downloadOnly) {
    if (!summary && input.options.quiet !== true) {
      context.stderr.write(plan.files.length === 0 ? 'Nothing to fetch: APT has every file it needs.\n' : 'Nothing to fetch over HTTP.\n');
    }
    return 0;
  }
  try {
    const status = await apt.runAptGet(spec.verb, aptArgs(input));
    if (status === 0 && spec.seed) await handOverAfterInstall(context, config, summary);
    return status;
  } finally {
    // Served until the daemon announced them (handOverAfterInstall waits for that), or the install failed.
    await summary?.serving?.stop();
  }
}

/**
 * After a successful apt-get run: record the verified manifest files for the
 * seeder, and tell a running daemon to take them now (else it takes them at
 * its next start).
 */
async function handOverAfterInstall(context: Context, config: Config, summary: DownloadSummary | undefined): Promise<void> {
  // Seeding is opt-in: with it off, nothing is even recorded for later.
  if (!summary || summary.torrents.length === 0 || !config['seed.enabled']) return;
  const { handOver, notifySeeder, waitUntilSeeded } = await import('../seed/handover.js');
  const recorded = await handOver(summary.torrents, config.stateDir, (message) => context.stderr.write(terminalSafe(`W: ${message}\n`)));
  if (recorded > 0) await notifySeeder(config['seed.socket'], recorded, (message) => context.stderr.write(terminalSafe(`N: ${message}\n`)));
  // The files are still served from here (summary.serving) until the daemon has them announced: no gap for peers.
  if (recorded > 0 && summary.serving) await waitUntilSeeded(config['seed.socket'], summary.torrents.map((torrent) => torrent.infoHash));
}
