import { bashScript } from './bash.js';
import { fishScript } from './fish.js';
import type { CommandModel } from './model.js';
import { zshScript } from './zsh.js';
import { shellNames, type Shell } from './shell-names.js';

/** The shells `completion` writes for, each with its generator and where Debian packages put the result. */
export const shells = {
  bash: { script: bashScript, installPath: '/usr/share/bash-completion/completions/apt-torrent', file: 'completions/apt-torrent.bash' },
  zsh: { script: zshScript, installPath: '/usr/share/zsh/vendor-completions/_apt-torrent', file: 'completions/_apt-torrent' },
  fish: { script: fishScript, installPath: '/usr/share/fish/vendor_completions.d/apt-torrent.fish', file: 'completions/apt-torrent.fish' },
} as const satisfies Record<Shell, { script: (root: CommandModel) => string; installPath: string; file: string }>;

export { shellNames, type Shell };
