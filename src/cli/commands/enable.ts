import { loadConfig } from '../../config/load.js';
import { EXIT } from '../../errors.js';
import type { CommandSpec } from '../command.js';

export const enableCommand: CommandSpec = {
  name: 'enable',
  summary: 'switch the http and https deb sources APT reads to the torrent+http(s) method',
  options: [{ flags: '--dry-run', description: 'show what would change, as a diff, and write nothing' }],
  help: [
    'Rewrites http:// and https:// to torrent+http:// and torrent+https:// in the URIs of the one-line .list files',
    'and deb822 .sources files APT reads (Dir::Etc::SourceList, Dir::Etc::SourceParts), changing no other byte, and',
    'writes 50apt-torrent-method in apt.conf.d so APT finds the method. A deb-src line goes with the deb lines of its',
    'repository (APT reads them as one); a repository with a tor+, mirror+, file:, cdrom:... line, disabled stanzas',
    'and unreadable lines are named and left alone. The files as they were are kept in stateDir for `apt-torrent disable`.',
  ].join('\n'),
  async run(context, input) {
    const config = await loadConfig({ env: context.env, file: context.configFile });
    const { enable } = await import('../../switch/enable.js');
    const { enableReport } = await import('../../switch/format.js');
    const dryRun = input.options.dryRun === true;
    const result = await enable({
      apt: new (await import('../../apt/apt.js')).Apt(context.aptOptions, context.env),
      env: context.env,
      stateDir: config.stateDir,
      parallel: config['http.parallel'],
      dryRun,
    });
    context.stdout.write(`${enableReport(result, dryRun).join('\n')}\n`);
    return EXIT.ok;
  },
};
