import type { CommandSpec } from '../command.js';
import { fetchOptions, handOverAfterInstall, noSeedOption, yesOption } from './shared-options.js';

export const install: CommandSpec = {
  name: 'install',
  summary: 'resolve with APT, fetch and verify every file, then apt-get install',
  operands: '<packages...>',
  completeOperands: 'package',
  options: [yesOption, ...fetchOptions, noSeedOption],
  passesAptOptions: true,
  help: 'Other apt-get options (e.g. --no-install-recommends, -t RELEASE) are passed on to apt-get unchanged.',
  async run(context, input) {
    // Loaded on use: `--help` and completion must not pay for got and friends.
    const { aptArgs, fetchForApt } = await import('../fetch-for-apt.js');
    const { apt, config, summary } = await fetchForApt(context, 'install', input, { handsOver: true });
    try {
      const status = await apt.runAptGet('install', aptArgs(input));
      if (status === 0 && input.options.seed !== false) await handOverAfterInstall(context, config, summary);
      return status;
    } finally {
      // Served until the daemon announced them (handOverAfterInstall waits for that), or the install failed.
      await summary?.serving?.stop();
    }
  },
};
