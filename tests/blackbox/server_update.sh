#!/usr/bin/env bash
# Black-box suite: the core scenarios through the server `update` hook
# (`relgate install --repo DIR --hook update`), which git runs once per ref.
#
#   bash tests/blackbox/server_update.sh [path/to/relgate]

. "$(dirname "$0")/lib.sh" "$@"

# The hook installed is `update`, and no pre-receive hook.
install_update_hook_only() {
    make_server update
    [ -e "$SERVER/hooks/pre-receive" ] && fail "install --hook update also installed pre-receive"
    local real
    real=$(readlink -f "$RELGATE_BIN")
    grep -qF -e "$RELGATE_BIN" -e "$real" "$SERVER/hooks/update" \
        || fail "hooks/update does not name $RELGATE_BIN"
}

# rc1 -> fix -> rc2 -> final at rc2 -> release/v0.1 at the final tag.
rc_rc_final_branch_accepted() {
    setup_repo update
    must git tag v0.1.0-rc1 main
    expect_accept git push origin v0.1.0-rc1
    assert_remote_ref refs/tags/v0.1.0-rc1 main
    commit_file "fix: bug found in rc1"
    expect_accept git push origin main
    must git tag v0.1.0-rc2 main
    expect_accept git push origin v0.1.0-rc2
    must git tag v0.1.0 v0.1.0-rc2
    expect_accept git push origin v0.1.0
    must git branch release/v0.1 v0.1.0
    expect_accept git push origin release/v0.1
    assert_remote_ref refs/tags/v0.1.0 v0.1.0-rc2
    assert_remote_ref refs/heads/release/v0.1 v0.1.0
}

rc_skipping_rejected() {
    setup_repo update
    must git tag v0.1.0-rc1 main
    must git push -q origin v0.1.0-rc1
    must git tag v0.1.0-rc3 main
    expect_reject "T4 rc-sequence" git push origin v0.1.0-rc3
    assert_output_contains "relgate: T4 rc-sequence: refs/tags/v0.1.0-rc3"
    assert_remote_ref_absent refs/tags/v0.1.0-rc3
}

bad_tag_name_rejected() {
    setup_repo update
    must git tag v0.1.0-RC1 main
    expect_reject "T1 tag-name" git push origin v0.1.0-RC1
    assert_output_matches 'hint:.*v0\.1\.0-rc1([^0-9]|$)'
}

delete_release_tag_rejected() {
    setup_repo update
    must git tag v0.1.0-rc1 main
    must git push -q origin v0.1.0-rc1
    expect_reject "T2 tag-immutable" git push origin :refs/tags/v0.1.0-rc1
    assert_remote_ref refs/tags/v0.1.0-rc1 v0.1.0-rc1
}

force_push_main_rejected() {
    setup_repo update
    commit_file "feat: second"
    must git push -q origin main
    must git reset -q --hard HEAD~1
    commit_file "feat: rewritten second"
    expect_reject "B3 no-rewrite" git push -f origin main
}

delete_main_rejected() {
    setup_repo update
    expect_reject "B3 no-rewrite" git push origin :refs/heads/main
}

# The update hook judges one ref at a time: in a push of a good and a bad
# tag, the bad one is refused and the good one lands.
one_bad_ref_among_good_ones() {
    setup_repo update
    must git tag v0.1.0-rc1 main
    must git tag nightly-1 main
    must git tag v0.1.0-RC2 main
    run_cmd git push origin v0.1.0-rc1 nightly-1 v0.1.0-RC2
    [ "$LAST_RC" -ne 0 ] || fail "push with a badly named tag should fail"
    assert_output_contains "relgate: T1 tag-name"
    assert_remote_ref_absent refs/tags/v0.1.0-RC2
    assert_remote_ref refs/tags/v0.1.0-rc1 main
    assert_remote_ref refs/tags/nightly-1 main
}

# Issue 20: git passes push options to pre-receive only, so overrides never
# reach the update hook. The installer says so (and advertises no push
# options: `git push -o` then fails loudly instead of being ignored), and so
# does the refusal a maintainer gets.
overrides_need_pre_receive() {
    make_server none
    expect_accept "$RELGATE_BIN" install --repo "$SERVER" --hook update
    assert_output_contains "relgate: note: overrides (git push -o relgate.override=...) need the pre-receive hook"
    assert_output_lacks "advertisePushOptions"
    run_cmd git -C "$SERVER" config receive.advertisePushOptions
    [ "$LAST_RC" -ne 0 ] || fail "push options are advertised for the update hook"
    expect_accept "$RELGATE_BIN" --repo "$SERVER" doctor
    assert_output_contains "note: overrides (git push -o relgate.override=...) need the pre-receive hook"
    printf '[access]\nmaintainers = ["alice"]\n' >"$SERVER/relgate.toml"
    make_clone work
    cd work || exit 1
    commit_file "feat: initial commit"
    GL_USERNAME=alice must git push -q origin main
    must git tag v0.1.0-rc2 main
    GL_USERNAME=alice expect_reject "T4 rc-sequence" git push origin v0.1.0-rc2
    assert_output_contains "relgate: overrides need the pre-receive hook"
    GL_USERNAME=alice run_cmd git push -o "relgate.override=rc1 was lost" origin v0.1.0-rc2
    [ "$LAST_RC" -ne 0 ] || fail "an override through the update hook was accepted"
    assert_output_contains "the receiving end does not support push options"
    assert_remote_ref_absent refs/tags/v0.1.0-rc2
    # Anyone else's refusal does not mention overrides.
    GL_USERNAME=mallory expect_reject "T4 rc-sequence" git push origin v0.1.0-rc2
    assert_output_lacks "overrides need"
}

# Issue 20: a hook chained after relgate's update hook refuses rc1, which
# relgate accepted; rc2, the next ref of the same push, is judged against
# what really landed (no rc1), not against rc1 as if it had.
chained_update_refusal_counts() {
    setup_repo update
    printf '#!/bin/sh\n[ "$1" = refs/tags/v0.1.0-rc1 ] && { echo "chained: not rc1" >&2; exit 1; }\nexit 0\n' \
        >"$SERVER/hooks/update.relgate-chained"
    chmod +x "$SERVER/hooks/update.relgate-chained"
    must git tag v0.1.0-rc1 main
    must git tag v0.1.0-rc2 main
    expect_reject "T4 rc-sequence" git push origin v0.1.0-rc1 v0.1.0-rc2
    assert_output_contains "chained: not rc1"
    assert_remote_ref_absent refs/tags/v0.1.0-rc2
}

run_scenario install_update_hook_only install_update_hook_only
run_scenario "a chained update hook's refusal counts for the next ref" chained_update_refusal_counts
run_scenario "overrides need the pre-receive hook" overrides_need_pre_receive
run_scenario rc_rc_final_branch_accepted rc_rc_final_branch_accepted
run_scenario rc_skipping_rejected rc_skipping_rejected
run_scenario bad_tag_name_rejected bad_tag_name_rejected
run_scenario delete_release_tag_rejected delete_release_tag_rejected
run_scenario force_push_main_rejected force_push_main_rejected
run_scenario delete_main_rejected delete_main_rejected
run_scenario one_bad_ref_among_good_ones one_bad_ref_among_good_ones
finish
