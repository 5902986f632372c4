import { loadConfig } from '../../config/load.js';
import { AptTorrentError, EXIT } from '../../errors.js';
import type { ChangeCommand } from '../../seed/protocol.js';
import { formatBytes } from '../../util/size.js';
import type { CommandSpec, Context } from '../command.js';
import { oneLine, terminalSafe } from '../../util/terminal-text.js';

async function socketOf(context: Context): Promise<string> {
  return (await loadConfig({ env: context.env, file: context.configFile }))['seed.socket'];
}

const list: CommandSpec = {
  name: 'list',
  summary: 'what the seeding daemon seeds: package, version, size, uploaded, ratio, peers and state',
  options: [
    { flags: '--json', description: 'print a JSON array (package, version, infoHash, state, uploaded, size, ratio, peers, ...)' },
    { flags: '--names', description: 'print only the seeded package names, one per line (for shell completion)' },
  ],
  help: 'States: checking (being re-hashed), seeding (announced and served to peers that ask), paused, idle (ratio or time target met).',
  async run(context, input) {
    const { sendRequest } = await import('../../seed/control-client.js');
    const { listNames, listTable } = await import('../../seed/format.js');
    const { torrents = [] } = await sendRequest(await socketOf(context), { cmd: 'list' });
    // JSON.stringify leaves C1 and bidi characters raw; as \u escapes they are the same JSON.
    if (input.options.names) context.stdout.write(terminalSafe(listNames(torrents)));
    else if (input.options.json) context.stdout.write(terminalSafe(`${JSON.stringify(torrents, null, 2)}\n`));
    else context.stdout.write(terminalSafe(listTable(torrents)));
    return EXIT.ok;
  },
};

const verbs: Record<ChangeCommand, string> = { pause: 'Paused', resume: 'Resumed', stop: 'Stopped' };

function change(name: ChangeCommand, summary: string): CommandSpec {
  return {
    name,
    summary,
    operands: '[packages...]',
    completeOperands: 'seeded',
    options: [{ flags: '--all', description: `${name} every seeded file` }],
    help: 'Name a package (every version seeded), PACKAGE=VERSION, or an infohash. A name that matches nothing changes nothing.',
    async run(context, input) {
      const all = input.options.all === true;
      if (!all && input.args.length === 0) {
        throw new AptTorrentError('E_USAGE', `seeding ${name} needs package names, or --all`, { hint: '`apt-torrent seeding list` shows what is seeded' });
      }
      const { sendRequest } = await import('../../seed/control-client.js');
      const response = await sendRequest(await socketOf(context), { cmd: name, targets: input.args, all });
      for (const torrent of response.torrents ?? []) context.stdout.write(terminalSafe(`${verbs[name]} ${oneLine(`${torrent.package} ${torrent.version}`)}: ${oneLine(String(torrent.state))}\n`));
      for (const item of response.removed ?? []) {
        context.stdout.write(terminalSafe(`${verbs[name]} ${oneLine(`${item.package} ${item.version}`)} and removed it from the store (${formatBytes(item.freed)} freed)\n`));
      }
      return EXIT.ok;
    },
  };
}

export const seeding: CommandSpec = {
  name: 'seeding',
  summary: 'control the seeding daemon: list, pause, resume or stop seeded packages',
  options: [],
  help: 'Talks to `apt-torrent seed` over its control socket (seed.socket): root, or members of seed.group.',
  subcommands: [
    list,
    change('pause', 'stop uploading the named packages until resumed (they stay in the store)'),
    change('resume', 'seed paused or idle packages again (an idle one gets a fresh ratio/time target)'),
    change('stop', 'stop seeding the named packages and remove them from the store'),
  ],
  async run() {
    throw new AptTorrentError('E_USAGE', 'seeding needs a subcommand: list, pause, resume or stop');
  },
};
