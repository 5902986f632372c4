import type { AptVerb } from '../../apt/apt.js';
import type { CommandSpec } from '../command.js';
import { fetchOptions, handOverAfterInstall, noSeedOption, yesOption } from './shared-options.js';

function upgradeCommand(name: string, verb: AptVerb, summary: string): CommandSpec {
  return {
    name,
    summary,
    options: [yesOption, ...fetchOptions, noSeedOption],
    passesAptOptions: true,
    help: `Runs \`apt-get ${verb}\` once every file it needs is verified in the archive cache.`,
    async run(context, input) {
      const { aptArgs, fetchForApt } = await import('../fetch-for-apt.js');
      const { apt, config, summary } = await fetchForApt(context, verb, input, { handsOver: true });
      try {
        const status = await apt.runAptGet(verb, aptArgs(input));
        if (status === 0 && input.options.seed !== false) await handOverAfterInstall(context, config, summary);
        return status;
      } finally {
        // Served until the daemon announced them (handOverAfterInstall waits for that), or the install failed.
        await summary?.serving?.stop();
      }
    },
  };
}

export const upgrade = upgradeCommand('upgrade', 'upgrade', 'fetch and verify what `apt-get upgrade` needs, then run it');
export const fullUpgrade = upgradeCommand('full-upgrade', 'dist-upgrade', 'fetch and verify what `apt-get dist-upgrade` needs, then run it');
