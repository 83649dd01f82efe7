#!/usr/bin/env bash
# Black-box suite: the client pre-push hook (`relgate install --repo CLONE`)
# guarding pushes to a bare server that has NO hooks, so whatever is refused
# is refused by the client hook alone.
#
#   bash tests/blackbox/client_pre_push.sh [path/to/relgate]

HOOK_KIND=pre-push     # fixtures: hookless server, relgate pre-push in `work`
. "$(dirname "$0")/lib.sh" "$@"

# Most scenarios start from a fixture (see lib.sh); with HOOK_KIND=pre-push
# its server has no hooks and its clone `work` has relgate's pre-push hook.

# setup_client FOREIGN_HOOK_BODY: like the fresh fixture, but the clone had
# a pre-push hook (a /bin/sh script with FOREIGN_HOOK_BODY) *before* relgate
# was installed. An initial commit on main is pushed.
setup_client() {
    make_server none
    make_clone work
    if [ $# -gt 0 ]; then
        mkdir -p work/.git/hooks
        printf '#!/bin/sh\n%s\n' "$1" >work/.git/hooks/pre-push
        chmod +x work/.git/hooks/pre-push
    fi
    must "$RELGATE_BIN" install --repo work
    [ -x work/.git/hooks/pre-push ] || { fail "install did not create an executable pre-push hook"; exit 1; }
    cd work || exit 1
    commit_file "feat: initial commit"
    must git push -q origin main
}

install_pre_push_into_clone() {
    use_fixture fresh
    local real
    real=$(readlink -f "$RELGATE_BIN")
    grep -qF -e "$RELGATE_BIN" -e "$real" .git/hooks/pre-push \
        || fail ".git/hooks/pre-push does not name $RELGATE_BIN"
    [ -e "$SERVER/hooks/pre-receive" ] && fail "the server got a hook"
    return 0
}

rc_rc_final_branch_accepted() {
    use_fixture fresh
    must git tag v0.1.0-rc1 main
    expect_accept git push origin v0.1.0-rc1
    commit_file "fix: bug found in rc1"
    expect_accept git push origin main
    must git tag v0.1.0-rc2 main
    expect_accept git push origin v0.1.0-rc2
    must git tag v0.1.0 v0.1.0-rc2
    must git branch release/v0.1 v0.1.0
    expect_accept git push origin v0.1.0 release/v0.1
    assert_remote_ref refs/tags/v0.1.0 v0.1.0-rc2
    assert_remote_ref refs/heads/release/v0.1 v0.1.0
}

rc_skipping_rejected() {
    use_fixture rc1
    must git tag v0.1.0-rc3 main
    expect_reject "T4 rc-sequence" git push origin v0.1.0-rc3
    assert_remote_ref_absent refs/tags/v0.1.0-rc3
}

bad_tag_name_rejected() {
    use_fixture fresh
    must git tag v0.1.0-RC1 main
    expect_reject "T1 tag-name" git push origin v0.1.0-RC1
    assert_output_matches 'hint:.*v0\.1\.0-rc1([^0-9]|$)'
    assert_remote_ref_absent refs/tags/v0.1.0-RC1
}

final_past_last_rc_rejected() {
    use_fixture rc1
    commit_file "fix: late fix"
    must git push -q origin main
    must git tag v0.1.0 main
    expect_reject "T6 final-is-last-rc" git push origin v0.1.0
}

# The hook judges the *remote* ref name: pushing main to release/v0.1 (a
# refspec rename) before v0.1.0 exists is B2, and a raw commit id as the
# source is judged like a named one.
refspec_rename_judged_by_remote_name() {
    use_fixture rc1
    expect_reject "B2 branch-from-tag" git push origin main:refs/heads/release/v0.1
    expect_reject "T4 rc-sequence" git push origin "$(git rev-parse main):refs/tags/v0.1.0-rc3"
}

# Deletions reach the hook as `(delete) 0000... <ref> <old>` lines.
delete_release_tag_rejected() {
    use_fixture rc1
    expect_reject "T2 tag-immutable" git push origin :refs/tags/v0.1.0-rc1
    assert_remote_ref refs/tags/v0.1.0-rc1 v0.1.0-rc1
}

delete_main_rejected() {
    use_fixture fresh
    expect_reject "B3 no-rewrite" git push origin :refs/heads/main
    assert_remote_ref refs/heads/main main
}

delete_feature_branch_accepted() {
    use_fixture fresh
    must git checkout -q -b feature/x
    commit_file "feat: x"
    must git push -q origin feature/x
    expect_accept git push origin :refs/heads/feature/x
    assert_remote_ref_absent refs/heads/feature/x
}

force_push_main_rejected() {
    use_fixture fresh
    commit_file "feat: second"
    must git push -q origin main
    must git reset -q --hard HEAD~1
    commit_file "feat: rewritten second"
    expect_reject "B3 no-rewrite" git push -f origin main
}

# stale_setup: this clone (work) pushed rc1 and a fix on main; then another
# clone (../other) pushed one more fix on main. work has not fetched, so
# the remote has a commit work lacks.
stale_setup() {
    use_fixture rc1
    commit_file "fix: first fix"
    must git push -q origin main
    make_clone ../other
    (
        cd ../other || exit 1
        commit_file "fix: fix from the other clone"
        must git push -q origin main
    ) || exit 1
}

# Pushing a new rc tag without fetching first works: the hook judges it by
# what the clone knows and does not trip over the remote's unknown objects.
stale_clone_pushes_tag_accepted() {
    stale_setup
    must git tag v0.1.0-rc2 main
    expect_accept git push origin v0.1.0-rc2
    assert_output_lacks "relgate: error"
    assert_remote_ref refs/tags/v0.1.0-rc2 main
}

# The other clone cut rc2 at its commit, which this clone lacks; moving rc2
# here is still refused as T2 (the old id is known even if its object is not).
stale_clone_moves_tag_rejected() {
    stale_setup
    (
        cd ../other || exit 1
        must git tag v0.1.0-rc2 main
        must git push -q --no-verify origin v0.1.0-rc2
    ) || exit 1
    must git tag v0.1.0-rc2 main
    expect_reject "T2 tag-immutable" git push -f origin v0.1.0-rc2
}

# Force-pushing main over a remote commit this clone has never seen is a
# rewrite too.
stale_clone_force_push_main_rejected() {
    stale_setup
    expect_reject "B3 no-rewrite" git push -f origin main
}

# An existing pre-push hook keeps running after install: it gets git's
# arguments and stdin, and the push goes through when both agree.
foreign_hook_kept_running() {
    local marker=$SCENARIO_DIR/foreign.marker
    setup_client "echo \"args: \$*\" >>'$marker'; cat >>'$marker'; exit 0"
    rm -f "$marker"
    must git tag v0.1.0-rc1 main
    expect_accept git push origin v0.1.0-rc1
    if [ ! -f "$marker" ]; then
        fail "the foreign pre-push hook did not run"
        return
    fi
    sed 's/^/    marker| /' "$marker"
    grep -q "^args: origin $SERVER\$" "$marker" \
        || fail "foreign hook did not get the arguments 'origin $SERVER'"
    grep -q "^refs/tags/v0.1.0-rc1 $(git rev-parse v0.1.0-rc1) refs/tags/v0.1.0-rc1 0\{40\}\$" "$marker" \
        || fail "foreign hook did not get git's stdin line for v0.1.0-rc1"
    assert_remote_ref refs/tags/v0.1.0-rc1 main
}

# An existing pre-push hook that refuses still refuses, although relgate
# would accept the push.
foreign_hook_refusal_respected() {
    # refuses tags only, so that the initial push of main goes through
    setup_client 'if grep -q "^refs/tags/"; then echo "foreign-hook-refused" >&2; exit 1; fi; exit 0'
    must git tag v0.1.0-rc1 main
    expect_fail "foreign-hook-refused" git push origin v0.1.0-rc1
    assert_remote_ref_absent refs/tags/v0.1.0-rc1
}

# A foreign hook that accepts does not override relgate's refusal.
foreign_hook_accepts_relgate_refuses() {
    setup_client 'cat >/dev/null; exit 0'
    must git tag v0.1.0-RC1 main
    expect_reject "T1 tag-name" git push origin v0.1.0-RC1
}

# Installing twice does not chain relgate to itself: the foreign hook still
# runs exactly once per push and the push finishes.
install_twice_idempotent() {
    local count=$SCENARIO_DIR/foreign.count
    setup_client "cat >/dev/null; echo run >>'$count'; exit 0"
    must "$RELGATE_BIN" install --repo .
    rm -f "$count"
    must git tag v0.1.0-rc1 main
    expect_accept git push origin v0.1.0-rc1
    local n
    n=$(wc -l <"$count" 2>/dev/null || echo 0)
    [ "$n" -eq 1 ] || fail "foreign hook ran $n times, expected once"
    must git tag v0.1.0-RC2 main
    expect_reject "T1 tag-name" git push origin v0.1.0-RC2
}

# relgate.toml in the clone's git dir is picked up by the client hook.
client_config_in_git_dir() {
    use_fixture fresh
    printf '[rules]\ntag-name = "warn"\n' >.git/relgate.toml
    must git tag v0.1.0-RC1 main
    expect_accept git push origin v0.1.0-RC1
    assert_output_contains "relgate: warning: T1 tag-name"
}

# With core.hooksPath set, install puts the hook where git will run it.
install_honours_core_hooks_path() {
    make_server none
    make_clone work
    cd work || exit 1
    must git config core.hooksPath .githooks
    must "$RELGATE_BIN" install --repo .
    [ -x .githooks/pre-push ] || fail "no executable .githooks/pre-push"
    commit_file "feat: initial commit"
    must git push -q origin main
    must git tag v0.1.0-RC1 main
    expect_reject "T1 tag-name" git push origin v0.1.0-RC1
}

# The client hook is advisory: --no-verify skips it.
no_verify_skips_hook() {
    use_fixture fresh
    must git tag v0.1.0-RC1 main
    expect_accept git push --no-verify origin v0.1.0-RC1
    assert_remote_ref refs/tags/v0.1.0-RC1 main
}

run_scenario install_pre_push_into_clone install_pre_push_into_clone
run_scenario rc_rc_final_branch_accepted rc_rc_final_branch_accepted
run_scenario rc_skipping_rejected rc_skipping_rejected
run_scenario bad_tag_name_rejected bad_tag_name_rejected
run_scenario final_past_last_rc_rejected final_past_last_rc_rejected
run_scenario refspec_rename_judged_by_remote_name refspec_rename_judged_by_remote_name
run_scenario delete_release_tag_rejected delete_release_tag_rejected
run_scenario delete_main_rejected delete_main_rejected
run_scenario delete_feature_branch_accepted delete_feature_branch_accepted
run_scenario force_push_main_rejected force_push_main_rejected
run_scenario stale_clone_pushes_tag_accepted stale_clone_pushes_tag_accepted
run_scenario stale_clone_moves_tag_rejected stale_clone_moves_tag_rejected
run_scenario stale_clone_force_push_main_rejected stale_clone_force_push_main_rejected
run_scenario foreign_hook_kept_running foreign_hook_kept_running
run_scenario foreign_hook_refusal_respected foreign_hook_refusal_respected
run_scenario foreign_hook_accepts_relgate_refuses foreign_hook_accepts_relgate_refuses
run_scenario install_twice_idempotent install_twice_idempotent
run_scenario client_config_in_git_dir client_config_in_git_dir
run_scenario install_honours_core_hooks_path install_honours_core_hooks_path
run_scenario no_verify_skips_hook no_verify_skips_hook
finish
