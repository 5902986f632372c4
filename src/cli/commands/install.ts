import type { CommandSpec } from '../command.js';
import { fetchOptions, yesOption } from './shared-options.js';

export const install: CommandSpec = {
  name: 'install',
  summary: 'resolve with APT, fetch and verify every file, then apt-get install',
  operands: '<packages...>',
  completeOperands: 'package',
  options: [yesOption, ...fetchOptions],
  passesAptOptions: true,
  help: 'Other apt-get options (e.g. --no-install-recommends, -t RELEASE) are passed on to apt-get unchanged.',
  async run(context, input) {
    // Loaded on use: `--help` and completion must not pay for got and friends.
    const { aptArgs, fetchForApt } = await import('../fetch-for-apt.js');
    const { apt } = await fetchForApt(context, 'install', input);
    return apt.runAptGet('install', aptArgs(input));
  },
};
