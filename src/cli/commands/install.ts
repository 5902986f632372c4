import type { CommandSpec } from '../command.js';
import type { MethodRunSpec } from '../method-run.js';
import { fetchOptions, noSeedOption, prefetchOption, yesOption } from './shared-options.js';

export const install: CommandSpec = {
  name: 'install',
  summary: 'apt-get install, with the files a manifest lists fetched over BitTorrent (through the torrent+http method)',
  operands: '<packages...>',
  completeOperands: 'package',
  options: [yesOption, ...fetchOptions, noSeedOption, prefetchOption],
  passesAptOptions: true,
  help: 'Runs apt-get install once, with apt-torrent\'s APT method plugged in for that run (the system\'s sources stay as they are). '
    + 'Other apt-get options (e.g. --no-install-recommends, -t RELEASE) are passed on to apt-get unchanged; its exit status is apt-torrent\'s.',
  async run(context, input) {
    // Loaded on use: `--help` and completion must not pay for the rest.
    const spec: MethodRunSpec = { verb: 'install', downloadOnly: false, seed: input.options.seed !== false };
    if (input.options.prefetch === true) return (await import('../prefetch-run.js')).runPrefetched(context, input, spec);
    return (await import('../method-run.js')).runThroughMethod(context, input, spec);
  },
};
