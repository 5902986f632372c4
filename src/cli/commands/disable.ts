import { loadConfig } from '../../config/load.js';
import { EXIT } from '../../errors.js';
import type { CommandSpec } from '../command.js';

export const disableCommand: CommandSpec = {
  name: 'disable',
  summary: 'switch APT\'s sources back as they were before enable, and remove its apt.conf.d file',
  options: [{ flags: '--dry-run', description: 'show what would change, as a diff, and write nothing' }],
  help: [
    'Each file enable changed gets its saved bytes back. A file edited since enable keeps the edits: only the',
    'torrent+ prefixes enable added are taken off, and disable says so.',
  ].join('\n'),
  async run(context, input) {
    const config = await loadConfig({ env: context.env, file: context.configFile });
    const { disable } = await import('../../switch/disable.js');
    const { disableReport } = await import('../../switch/format.js');
    const dryRun = input.options.dryRun === true;
    const result = await disable({ apt: new (await import('../../apt/apt.js')).Apt(context.aptOptions, context.env), stateDir: config.stateDir, dryRun });
    context.stdout.write(`${disableReport(result, dryRun).join('\n')}\n`);
    return EXIT.ok;
  },
};
