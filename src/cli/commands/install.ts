import type { CommandSpec } from '../command.js';
import { fetchOptions, yesOption } from './shared-options.js';

export const install: CommandSpec = {
  name: 'install',
  summary: 'resolve with APT, fetch and verify every file, then apt-get install',
  operands: '<packages...>',
  completeOperands: 'package',
  options: [yesOption, ...fetchOptions, { flags: '--no-seed', description: 'do not hand the files that came by torrent to the seeder' }],
  passesAptOptions: true,
  help: 'Other apt-get options (e.g. --no-install-recommends, -t RELEASE) are passed on to apt-get unchanged.',
  async run(context, input) {
    // Loaded on use: `--help` and completion must not pay for got and friends.
    const { aptArgs, fetchForApt } = await import('../fetch-for-apt.js');
    const { apt, config, summary } = await fetchForApt(context, 'install', input);
    const status = await apt.runAptGet('install', aptArgs(input));
    if (status === 0 && input.options.seed !== false && summary && summary.torrents.length > 0) {
      const { handOver, notifySeeder } = await import('../../seed/handover.js');
      const recorded = await handOver(summary.torrents, config.stateDir, (message) => context.stderr.write(`W: ${message}\n`));
      // The seeder takes the recorded files now if it runs, else at its next start.
      if (recorded > 0 && config['seed.enabled']) await notifySeeder(config['seed.socket'], recorded, (message) => context.stderr.write(`N: ${message}\n`));
    }
    return status;
  },
};
