import type { Config } from '../../config/schema.js';
import type { DownloadSummary } from '../../fetch/download-all.js';
import type { Context, OptionSpec } from '../command.js';
import { terminalSafe } from '../../util/terminal-text.js';

/** Options of every command that downloads. */
export const fetchOptions: OptionSpec[] = [
  { flags: '-q, --quiet', description: 'no progress output, only errors and the outcome' },
  { flags: '--parallel <n>', description: 'files downloaded at the same time over HTTP (config http.parallel, default 16)', config: 'http.parallel' },
  ...routeOptions(),
];

/** Options that decide how files come, shared with `plan`. */
export function routeOptions(): OptionSpec[] {
  return [
    { flags: '--manifest <url>', description: 'use this manifest (http, https or file URL) for every source instead of discovering one per source (config manifest)', config: 'manifest' },
    { flags: '--no-torrent', description: 'fetch everything over HTTP, ignoring manifests (config torrent.enabled)', config: 'torrent.enabled' },
  ];
}

export const noSeedOption: OptionSpec = { flags: '--no-seed', description: 'do not hand the files that came by torrent to the seeder' };

export const yesOption: OptionSpec = { flags: '-y, --yes', description: 'answer yes to apt-get\'s questions (passed on as -y)' };

/**
 * After a successful apt-get run: record the verified manifest files for the
 * seeder, and tell a running daemon to take them now (else it takes them at
 * its next start). Loaded on use, like everything past argument parsing.
 */
export async function handOverAfterInstall(context: Context, config: Config, summary: DownloadSummary | undefined): Promise<void> {
  // Seeding is opt-in: with it off, nothing is even recorded for later.
  if (!summary || summary.torrents.length === 0 || !config['seed.enabled']) return;
  const { handOver, notifySeeder, waitUntilSeeded } = await import('../../seed/handover.js');
  const recorded = await handOver(summary.torrents, config.stateDir, (message) => context.stderr.write(terminalSafe(`W: ${message}\n`)));
  if (recorded > 0) await notifySeeder(config['seed.socket'], recorded, (message) => context.stderr.write(terminalSafe(`N: ${message}\n`)));
  // The files are still served from here (summary.serving) until the daemon has them announced: no gap for peers.
  if (recorded > 0 && summary.serving) await waitUntilSeeded(config['seed.socket'], summary.torrents.map((torrent) => torrent.infoHash));
}
