import { spellings } from './kinds.js';
import { walk, type CommandModel } from './model.js';
import { fishQuote } from './quote.js';

/**
 * `__apt_torrent_state` prints the command path, then the number of operands
 * after it; then the options typed before the command (for the helpers).
 * Generated: which options take a value, and which words are commands where.
 */
export function walker(root: CommandModel): string {
  const nodes = walk(root);
  const valueCases = nodes.flatMap(({ path, command }) =>
    command.options.filter((option) => option.value !== undefined).flatMap(spellings).map((flag) => fishQuote(`${path.join(' ')}/${flag}`)));
  const subCases = nodes.flatMap(({ path, command }) =>
    command.subcommands.map((sub) => `        case ${[sub.name, ...sub.aliases].map((word) => fishQuote(`${path.join(' ')}/${word}`)).join(' ')}\n            echo ${fishQuote(sub.name)}`));
  return `# Does OPTION (as "PATH/OPTION") take a value in the next word?
function __apt_torrent_takes_value
    switch $argv[1]
        case ${valueCases.join(' ') || "''"}
            return 0
    end
    return 1
end

# The subcommand that WORD (as "PATH/WORD") names, aliases resolved.
function __apt_torrent_subcommand
    switch $argv[1]
${subCases.join('\n')}
        case '*'
            return 1
    end
end

# Line 1: "path:" and the command path typed so far (empty at the top level);
# line 2: how many operands follow it; then the options typed before the command
# and their values, one word per line.
function __apt_torrent_state
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l path ''
    set -l operands 0
    set -l before
    set -l ended 0
    set -l i 1
    while test $i -le (count $tokens)
        set -l word $tokens[$i]
        if test $ended = 1
            set operands (math $operands + 1)
        else if test "$word" = --
            set ended 1
        else if string match -q -- '-?*' $word
            set -l name (string replace -r -- '=.*' '' $word)
            if __apt_torrent_takes_value "$path/$name"; and test "$name" = "$word"
                set i (math $i + 1)
                test -z "$path"; and set -a before $word $tokens[$i]
            else if test -z "$path"; and test "$name" != "$word"
                set -a before $word
            end
        else if test $operands = 0; and set -l sub (__apt_torrent_subcommand "$path/$word")
            set path (string trim -- "$path $sub")
        else
            set operands (math $operands + 1)
        end
        set i (math $i + 1)
    end
    printf '%s\\n' "path:$path" $operands $before
end

function __apt_torrent_at
    set -l state (__apt_torrent_state)
    test "$state[1]" = "path:$argv[1]"
end

function __apt_torrent_operands_below
    set -l state (__apt_torrent_state)
    test $state[2] -lt $argv[1]
end
`;
}

/** The helpers the `complete` lines call; `@APT_FLAGS@` are the spellings of APT's -o. */
export function fishHelpers(program: string, aptFlags: string): string {
  return HELPERS.replace(/@PROGRAM@/g, program).replace(/@APT_FLAGS@/g, aptFlags);
}

const HELPERS = `# APT's -o options among the words typed before the command.
function __apt_torrent_apt_options
    set -l before (__apt_torrent_state)[3..-1]
    set -l i 1
    while test $i -le (count $before)
        if contains -- $before[$i] @APT_FLAGS@
            set i (math $i + 1)
            printf '%s\\n' -o $before[$i]
        else if string match -q -- '--*=*' $before[$i]; and contains -- (string replace -r -- '=.*' '' $before[$i]) @APT_FLAGS@
            printf '%s\\n' -o (string replace -r -- '^[^=]*=' '' $before[$i])
        end
        set i (math $i + 1)
    end
end

# Package names from APT's name cache (instant), or from the lists where there
# is no cache (Docker images switch it off), with the user's APT_CONFIG and the
# -o options typed before the command.
function __apt_torrent_packages
    set -l prefix (commandline -ct)
    # fish asks for operands even while an option is being typed; spare APT.
    string match -q -- '-*' "$prefix"; and return
    set -l apt (__apt_torrent_apt_options)
    apt-cache $apt --no-generate pkgnames $prefix 2>/dev/null
    or apt-cache $apt pkgnames $prefix 2>/dev/null
end

# The packages being seeded, from the daemon; nothing when it is not running.
function __apt_torrent_seeded
    timeout 1 @PROGRAM@ (__apt_torrent_state)[3..-1] seeding list --names 2>/dev/null
end
`;
