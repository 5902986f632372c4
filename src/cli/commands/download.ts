import type { CommandSpec } from '../command.js';
import { fetchOptions } from './shared-options.js';

export const download: CommandSpec = {
  name: 'download',
  summary: 'apt-get install --download-only: fetch and verify into APT\'s archive cache only',
  operands: '<packages...>',
  completeOperands: 'package',
  options: [...fetchOptions],
  passesAptOptions: true,
  help: 'Runs `apt-get install --download-only` once, with apt-torrent\'s APT method plugged in for that run. Files fetched this way are not handed to the seeder.',
  async run(context, input) {
    const { runThroughMethod } = await import('../method-run.js');
    return runThroughMethod(context, input, { verb: 'install', downloadOnly: true, seed: false });
  },
};
