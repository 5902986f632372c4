/**
 * The fixed part of the bash script: it reads the command line and offers
 * what the generated tables (bash.ts) say. `@PROGRAM@` and `@APT_OPTION@`
 * (the case pattern of APT's -o) are filled in there.
 */
export const BASH_RUNTIME = `# Without bash-completion: COMP_WORDS splits at "=" and ":" too, cutting
# "--out=DIR" and "-o Acquire::Retries=3" apart; glue back the pieces that no
# blank separates in the line, as bash-completion's _init_completion -n =: does.
_apt_torrent_init() {
    COMPREPLY=()
    words=()
    cword=0
    if [[ -z \${COMP_LINE-} ]]; then
        words=("\${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    else
        local line=\${COMP_LINE:0:\${COMP_POINT:-\${#COMP_LINE}}} i word trimmed
        for ((i = 0; i <= COMP_CWORD && i < \${#COMP_WORDS[@]}; i++)); do
            word=\${COMP_WORDS[i]}
            trimmed=\${line#"\${line%%[![:blank:]]*}"}
            if ((i > 0)) && [[ $trimmed == "$line" ]]; then
                words[-1]+=$word
            else
                words+=("$word")
            fi
            line=\${trimmed#"$word"}
        done
        cword=$((\${#words[@]} - 1))
    fi
    cur=\${words[cword]-}
    prev=\${words[cword - 1]-}
}

# Offer values of one kind for $cur. Reads $cur, $globals and $aptopts of
# _apt_torrent (bash scoping is dynamic).
_apt_torrent_offer() {
    local kind=$1
    shift
    case $kind in
        file | dir)
            if declare -F _filedir >/dev/null; then
                if [[ $kind == dir ]]; then _filedir -d; else _filedir; fi
            else
                compopt -o filenames 2>/dev/null
                if [[ $kind == dir ]]; then
                    mapfile -t COMPREPLY < <(compgen -d -- "$cur")
                else
                    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
                fi
            fi
            ;;
        package)
            # APT's package name cache answers at once even for 60,000 packages; where
            # there is none (Docker images switch it off) apt-cache reads the lists
            # instead (about 0.5 s). Both see the user's APT_CONFIG and the -o
            # options typed before the command.
            mapfile -t COMPREPLY < <(apt-cache "\${aptopts[@]}" --no-generate pkgnames "$cur" 2>/dev/null ||
                apt-cache "\${aptopts[@]}" pkgnames "$cur" 2>/dev/null)
            ;;
        seeded)
            # Ask the seeding daemon; when it is not running or slow, offer nothing, say nothing.
            local names
            names=$(timeout 1 @PROGRAM@ "\${globals[@]}" seeding list --names 2>/dev/null)
            mapfile -t COMPREPLY < <(compgen -W "$names" -- "$cur")
            ;;
        words)
            mapfile -t COMPREPLY < <(compgen -W "$*" -- "$cur")
            ;;
    esac
}

_apt_torrent() {
    local cur prev words cword
    if declare -F _init_completion >/dev/null; then
        # Keep "--out=DIR" and "Acquire::Retries=3" whole; "=" is split below.
        _init_completion -n =: || return
    else
        _apt_torrent_init
    fi

    # Walk the words before the cursor: the command path, option values
    # skipped, operands counted; options before the command are kept for the
    # helpers (APT's -o for apt-cache, all of them for @PROGRAM@ itself).
    local path='' pending='' ended='' operands=0 i word name value attached sub spec
    local -a globals=() aptopts=() kind=()
    for ((i = 1; i < cword; i++)); do
        word=\${words[i]}
        if [[ -n $ended ]]; then
            operands=$((operands + 1))
            continue
        fi
        case $word in
            --) ended=1 ;;
            -?*)
                name=$word attached='' value=''
                if [[ $word == --*=* ]]; then
                    name=\${word%%=*} attached=1 value=\${word#*=}
                elif [[ $word != --* && \${#word} -gt 2 ]]; then
                    # -cFILE, or a cluster of flags such as -yq.
                    name=\${word:0:2} attached=1 value=\${word:2}
                fi
                _apt_torrent_value "$path/$name" >/dev/null || continue
                if [[ -z $attached ]]; then
                    if ((i + 1 == cword)); then
                        pending=$name
                        break
                    fi
                    i=$((i + 1))
                    value=\${words[i]}
                fi
                if [[ -z $path ]]; then
                    globals+=("$name" "$value")
                    case $name in @APT_OPTION@) aptopts+=(-o "$value") ;; esac
                fi
                ;;
            *)
                if ((operands == 0)) && sub=$(_apt_torrent_subcommand "$path/$word"); then
                    path=\${path:+$path }$sub
                else
                    operands=$((operands + 1))
                fi
                ;;
        esac
    done

    if [[ -n $pending ]]; then
        mapfile -t kind < <(_apt_torrent_value "$path/$pending")
        _apt_torrent_offer "\${kind[@]}"
        return 0
    fi
    if [[ -z $ended && $cur == --*=* ]]; then
        # Readline replaces only what follows the "=".
        name=\${cur%%=*}
        cur=\${cur#*=}
        if spec=$(_apt_torrent_value "$path/$name"); then
            mapfile -t kind <<<"$spec"
            _apt_torrent_offer "\${kind[@]}"
        fi
        return 0
    fi
    if [[ -z $ended && $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_apt_torrent_options "$path")" -- "$cur")
        return 0
    fi
    if ((operands == 0)) && spec=$(_apt_torrent_subcommands "$path"); then
        mapfile -t COMPREPLY < <(compgen -W "$spec" -- "$cur")
        return 0
    fi
    if spec=$(_apt_torrent_operands "$path"); then
        mapfile -t kind <<<"$spec"
        if [[ \${kind[0]} == many ]] || ((operands < kind[0])); then
            _apt_torrent_offer "\${kind[@]:1}"
        fi
        return 0
    fi
    # A command without operands (upgrade, publish): its options are all there is.
    [[ -z $ended ]] && mapfile -t COMPREPLY < <(compgen -W "$(_apt_torrent_options "$path")" -- "$cur")
    return 0
}

complete -F _apt_torrent @PROGRAM@
`;
