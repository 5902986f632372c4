import type { AptVerb } from '../../apt/apt.js';
import type { CommandSpec } from '../command.js';
import type { MethodRunSpec } from '../method-run.js';
import { fetchOptions, noSeedOption, prefetchOption, yesOption } from './shared-options.js';

function upgradeCommand(name: string, verb: AptVerb, summary: string): CommandSpec {
  return {
    name,
    summary,
    options: [yesOption, ...fetchOptions, noSeedOption, prefetchOption],
    passesAptOptions: true,
    help: `Runs \`apt-get ${verb}\` once, with apt-torrent's APT method plugged in for that run; its exit status is apt-torrent's.`,
    async run(context, input) {
      const spec: MethodRunSpec = { verb, downloadOnly: false, seed: input.options.seed !== false };
      if (input.options.prefetch === true) return (await import('../prefetch-run.js')).runPrefetched(context, input, spec);
      return (await import('../method-run.js')).runThroughMethod(context, input, spec);
    },
  };
}

export const upgrade = upgradeCommand('upgrade', 'upgrade', '`apt-get upgrade`, with the files a manifest lists fetched over BitTorrent');
export const fullUpgrade = upgradeCommand('full-upgrade', 'dist-upgrade', '`apt-get dist-upgrade`, with the files a manifest lists fetched over BitTorrent');
