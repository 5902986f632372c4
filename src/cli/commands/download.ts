import type { CommandSpec } from '../command.js';
import { fetchOptions } from './shared-options.js';

export const download: CommandSpec = {
  name: 'download',
  summary: 'fetch and verify into APT\'s archive cache only, like apt-get install --download-only',
  operands: '<packages...>',
  completeOperands: 'package',
  options: [...fetchOptions],
  passesAptOptions: true,
  async run(context, input) {
    const { fetchForApt } = await import('../fetch-for-apt.js');
    const { plan, summary } = await fetchForApt(context, 'install', input);
    if (!summary && input.options.quiet !== true) {
      context.stderr.write(plan.files.length === 0 ? 'Nothing to fetch: APT has every file it needs.\n' : 'Nothing to fetch over HTTP.\n');
    }
    return 0;
  },
};
