import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { shQuote } from '../../../src/cli/completion/quote.js';
import { cleanEnv } from '../../helpers/env.js';
import { removeTempDir, tempDir } from '../../helpers/temp.js';

const run = promisify(execFile);

/** bash-completion's main script; Debian's bash users have it, so the bash tests run with and without it. */
export const BASH_COMPLETION = '/usr/share/bash-completion/bash_completion';
export const hasBashCompletion = existsSync(BASH_COMPLETION);

/**
 * Split a command line as bash does for COMP_WORDS: at blanks, and around runs
 * of COMP_WORDBREAKS characters (`--out=dir` → `--out`, `=`, `dir`;
 * `Acquire::Retries` → `Acquire`, `::`, `Retries`); quoted text stays whole.
 * Seen in bash 5.2 with a dumping completion function in tmux.
 */
export function compWords(line: string): string[] {
  const breaks = `"'><=;|&(:`.replace(/["']/g, '');
  const words: string[] = [];
  let word = '';
  let inBreak = false;
  let quote = '';
  const push = () => {
    if (word !== '') words.push(word);
    word = '';
  };
  for (const char of line) {
    if (quote) {
      word += char;
      if (char === quote) quote = '';
    } else if (char === ' ' || char === '\t') {
      push();
      inBreak = false;
    } else if (breaks.includes(char)) {
      if (!inBreak) push();
      word += char;
      inBreak = true;
    } else {
      if (inBreak) push();
      inBreak = false;
      if (char === '"' || char === "'") quote = char;
      word += char;
    }
  }
  push();
  if (line === '' || /[ \t]$/.test(line)) words.push('');
  return words;
}

/**
 * What bash completion offers for `line` (cursor at the end): sources the
 * script in `bash --norc`, sets COMP_* as readline would, calls the function.
 */
export async function bashComplete(script: string, line: string, options: { env?: NodeJS.ProcessEnv; bashCompletion?: boolean } = {}): Promise<string[]> {
  const words = compWords(line);
  const program = [
    'set +o history',
    options.bashCompletion ? `source ${BASH_COMPLETION}` : '',
    `source ${shQuote(script)}`,
    `COMP_LINE=${shQuote(line)}`,
    'COMP_POINT=${#COMP_LINE}',
    `COMP_WORDS=(${words.map(shQuote).join(' ')})`,
    `COMP_CWORD=${words.length - 1}`,
    `${completeFunction} ${shQuote(words[0]!)} "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"`,
    `(( \${#COMPREPLY[@]} )) && printf '%s\\n' "\${COMPREPLY[@]}"`,
    'exit 0',
  ].join('\n');
  const { stdout } = await run('bash', ['--norc', '--noprofile', '-c', program], { env: options.env ?? cleanEnv() });
  return lines(stdout);
}

const completeFunction = '_apt_torrent';

/**
 * What fish offers for `line`, candidates only (fish prints `word<TAB>description`).
 */
export async function fishComplete(script: string, line: string, env: NodeJS.ProcessEnv = cleanEnv()): Promise<string[]> {
  const { stdout } = await run('fish', ['--no-config', '-c', `source ${shQuote(script)}; complete -C ${shQuote(line)}`], { env });
  return lines(stdout).map((entry) => entry.split('\t')[0]!);
}

/**
 * What zsh's completion system offers for `line`: an interactive zsh in a
 * pseudo-terminal (zpty) with compinit and our function in $fpath, a
 * compadd wrapper that prints every candidate, and a TAB typed at the end.
 * After the technique of Valodim/zsh-capture-completion.
 */
export async function zshComplete(functionFile: string, line: string, env: NodeJS.ProcessEnv = cleanEnv()): Promise<string[]> {
  const dir = tempDir('zsh');
  const fpath = join(dir, 'functions');
  mkdirSync(fpath);
  writeFileSync(join(fpath, '_apt-torrent'), readFileSync(functionFile));
  writeFileSync(join(dir, 'init.zsh'), ZSH_INIT.replace('@FPATH@', fpath));
  writeFileSync(join(dir, 'capture.zsh'), ZSH_CAPTURE);
  try {
    const { stdout } = await run('zsh', ['-f', join(dir, 'capture.zsh'), join(dir, 'init.zsh'), line], { env, timeout: 20_000 });
    return lines(stdout);
  } finally {
    removeTempDir(dir);
  }
}

/** Runs inside the interactive zsh: completion set up to print what it would offer. */
const ZSH_INIT = `PROMPT=
fpath=(@FPATH@ $fpath)
autoload -Uz compinit
compinit -u -D
bindkey '^I' complete-word
zstyle ':completion:*' list-grouped false
zstyle ':completion:*' insert-tab false
zstyle ':completion:*' list-separator ''
mark() { print -r -- '<<capture>>' }
compprefuncs=( mark )
comppostfuncs=( mark exit )
compadd() {
  # -O, -A and -D only fill arrays; they add nothing to print.
  if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then
    builtin compadd "$@"
    return $?
  fi
  local -a hits
  builtin compadd -A hits "$@"
  (( $#hits )) || return 1
  print -rl -- $hits
  builtin compadd "$@"
}
print ready
`;

/** Runs the interactive zsh and reads the candidates between the two marks. */
const ZSH_CAPTURE = `zmodload zsh/zpty || exit 3
zpty z zsh -f -i
zpty -w z "source \${(q)1}"
local out
repeat 20; do
  zpty -r z out
  [[ $out == ready* ]] && break
done
zpty -w z "$2"$'\\t'
integer inside=0
while zpty -r z out; do
  out=\${out%%$'\\n'}
  out=\${out%%$'\\r'}
  if [[ $out == *'<<capture>>' ]]; then
    (( inside++ )) && break || continue
  fi
  (( inside )) && print -r -- "$out"
done
zpty -d z
`;

function lines(text: string): string[] {
  return text.split('\n').filter((entry) => entry !== '');
}
