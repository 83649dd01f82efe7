#!/usr/bin/env bash
# Black-box suite: hostile input that once got through (issue 19), each with
# real pushes to a server guarded by the pre-receive hook:
# - freeze.docs_paths globs: many `**` on a deep path are matched without
#   backtracking; a glob over 256 bytes is refused where it is written.
#
#   bash tests/blackbox/hostile_input.sh [path/to/relgate]

. "$(dirname "$0")/lib.sh" "$@"

# expect_hook_error TEXT CMD...: CMD (a push) is refused and the hook said
# exactly one thing, a `relgate: error:` line containing TEXT: no crash, no
# second line.
expect_hook_error() {
    local text=$1
    shift
    expect_fail "$text" "$@" || return 1
    local remote
    remote=$(grep -c '^remote: ' "$LAST_OUTPUT")
    [ "$remote" -eq 1 ] || fail "expected exactly one line from the hook, got $remote"
    grep -q '^remote: relgate: error: ' "$LAST_OUTPUT" || fail "the hook's line is not 'relgate: error: ...'"
}

# deep_dir N: the relative path d1/d2/.../dN.
deep_dir() {
    local i out=d1
    for ((i = 2; i <= $1; i++)); do out+=/d$i; done
    printf '%s' "$out"
}

# --- 1. globs ---------------------------------------------------------------

# Twelve `**` against a 40-deep path: a backtracking matcher tries every way
# to split the path among them (8 took 7.5 s; 12 never finished, and the
# hook held relgate.lock all the while). Main is frozen (rc1), so F1 asks
# the glob about each changed path.
glob_with_many_double_stars() {
    use_fixture rc1
    local stars='' dir
    for _ in 1 2 3 4 5 6 7 8 9 10 11 12; do stars+='**/'; done
    printf '[freeze]\ndocs_paths = ["%sx.md"]\n' "$stars" >"$SERVER/relgate.toml"
    dir=$(deep_dir 40)
    mkdir -p "$dir"
    echo code >"$dir/y.txt"
    must git add "$dir/y.txt"
    must git commit -q -m "feat: deep code"
    expect_reject "F1 freeze-fixes-only" git push origin main
    # The same glob still says yes where it should.
    must git reset -q --hard HEAD~1
    mkdir -p "$dir"
    echo docs >"$dir/x.md"
    must git add "$dir/x.md"
    must git commit -q -m "feat: deep docs"
    expect_accept git push origin main
}

glob_over_256_bytes_refused() {
    use_fixture rc1
    printf '[freeze]\ndocs_paths = ["docs/%s/**"]\n' "$(printf 'a%.0s' $(seq 300))" >"$SERVER/relgate.toml"
    commit_file "fix: anything"
    expect_hook_error "freeze.docs_paths: a glob of 308 bytes; at most 256 are allowed" git push origin main
}

run_scenario "12 ** in a docs glob on a 40-deep path: judged, not backtracked" glob_with_many_double_stars
run_scenario "a docs glob over 256 bytes is refused where it is written" glob_over_256_bytes_refused

finish
