# bash completion for relgate and `git relgate`                -*- shell-script -*-
#
# Installed as completions/relgate and completions/git-relgate where
# bash-completion looks: bash-completion loads it for `relgate`, and git's
# own completion loads git-relgate for `git relgate` and calls _git_relgate.
#
# Commands and options come from `relgate [COMMAND...] --help` (asked once per
# shell and command), so they are always the installed binary's. An argument
# is completed by what it is: a ref (ref, old, new, commit, updates), a
# remote (--remote, --push, a hook's remote), a rule id (--rule, rule), a
# file, a directory, or one of the choices the help lists ({text,json}).

# The rule ids and names of relgate-rules(7) (tests/blackbox/completion.sh
# checks them against the page).
__relgate_rules="T1 T2 T3 T4 T5 T6 T7 T8 T9 B1 B2 B3 B4 B5 B6 B7 F1 F2 A1 A2 A3 P1
tag-name tag-immutable rc-only-for-minor rc-sequence next-line final-is-last-rc patch-sequence
ci-green tag-annotated branch-name branch-from-tag no-rewrite backport-provenance backport-kind
eol-line pick-direction freeze-fixes-only freeze-declare maintainers-only override ci-evidence policy-valid"

declare -gA __relgate_help_cache 2>/dev/null || true

# __relgate_help BIN [COMMAND...]: the help text of a command, cached.
__relgate_help() {
    local key="$*"
    if [ -z "${__relgate_help_cache[$key]+set}" ]; then
        __relgate_help_cache[$key]=$("$@" --help 2>/dev/null)
    fi
    printf '%s\n' "${__relgate_help_cache[$key]}"
}

# __relgate_section HELP SECTION: the lines of "Options:", "Subcommands:" or
# "Positionals:".
__relgate_section() {
    printf '%s\n' "$1" | awk -v want="$2:" '
        /^[A-Za-z]+:$/ { on = ($0 == want); next }
        on && /^  [^ ]/ { print }'
}

# __relgate_options HELP: every option name ("-h,--help" gives both).
__relgate_options() {
    __relgate_section "$1" Options | awk '{ n = split($1, a, ","); for (i = 1; i <= n; i++) print a[i] }'
}

# __relgate_subcommands HELP
__relgate_subcommands() {
    __relgate_section "$1" Subcommands | awk '{ print $1 }'
}

# __relgate_takes_value HELP OPTION: whether OPTION takes a value (its help
# line names a type).
__relgate_takes_value() {
    __relgate_section "$1" Options |
        awk -v o="$2" '{ n = split($1, a, ","); for (i = 1; i <= n; i++) if (a[i] == o && $2 ~ /^[A-Z]/) f = 1 } END { exit !f }'
}

# __relgate_argument HELP NAME: the type of an option or positional,
# e.g. "TEXT:{text,json}".
__relgate_argument() {
    { __relgate_section "$1" Options; __relgate_section "$1" Positionals; } |
        awk -v o="$2" '{ n = split($1, a, ","); for (i = 1; i <= n; i++) if (a[i] == o) { print $2; exit } }'
}

__relgate_git() {
    if [ -n "$__relgate_repo" ]; then git -C "$__relgate_repo" "$@" 2>/dev/null; else git "$@" 2>/dev/null; fi
}

# __relgate_values NAME TYPE CUR: candidates for the value of option or
# positional NAME of TYPE.
__relgate_values() {
    local name=${1#--} type=$2 cur=$3
    case $type in
    *:\{*\}*)
        local choices=${type#*\{}
        choices=${choices%%\}*}
        compgen -W "${choices//,/ }" -- "$cur"
        return ;;
    esac
    case $name in
    ref | old | new | commit | updates | rev | revision | since-ref)
        compgen -W "HEAD $(__relgate_git for-each-ref --format='%(refname:short)' refs/heads refs/tags refs/remotes)" -- "$cur"
        [ "$name" = ref ] || [ "$name" = updates ] &&
            compgen -W "$(__relgate_git for-each-ref --format='%(refname)' refs/heads refs/tags)" -- "$cur" ;;
    remote | push) compgen -W "$(__relgate_git remote)" -- "$cur" ;;
    rule | rules) compgen -W "$__relgate_rules" -- "$cur" ;;
    hook) compgen -W "pre-push pre-receive update" -- "$cur" ;;
    state) compgen -W "success failure pending skipped cancelled" -- "$cur" ;;
    repo) compgen -d -- "$cur" ;;
    config | chained) compgen -f -- "$cur" ;;
    esac
}

# __relgate_complete FIRST BIN...: fills COMPREPLY from words/cword (the
# command line), where words[FIRST] is the first word after the program.
__relgate_complete() {
    local first=$1
    shift
    local -a bin=("$@") path=()
    local cur=${words[cword]} help top word i positionals=0 pending=
    __relgate_repo=
    top=$(__relgate_help "${bin[@]}")
    help=$top
    for ((i = first; i < cword; i++)); do
        word=${words[i]}
        if [ -n "$pending" ]; then
            [ "$pending" = --repo ] && __relgate_repo=$word
            pending=
        elif [[ $word == -* ]]; then
            if __relgate_takes_value "$help" "$word" || __relgate_takes_value "$top" "$word"; then
                pending=$word
            fi
        elif __relgate_subcommands "$help" | grep -qxF -- "$word"; then
            path+=("$word")
            help=$(__relgate_help "${bin[@]}" "${path[@]}")
            positionals=0
        else
            positionals=$((positionals + 1))
        fi
    done
    COMPREPLY=()
    if [ -n "$pending" ]; then
        local type
        type=$(__relgate_argument "$help" "$pending")
        [ -n "$type" ] || type=$(__relgate_argument "$top" "$pending")
        mapfile -t COMPREPLY < <(__relgate_values "$pending" "$type" "$cur")
        return
    fi
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(__relgate_options "$help") $(__relgate_options "$top")" -- "$cur" | sort -u)
        return
    fi
    local subcommands
    subcommands=$(__relgate_subcommands "$help")
    if [ -n "$subcommands" ]; then
        mapfile -t COMPREPLY < <(compgen -W "$subcommands" -- "$cur")
        return
    fi
    # The next positional: the last one takes the rest (updates...).
    local -a names=()
    mapfile -t names < <(__relgate_section "$help" Positionals | awk '{ print $1 }')
    [ ${#names[@]} -gt 0 ] || return
    [ "$positionals" -lt ${#names[@]} ] || positionals=$((${#names[@]} - 1))
    mapfile -t COMPREPLY < <(__relgate_values "${names[positionals]}" \
        "$(__relgate_argument "$help" "${names[positionals]}")" "$cur")
}

# `relgate ...` (or ./build/relgate ...): the binary on the command line.
_relgate() {
    local -a words=("${COMP_WORDS[@]}")
    local cword=$COMP_CWORD
    local bin=${words[0]}
    [[ $bin == */* ]] || bin=relgate
    __relgate_complete 1 "$bin"
}
complete -F _relgate relgate

# `git relgate ...`: git's completion sets words and cword and calls this.
_git_relgate() {
    local i first=2
    for ((i = 1; i < cword; i++)); do
        if [ "${words[i]}" = relgate ]; then
            first=$((i + 1))
            break
        fi
    done
    __relgate_complete "$first" relgate
}
