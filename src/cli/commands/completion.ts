import { AptTorrentError } from '../../errors.js';
import { shellNames, type Shell } from '../completion/shell-names.js';
import type { CommandSpec } from '../command.js';

export const completion: CommandSpec = {
  name: 'completion',
  summary: 'print the shell completion script for bash, zsh or fish',
  operands: '<shell>',
  completeOperands: shellNames,
  options: [],
  help: [
    'Packages install the scripts system-wide; to try one in the current shell:',
    '  source <(apt-torrent completion bash)',
    '  source <(apt-torrent completion zsh)',
    '  apt-torrent completion fish | source',
  ].join('\n'),
  async run(context, input) {
    const shell = input.args[0] ?? '';
    if (!(shellNames as readonly string[]).includes(shell)) {
      throw new AptTorrentError('E_USAGE', `no completion for shell ${JSON.stringify(shell)}`, { hint: `choose one of: ${shellNames.join(', ')}` });
    }
    // Imported here, not at the top: the registry lists this command, so a
    // static import of the program would be a cycle.
    const [{ buildProgram }, { commands }, { completionModel }, { shells }] = await Promise.all([
      import('../program.js'),
      import('./index.js'),
      import('../completion/model.js'),
      import('../completion/scripts.js'),
    ]);
    const model = completionModel(buildProgram(async () => {}), commands);
    const script = shells[shell as Shell].script(model);
    // Resolve once written: main exits right after run(), and a pipe takes 64 KiB at a time.
    await new Promise<void>((resolve, reject) => context.stdout.write(script, (error) => (error ? reject(error) : resolve())));
    return 0;
  },
};
