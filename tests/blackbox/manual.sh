#!/usr/bin/env bash
# Black-box suite: relgate(1) says what the binary does. Every command and
# subcommand that `relgate --help` lists has its section in doc/relgate.1.scd
# ("## ci record"), naming each of its options; the global options are in
# OPTIONS. A command or option added without its manual entry fails here.
# The built pages render (relgate.toml(5) and relgate-rules(7) are checked
# against the code by tests/unit/manual_test.cpp).
#
#   bash tests/blackbox/manual.sh [path/to/relgate]

. "$(dirname "$0")/lib.sh" "$@"

PAGE_SOURCE=$(cd "$(dirname "$0")/../.." && pwd)/doc/relgate.1.scd
MAN_DIR=$(dirname "$RELGATE_BIN")/man

# The text of section "## NAME" (or "# NAME") of the page, up to the next heading.
page_section() {
    awk -v want="$1" '
        /^#+ / { on = ($0 == want); next }
        on { print }' "$PAGE_SOURCE"
}

# The subcommands and the long options of `relgate [COMMAND...] --help`.
help_section() {
    "$RELGATE_BIN" "${@:2}" --help | awk -v want="$1:" '
        /^[A-Za-z]+:$/ { on = ($0 == want); next }
        on && /^  [^ ]/ { print $1 }'
}
long_options() {
    help_section Options "$@" | tr ',' '\n' | grep -E '^--' | grep -vxE -- '--help|--version'
}

# check_command COMMAND...: its section exists and names every option; then
# its subcommands, recursively.
check_command() {
    local name="$*" section option sub
    section=$(page_section "## $name")
    if [ -z "$section" ]; then
        fail "doc/relgate.1.scd has no section \"## $name\" for \`relgate $name\`"
        return
    fi
    for option in $(long_options "$@"); do
        grep -qF -- "*$option*" <<<"$section" ||
            fail "doc/relgate.1.scd, \"## $name\": no entry for $option"
    done
    for sub in $(help_section Subcommands "$@"); do
        check_command "$@" "$sub"
    done
}

every_command_and_option_is_in_the_page() {
    local commands option
    commands=$(help_section Subcommands)
    [ "$(wc -w <<<"$commands")" -ge 10 ] || fail "relgate --help lists too few commands: $commands"
    for command in $commands; do
        # A command with subcommands is documented by them alone ("## ci record").
        if [ -n "$(help_section Subcommands "$command")" ] && [ -z "$(long_options "$command")" ]; then
            local sub
            for sub in $(help_section Subcommands "$command"); do check_command "$command" "$sub"; done
        else
            check_command "$command"
        fi
    done
    for option in $(long_options) --help --version; do
        page_section "# OPTIONS" | grep -qF -- "*$option*" || fail "doc/relgate.1.scd, OPTIONS: no entry for $option"
    done
    # The page's own sections are commands that exist (none left behind).
    local heading
    while read -r heading; do
        # shellcheck disable=SC2086 # a heading is a command path
        "$RELGATE_BIN" $heading --help >/dev/null 2>&1 ||
            fail "doc/relgate.1.scd documents \"$heading\", which relgate does not know"
    done < <(sed -n 's/^## //p' "$PAGE_SOURCE")
}

# The check above would pass on an empty list: it finds a missing entry.
the_check_finds_a_missing_entry() {
    local page_copy=$SCENARIO_DIR/relgate.1.scd
    grep -v -- '^\*--dry-run\*' "$PAGE_SOURCE" >"$page_copy"
    PAGE_SOURCE=$page_copy
    check_command install
    if [ "$SCEN_FAILED" = 1 ]; then SCEN_FAILED=0; else fail "a page without install's --dry-run passed"; fi
}

# The built pages are roff that man(1) renders, without warnings.
the_pages_render() {
    local page out
    for page in relgate.1 relgate-rules.7 relgate.toml.5; do
        if [ ! -f "$MAN_DIR/$page.gz" ]; then
            fail "not built: $MAN_DIR/$page.gz"
            continue
        fi
        out=$(MANWIDTH=80 man --warnings -l "$MAN_DIR/$page.gz" 2>&1 >/dev/null)
        [ -z "$out" ] || fail "man -l $page.gz warns: $out"
        MANWIDTH=80 man -l "$MAN_DIR/$page.gz" 2>/dev/null | grep -q '^NAME' || fail "$page.gz has no NAME section"
    done
}

command -v man >/dev/null || { echo "ok - skipped: no man(1) (man-db)"; exit 125; }
run_scenario "every command and option of relgate --help is in relgate(1)" every_command_and_option_is_in_the_page
run_scenario "the check finds a missing option" the_check_finds_a_missing_entry
run_scenario "the built manual pages render" the_pages_render
finish
