import type { AptVerb } from '../../apt/apt.js';
import type { CommandSpec } from '../command.js';
import { fetchOptions, noSeedOption, yesOption } from './shared-options.js';

function upgradeCommand(name: string, verb: AptVerb, summary: string): CommandSpec {
  return {
    name,
    summary,
    options: [yesOption, ...fetchOptions, noSeedOption],
    passesAptOptions: true,
    help: `Runs \`apt-get ${verb}\` once, with apt-torrent's APT method plugged in for that run; its exit status is apt-torrent's.`,
    async run(context, input) {
      const { runThroughMethod } = await import('../method-run.js');
      return runThroughMethod(context, input, { verb, downloadOnly: false, seed: input.options.seed !== false });
    },
  };
}

export const upgrade = upgradeCommand('upgrade', 'upgrade', '`apt-get upgrade`, with the files a manifest lists fetched over BitTorrent');
export const fullUpgrade = upgradeCommand('full-upgrade', 'dist-upgrade', '`apt-get dist-upgrade`, with the files a manifest lists fetched over BitTorrent');
