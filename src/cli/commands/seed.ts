import { loadConfig } from '../../config/load.js';
import { AptTorrentError, EXIT } from '../../errors.js';
import type { CommandSpec } from '../command.js';
import { terminalSafe } from '../../util/terminal-text.js';

export const seedCommand: CommandSpec = {
  name: 'seed',
  summary: 'the seeding daemon, in the foreground: seeds the verified files install handed over, within the configured limits',
  options: [],
  help: [
    'Needs seed.enabled true. Seeds from <stateDir>/store/ (files hard-linked from APT\'s archive cache, each',
    're-hashed once at start), announces to each torrent\'s trackers, and answers `seeding` and `clean` on the',
    'control socket (seed.socket). Logs to stderr; stops on SIGINT or SIGTERM with its state saved. systemd',
    'runs it as apt-torrent-seed.service.',
  ].join('\n'),
  async run(context) {
    const config = await loadConfig({ env: context.env, file: context.configFile });
    if (!config['seed.enabled']) {
      throw new AptTorrentError('E_SEED_DISABLED', 'seeding is off (seed.enabled is false)', {
        hint: 'to give back to the swarm, set {"seed": {"enabled": true}} in /etc/apt-torrent/config.json',
      });
    }
    // webtorrent and the daemon are loaded only here: --help must not pay for them.
    const { runDaemon } = await import('../../seed/daemon.js');
    await runDaemon(config, context.signal, (message) => context.stderr.write(terminalSafe(`apt-torrent seed: ${message}\n`)), context.env);
    return EXIT.ok;
  },
};
