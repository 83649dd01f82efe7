#!/usr/bin/env bash
# Black-box suite: the remote's state as a clone, a fork and a CI runner see
# it. `relgate check` in a checkout built the way actions/checkout builds it;
# local tags that are not releases; freeze declarations and the view's age
# in a clone; an unknown remote; a fork with upstream as the canonical
# remote. Real bare repositories with the pre-receive hook, real clones with
# the pre-push hook, real pushes.
#
#   bash tests/blackbox/client_view.sh [path/to/relgate]

. "$(dirname "$0")/lib.sh" "$@"

ZERO=0000000000000000000000000000000000000000

# ci_checkout DIR REF: a checkout as actions/checkout (fetch-depth: 0) makes
# it for a push of REF: every branch as refs/remotes/origin/*, every tag,
# the CI notes; HEAD detached at a tag, or a local branch for a branch push.
# An existing DIR is reused, as a self-hosted runner reuses its workspace
# (local branches of earlier runs stay, and go stale). Entered.
ci_checkout() {
    local dir=$1 ref=$2
    if [ ! -d "$dir/.git" ]; then
        must git init -q "$dir"
        must git -C "$dir" remote add origin "$SERVER"
    fi
    cd "$dir" || exit 1
    must git fetch -q --prune origin '+refs/heads/*:refs/remotes/origin/*' '+refs/tags/*:refs/tags/*'
    git ls-remote --exit-code origin refs/notes/ci >/dev/null 2>&1 && must git fetch -q origin '+refs/notes/ci:refs/notes/ci'
    case $ref in
        refs/tags/*) must git checkout -q --force "$ref" ;;
        refs/heads/*) must git checkout -q --force -B "${ref#refs/heads/}" "refs/remotes/origin/${ref#refs/heads/}" ;;
    esac
}

# check_push REF OLD NEW: what the README's workflow runs after a push.
check_push() { run_cmd "$RELGATE_BIN" check "$1" "$2" "$3"; }

# The pushes of one release cycle, each judged afterwards in a CI checkout.
ci_runner() {
    use_fixture fresh
    local work=$PWD rc1 fin old new patch runner=$SCENARIO_DIR/runner
    # An earlier run on the runner checked out main; main has moved on since.
    ci_checkout "$runner" refs/heads/main
    cd "$work" || exit 1
    commit_file "feat: after the runner's last run"
    must git push -q origin main
    must git tag v0.1.0-rc1 main
    must git push -q origin v0.1.0-rc1
    rc1=$(git rev-parse main)
    ci_checkout "$runner" refs/tags/v0.1.0-rc1
    check_push refs/tags/v0.1.0-rc1 "$ZERO" "$rc1"
    [ "$LAST_RC" -eq 0 ] || fail "check refused the rc1 the server accepted"
    cd "$work" || exit 1
    must git tag v0.1.0 v0.1.0-rc1
    must git push -q origin v0.1.0
    must git branch release/v0.1 v0.1.0
    must git push -q origin release/v0.1
    ci_checkout "$runner" refs/tags/v0.1.0
    check_push refs/tags/v0.1.0 "$ZERO" "$rc1"
    [ "$LAST_RC" -eq 0 ] || fail "check refused the final tag the server accepted"
    cd "$work" || exit 1
    # A backport: a fix on main, picked onto release/v0.1.
    commit_file "fix: crash on start"
    must git push -q origin main
    old=$(git rev-parse release/v0.1)
    must git checkout -q release/v0.1
    must git cherry-pick -x main
    must git push -q origin release/v0.1
    new=$(git rev-parse HEAD)
    must git checkout -q main
    ci_checkout "$runner" refs/heads/release/v0.1
    check_push refs/heads/release/v0.1 "$old" "$new"
    [ "$LAST_RC" -eq 0 ] || fail "check refused the backport the server accepted"
    cd "$work" || exit 1
    # The patch tag, with CI's result recorded.
    ci_note "success build" release/v0.1
    must git push -q origin refs/notes/ci
    must git tag v0.1.1 release/v0.1
    must git push -q origin v0.1.1
    patch=$(git rev-parse v0.1.1)
    ci_checkout "$runner" refs/tags/v0.1.1
    check_push refs/tags/v0.1.1 "$ZERO" "$patch"
    [ "$LAST_RC" -eq 0 ] || fail "check refused the patch tag the server accepted"
    cd "$work" || exit 1
    # Not a test that cannot fail: a tag the server would refuse, refused.
    ci_checkout "$runner" refs/tags/v0.1.1
    expect_reject "T3 rc-only-for-minor" "$RELGATE_BIN" check refs/tags/v0.1.1-rc1 "$ZERO" "$patch"
    cd "$work" || exit 1
}

# A developer clone whose main is behind origin/main judges by origin/main.
behind_main() {
    use_fixture fresh
    make_clone "$SCENARIO_DIR/other"
    (cd "$SCENARIO_DIR/other" && commit_file "fix: newer" && must git push -q origin main) || exit 1
    must git fetch -q origin
    local tip
    tip=$(git rev-parse origin/main)
    [ "$(git rev-parse main)" != "$tip" ] || fail "setup: main should be behind"
    expect_accept "$RELGATE_BIN" check refs/tags/v0.1.0-rc1 "$ZERO" "$tip"
    expect_fail "there is no remote named" "$RELGATE_BIN" check --remote upstream refs/tags/v0.1.0-rc1 "$ZERO" "$tip"
}

# A refused local tag is not a release: following T6's hint works, status
# marks the tag, next does not propose the release branch.
local_tags() {
    use_fixture rc1
    must "$RELGATE_BIN" install
    must git fetch -q origin
    commit_file "fix: after rc1"
    must git push -q origin main
    must git tag v0.1.0 main
    expect_reject "T6 final-is-last-rc" git push origin v0.1.0
    assert_output_contains "git tag -d v0.1.0"
    # T6's hint: test what is new as rc2.
    must git tag v0.1.0-rc2 origin/main
    expect_accept git push origin v0.1.0-rc2
    expect_accept "$RELGATE_BIN" status
    assert_output_contains "Local tags that origin does not have (not releases): v0.1.0"
    assert_output_lacks "released"
    paste_command "delete one that was refused: "
    git rev-parse -q --verify refs/tags/v0.1.0 >/dev/null && fail "the pasted command did not delete the tag"
    must git tag v0.1.0 main
    run_cmd "$RELGATE_BIN" next branch
    assert_output_lacks "git branch release/v0.1"
    return 0
}

# A clone sees declared freezes after a fetch, and their end; status, next
# and freeze status say how old their view is; an unknown remote is an error.
freeze_and_age() {
    use_fixture fresh
    must "$RELGATE_BIN" install
    make_clone "$SCENARIO_DIR/maintainer"
    (cd "$SCENARIO_DIR/maintainer" && must "$RELGATE_BIN" freeze start v0.1.0) || exit 1
    must git fetch -q origin
    expect_accept "$RELGATE_BIN" freeze status
    assert_output_contains "main is frozen"
    assert_output_contains "as of the last fetch from origin, just now"
    commit_file "feat: during the freeze"
    expect_reject "F1 freeze-fixes-only" git push origin main
    (cd "$SCENARIO_DIR/maintainer" && must "$RELGATE_BIN" freeze end v0.1.0) || exit 1
    must git fetch -q origin
    expect_accept "$RELGATE_BIN" freeze status
    assert_output_contains "main is not frozen"
    expect_accept git push origin main
    expect_accept "$RELGATE_BIN" status
    assert_output_contains "(as of the last fetch from origin"
    run_cmd "$RELGATE_BIN" next
    assert_output_contains "(as of the last fetch from origin"
    expect_fail "there is no remote named \"upstream\" here" "$RELGATE_BIN" status --remote upstream
    [ "$LAST_RC" -eq 2 ] || fail "an unknown remote is a usage error (exit 2), got $LAST_RC"
    expect_fail "there is no remote named" "$RELGATE_BIN" next --remote upstream
}

# A fork: origin is the person's fork, upstream the canonical repository.
# Policy and tags come from upstream only; pushes to the fork are not
# release pushes.
fork() {
    make_server pre-receive upstream.git
    local upstream=$SERVER
    make_server none fork.git
    local forkrepo=$SERVER
    make_clone seed
    (cd seed && commit_file "feat: initial" && must git push -q origin main) || exit 1
    SERVER=$upstream
    (cd seed && must git push -q "$upstream" main) || exit 1
    # The fork's own policy switches T1 off; upstream has none.
    local blob tree pol
    blob=$(printf '[rules]\ntag-name = "off"\n' | git -C seed hash-object -w --stdin)
    tree=$(printf '100644 blob %s\trelgate.toml\n' "$blob" | git -C seed mktree)
    pol=$(git -C seed commit-tree "$tree" -m policy)
    must git -C seed push -q "$forkrepo" "$pol:refs/meta/relgate"
    must git clone -q "$forkrepo" work
    cd work || exit 1
    must git remote add upstream "$upstream"
    must git fetch -q upstream
    expect_accept "$RELGATE_BIN" install --remote upstream
    must git fetch -q origin
    must git fetch -q upstream
    git rev-parse -q --verify refs/relgate/remotes/origin/meta/relgate >/dev/null &&
        fail "the fork's policy was fetched"
    must git tag v0.1.0-RC1 main
    expect_accept git push origin v0.1.0-RC1
    assert_output_contains "relgate judges pushes to upstream (relgate.remote); this push to origin is not checked"
    expect_reject "T1 tag-name" git push upstream v0.1.0-RC1
    expect_accept "$RELGATE_BIN" status
    assert_output_contains "as of the last fetch from upstream"
}

run_scenario "check in a CI checkout: rc, final, backport, patch" ci_runner
run_scenario "check in a clone whose main is behind origin/main" behind_main
run_scenario "local tags are not releases" local_tags
run_scenario "freeze declarations and the view's age in a clone" freeze_and_age
run_scenario "a fork: upstream is canonical" fork
finish
