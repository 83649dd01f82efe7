#!/usr/bin/env bash
# Black-box suite: bash completion (completion/relgate.bash). Sourced in a
# clean bash, its functions are called as bash calls them (COMP_WORDS,
# COMP_CWORD) on real repositories: commands, options, the choices the help
# lists, refs, remotes, rule ids; then installed by cmake --install and
# loaded by bash-completion itself, for `relgate` and for `git relgate`
# through git's own completion.
#
#   bash tests/blackbox/completion.sh [path/to/relgate]

. "$(dirname "$0")/lib.sh" "$@"

SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
SCRIPT=$SOURCE_DIR/completion/relgate.bash
BUILD_DIR=$(dirname "$RELGATE_BIN")
BIN_DIR=$SUITE_TMP/bin
mkdir -p "$BIN_DIR"
ln -s "$RELGATE_BIN" "$BIN_DIR/relgate"

# complete WORD...: the candidates for the last WORD (one per line in
# $LAST_OUTPUT), from _relgate with the binary on PATH.
complete_words() {
    local words
    words=$(printf '%q ' "$@")
    run_cmd env PATH="$BIN_DIR:$PATH" bash --norc --noprofile -c "
        . '$SCRIPT'
        COMP_WORDS=($words)
        COMP_CWORD=\$(( \${#COMP_WORDS[@]} - 1 ))
        _relgate
        printf '%s\n' \"\${COMPREPLY[@]}\""
}

# expect_candidates WORDS... -- CANDIDATE...: exactly these, in any order.
expect_candidates() {
    local -a words=()
    while [ "$1" != -- ]; do words+=("$1"); shift; done
    shift
    complete_words "${words[@]}"
    local want got
    want=$(printf '%s\n' "$@" | sort)
    got=$(sort "$LAST_OUTPUT")
    [ "$want" = "$got" ] || fail "completing '${words[*]}': expected [$(echo $want)], got [$(echo $got)]"
}

commands_and_options() {
    local commands
    commands=$("$RELGATE_BIN" --help | awk '/^Subcommands:$/ { on = 1; next } on && /^  [^ ]/ { print $1 }')
    # shellcheck disable=SC2086
    expect_candidates relgate "" -- $commands
    expect_candidates relgate st -- status
    expect_candidates relgate u -- uninstall update
    expect_candidates relgate ci "" -- record status
    expect_candidates relgate status --f -- --format
    expect_candidates relgate status --format "" -- text json
    expect_candidates relgate --repo . status --format j -- json
    expect_candidates relgate install --platform gito -- gitolite gitolite-common
    expect_candidates relgate install --hook "" -- pre-push pre-receive update
    expect_candidates relgate next "" -- rc final branch patch backport
    expect_candidates relgate ci record HEAD build s -- success skipped
    # A global option after a command, and one's value is not a command.
    expect_candidates relgate audit --con -- --config
    expect_candidates relgate --config status "" -- $commands
}

refs_and_remotes() {
    use_fixture released
    must git remote add upstream "$SERVER"
    must git branch topic
    expect_candidates relgate status --remote "" -- origin upstream
    expect_candidates relgate ci record --push u -- upstream
    expect_candidates relgate pre-push o -- origin
    expect_candidates relgate next backport to -- topic
    expect_candidates relgate ci status v0.1.0-r -- v0.1.0-rc1
    expect_candidates relgate check refs/heads/t -- refs/heads/topic
    # --repo names the repository the refs come from.
    local here=$PWD
    cd "$SCENARIO_DIR" || return
    expect_candidates relgate --repo "$here" ci status ori -- origin/main origin/release/v0.1
    expect_candidates relgate ci status ori --
}

# The completion lists the rules of relgate-rules(7), which the unit tests
# check against the code; any argument named rule takes them (a stub binary
# with such an option, as CLI11 prints its help).
rule_ids() {
    local script_rules page_rules
    script_rules=$(bash --norc -c ". '$SCRIPT'; printf '%s\n' \$__relgate_rules" | sort)
    page_rules=$(sed -nE 's/^\*([A-Z][0-9]+)\* ([a-z-]+) \(default: [a-z]+\)$/\1\n\2/p' "$SOURCE_DIR/doc/relgate-rules.7.scd" | sort)
    [ -n "$page_rules" ] || fail "no rules read from relgate-rules.7.scd"
    [ "$script_rules" = "$page_rules" ] ||
        fail "completion/relgate.bash's rules differ from relgate-rules(7): $(diff <(echo "$script_rules") <(echo "$page_rules") | tr '\n' ' ')"
    cat >stub <<'STUB'
#!/bin/sh
cat <<'HELP'
Usage: relgate explain [OPTIONS] rule

Positionals:
  rule TEXT                   A rule id

Options:
  -h,--help                   Print this help message and exit
  --rule TEXT                 A rule id
HELP
STUB
    chmod +x stub
    expect_candidates ./stub --rule T -- T1 T2 T3 T4 T5 T6 T7 T8 T9
    expect_candidates ./stub tag- -- tag-name tag-immutable tag-annotated
}

# Installed by cmake --install, bash-completion loads it on first use for
# relgate, and git's completion loads git-relgate and calls _git_relgate.
installed_and_loaded() {
    local bc=/usr/share/bash-completion/bash_completion
    [ -f "$bc" ] || { fail "bash-completion is not installed ($bc; install/deps.sh installs it)"; return; }
    must cmake --install "$BUILD_DIR" --prefix "$SCENARIO_DIR/prefix"
    use_fixture released
    local line
    for line in "relgate st" "git relgate st" "git relgate ci re" "git relgate status --format j"; do
        run_cmd env -i HOME="$HOME" PATH="$SCENARIO_DIR/prefix/bin:/usr/bin:/bin" \
            XDG_DATA_DIRS="$SCENARIO_DIR/prefix/share:/usr/share" \
            bash --norc --noprofile -c "
            . $bc
            COMP_LINE='$line'
            COMP_POINT=\${#COMP_LINE}
            read -ra COMP_WORDS <<<\"\$COMP_LINE\"
            COMP_CWORD=\$(( \${#COMP_WORDS[@]} - 1 ))
            _completion_loader \${COMP_WORDS[0]}
            fn=\$(complete -p \${COMP_WORDS[0]} | sed -E 's/.*-F ([^ ]+).*/\1/')
            \$fn \${COMP_WORDS[0]} \"\${COMP_WORDS[COMP_CWORD]}\" \"\${COMP_WORDS[COMP_CWORD-1]}\"
            printf '%s\n' \"\${COMPREPLY[@]}\""
        case $line in
        *st) grep -qx 'status ' "$LAST_OUTPUT" || grep -qx status "$LAST_OUTPUT" || fail "'$line' does not complete to status" ;;
        *re) grep -qE '^record ?$' "$LAST_OUTPUT" || fail "'$line' does not complete to record" ;;
        *j) grep -qE '^json ?$' "$LAST_OUTPUT" || fail "'$line' does not complete to json" ;;
        esac
    done
}

run_scenario "commands, options and the choices the help lists" commands_and_options
run_scenario "refs and remotes where an argument is one" refs_and_remotes
run_scenario "rule ids are relgate-rules(7)'s" rule_ids
run_scenario "installed, loaded by bash-completion for relgate and git relgate" installed_and_loaded
finish
