import type { CommandSpec } from '../command.js';
import type { MethodRunSpec } from '../method-run.js';
import { fetchOptions, prefetchOption } from './shared-options.js';

export const download: CommandSpec = {
  name: 'download',
  summary: 'apt-get install --download-only: fetch and verify into APT\'s archive cache only',
  operands: '<packages...>',
  completeOperands: 'package',
  options: [...fetchOptions, prefetchOption],
  passesAptOptions: true,
  help: 'Runs `apt-get install --download-only` once, with apt-torrent\'s APT method plugged in for that run. Files fetched this way are not handed to the seeder.',
  async run(context, input) {
    const spec: MethodRunSpec = { verb: 'install', downloadOnly: true, seed: false };
    if (input.options.prefetch === true) return (await import('../prefetch-run.js')).runPrefetched(context, input, spec);
    return (await import('../method-run.js')).runThroughMethod(context, input, spec);
  },
};
