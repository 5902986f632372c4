import { loadConfig } from '../../config/load.js';
import { AptTorrentError, EXIT } from '../../errors.js';
import type { SeederState } from '../../switch/format.js';
import type { CommandSpec } from '../command.js';
import { terminalSafe } from '../../util/terminal-text.js';

/** Whether the seeding daemon answers on its socket, within a second. */
async function probeSeeder(socket: string): Promise<SeederState> {
  const { sendRequest } = await import('../../seed/control-client.js');
  try {
    const { torrents = [] } = await sendRequest(socket, { cmd: 'list' }, { timeoutMs: 1000 });
    return { state: 'running', torrents: torrents.length };
  } catch (error) {
    const code = error instanceof AptTorrentError ? error.code : undefined;
    const state = code === 'E_NOT_RUNNING' ? 'not-running' : code === 'E_SEED_DENIED' ? 'denied' : 'error';
    return { state, message: (error as Error).message };
  }
}

export const statusCommand: CommandSpec = {
  name: 'status',
  summary: 'whether APT\'s sources are switched to torrent+http(s), which are left alone and why, and whether APT finds the method',
  options: [{ flags: '--json', description: 'print a JSON object (enabled, sources, methods, confFile, files, seeder, ...)' }],
  async run(context, input) {
    const config = await loadConfig({ env: context.env, file: context.configFile });
    const { switchStatus } = await import('../../switch/status.js');
    const { statusReport } = await import('../../switch/format.js');
    const [status, seeder] = await Promise.all([
      switchStatus({ apt: new (await import('../../apt/apt.js')).Apt(context.aptOptions, context.env), env: context.env, stateDir: config.stateDir }),
      probeSeeder(config['seed.socket']),
    ]);
    // JSON.stringify leaves C1 and bidi characters raw; as \u escapes they are the same JSON.
    if (input.options.json) context.stdout.write(terminalSafe(`${JSON.stringify({ ...status, seeder }, null, 2)}\n`));
    else context.stdout.write(terminalSafe(`${statusReport(status, seeder).join('\n')}\n`));
    return EXIT.ok;
  },
};
