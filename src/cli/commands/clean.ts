import { loadConfig } from '../../config/load.js';
import { EXIT } from '../../errors.js';
import type { CommandSpec } from '../command.js';
import { oneLine, terminalSafe } from '../../util/terminal-text.js';

export const cleanCommand: CommandSpec = {
  name: 'clean',
  summary: 'stop seeding, and remove from the store, every file that left APT\'s Packages indexes',
  options: [
    { flags: '--dry-run', description: 'only say what would be removed' },
    { flags: '--manifest-gone', description: 'also remove files the current manifest of their source no longer lists' },
    { flags: '-q, --quiet', description: 'say nothing when there is nothing to remove (for the apt-get update hook)' },
  ],
  help: [
    'A file stays while some Packages index in APT\'s lists has its package, version and SHA256 (dpkg\'s',
    'status file does not count). Works whether the seeding daemon runs or not. The apt.conf.d hook runs',
    '`apt-torrent clean --quiet` after every successful `apt-get update`.',
  ].join('\n'),
  async run(context, input) {
    const config = await loadConfig({ env: context.env, file: context.configFile });
    const { clean } = await import('../../seed/clean.js');
    const { cleanReport } = await import('../../seed/format.js');
    const dryRun = input.options.dryRun === true;
    const quiet = input.options.quiet === true;
    const { decision, removed } = await clean({
      config,
      apt: new (await import('../../apt/apt.js')).Apt(context.aptOptions, context.env),
      env: context.env,
      manifestGone: input.options.manifestGone === true,
      dryRun,
      signal: context.signal,
      warn: (message) => context.stderr.write(terminalSafe(`W: ${message}\n`)),
    });
    if (decision.caution) context.stderr.write(terminalSafe(`W: ${decision.caution}\n`));
    const seeded = decision.remove.length + decision.keep.length;
    if (decision.remove.length === 0) {
      if (!quiet) context.stdout.write(seeded === 0 ? 'Nothing is seeded.\n' : `Nothing to clean: the ${seeded} seeded file(s) are all still in the Packages indexes.\n`);
      return EXIT.ok;
    }
    for (const line of cleanReport(decision, removed, dryRun)) context.stdout.write(terminalSafe(`${oneLine(line)}\n`));
    return EXIT.ok;
  },
};
