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
  help: [
    'States: checking (being re-hashed), seeding (announced and served to peers that ask), paused (by `seeding pause`),',
    'paused (metered) or paused (battery) (uploads paused for the whole machine: seed.pauseOnMetered, seed.pauseOnBattery),',
    'idle (ratio or time target met).',
  ].join('\n'),
  async run(context, input) {
    const { sendRequest } = await import('../../seed/control-client.js');
    const { listNames, listTable } = await import('../../seed/format.js');
    const { torrents = [], uploadsPaused = [] } = await sendRequest(await socketOf(context), { cmd: 'list' });
    // JSON.stringify leaves C1 and bidi characters raw; as \u escapes they are the same JSON.
    if (input.options.names) context.stdout.write(terminalSafe(listNames(torrents)));
    else if (input.options.json) context.stdout.write(terminalSafe(`${JSON.stringify(torrents, null, 2)}\n`));
    else context.stdout.write(terminalSafe(listTable(torrents, uploadsPaused)));
    return EXIT.ok;
  },
};

const stats: CommandSpec = {
  name: 'stats',
  summary: 'numbers for operators: totals and per seeded package uploaded bytes, ratio, peers, state and when a peer was last served',
  options: [{ flags: '--json', description: 'print one JSON object: uploadsPaused, totals (files, size, uploaded, ratio, peers, states, lastServed) and packages' }],
  help: 'Uploaded bytes and ratios count over each file\'s whole life in the store, across restarts. For monitoring, seed.prometheusFile writes the same numbers for node_exporter.',
  async run(context, input) {
    const { sendRequest } = await import('../../seed/control-client.js');
    const { seedingStats, statsTable } = await import('../../seed/stats.js');
    const { torrents = [], uploadsPaused = [] } = await sendRequest(await socketOf(context), { cmd: 'list' });
    const numbers = seedingStats(torrents, uploadsPaused);
    if (input.options.json) context.stdout.write(terminalSafe(`${JSON.stringify(numbers, null, 2)}\n`));
    else context.stdout.write(terminalSafe(statsTable(numbers, Date.now())));
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
      const { stateLabel } = await import('../../seed/upload-gate.js');
      const response = await sendRequest(await socketOf(context), { cmd: name, targets: input.args, all });
      for (const torrent of response.torrents ?? []) context.stdout.write(terminalSafe(`${verbs[name]} ${oneLine(`${torrent.package} ${torrent.version}`)}: ${oneLine(stateLabel(torrent))}\n`));
      for (const item of response.removed ?? []) {
        context.stdout.write(terminalSafe(`${verbs[name]} ${oneLine(`${item.package} ${item.version}`)} and removed it from the store (${formatBytes(item.freed)} freed)\n`));
      }
      return EXIT.ok;
    },
  };
}

export const seeding: CommandSpec = {
  name: 'seeding',
  summary: 'control the seeding daemon: list, stats, pause, resume or stop seeded packages',
  options: [],
  help: 'Talks to `apt-torrent seed` over its control socket (seed.socket): root, or members of seed.group.',
  subcommands: [
    list,
    stats,
    change('pause', 'stop uploading the named packages until resumed (they stay in the store)'),
    change('resume', 'seed paused or idle packages again (an idle one gets a fresh ratio/time target)'),
    change('stop', 'stop seeding the named packages and remove them from the store'),
  ],
  async run() {
    throw new AptTorrentError('E_USAGE', 'seeding needs a subcommand: list, stats, pause, resume or stop');
  },
};
