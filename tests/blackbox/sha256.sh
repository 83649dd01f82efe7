#!/usr/bin/env bash
# Black-box suite: SHA-256 repositories (git --object-format=sha256).
# relgate reads repositories through Debian 12's libgit2 1.5, which knows
# SHA-1 only. So relgate cannot judge a SHA-256 repository; what it must do
# is say so in one line and, on the server, refuse every push (fail closed)
# rather than let anything through unjudged. (The hook input parser does
# take 64-digit ids and 64 zeros; see the unit tests.)
# Skipped (exit 125) when this git cannot make SHA-256 repositories.
#
#   bash tests/blackbox/sha256.sh [path/to/relgate]

. "$(dirname "$0")/lib.sh" "$@"
HOOKS_SRC=$(cd "$(dirname "$0")/../../hooks" && pwd)

if ! git init -q --bare --object-format=sha256 "$SUITE_TMP/probe.git" 2>/dev/null; then
    echo "# skipped: git cannot create SHA-256 repositories"
    rm -rf "$SUITE_TMP"
    exit 125
fi

# install refuses with one clear line and exit 2.
sha256_install_refused() {
    must git init -q --bare --object-format=sha256 server.git
    run_cmd "$RELGATE_BIN" install --repo server.git
    [ "$LAST_RC" -eq 2 ] || fail "install into a SHA-256 repository should exit 2, got $LAST_RC"
    assert_output_contains "relgate: error: SHA-256 repositories are not supported"
    [ "$(wc -l <"$LAST_STDERR")" -eq 1 ] || fail "expected exactly one line on stderr"
}

# The hook, put in place by hand, refuses what it is given: fail closed.
# (git 2.39 cannot push into a SHA-256 repository over any transport yet,
# so the hook is run the way receive-pack runs it.)
sha256_hook_refuses() {
    must git init -q --bare --object-format=sha256 server.git
    SERVER=$(cd server.git && pwd)
    mkdir -p "$SERVER/hooks"
    sed "s|@RELGATE_BIN@|$RELGATE_BIN|" "$HOOKS_SRC/pre-receive" >"$SERVER/hooks/pre-receive"
    chmod +x "$SERVER/hooks/pre-receive"
    local id zero
    id=$(echo x | git -C "$SERVER" hash-object -w --stdin)
    zero=$(printf '0%.0s' $(seq 64))
    printf '%s %s refs/tags/v0.1.0-rc1\n' "$zero" "$id" >input
    cd "$SERVER" || exit 1
    STDIN_FILE=$SCENARIO_DIR/input run_cmd env GIT_DIR=. hooks/pre-receive
    [ "$LAST_RC" -eq 2 ] || fail "the hook should refuse with exit 2, got $LAST_RC"
    assert_output_contains "relgate: error: SHA-256 repositories are not supported"
}

run_scenario "SHA-256: install refused" sha256_install_refused
run_scenario "SHA-256: the hook refuses (fail closed)" sha256_hook_refuses
finish
