#!/usr/bin/env bash
# Black-box suite: real `git push` (local transport) into a bare repository
# guarded by the relgate pre-receive hook. Each scenario starts from a copy
# of a fixture (server + clone `work` in a known state, see "fixtures" in
# lib.sh) and works in the clone. More rules: server_rules_more.sh.
#
#   bash tests/blackbox/server_pre_receive.sh [path/to/relgate]

. "$(dirname "$0")/lib.sh" "$@"

# --- the happy path of RELEASES.md ----------------------------------------------

# rc1 -> fix on main -> rc2 -> final at rc2 -> release/v0.1 at the final tag,
# each pushed on its own, each really lands on the server.
rc_rc_final_branch_accepted() {
    use_fixture fresh
    must git tag v0.1.0-rc1 main
    expect_accept git push origin v0.1.0-rc1
    assert_remote_ref refs/tags/v0.1.0-rc1 main
    commit_file "fix: bug found in rc1"
    expect_accept git push origin main
    must git tag v0.1.0-rc2 main
    expect_accept git push origin v0.1.0-rc2
    assert_remote_ref refs/tags/v0.1.0-rc2 main
    must git tag v0.1.0 v0.1.0-rc2
    expect_accept git push origin v0.1.0
    assert_remote_ref refs/tags/v0.1.0 v0.1.0-rc2
    must git branch release/v0.1 v0.1.0
    expect_accept git push origin release/v0.1
    assert_remote_ref refs/heads/release/v0.1 v0.1.0
}

# The final tag and its release branch arrive in one push (the rules see the
# state after the whole push, so B2 finds vX.Y.0).
final_and_branch_in_one_push_accepted() {
    use_fixture rc1
    must git tag v0.1.0 v0.1.0-rc1
    must git branch release/v0.1 v0.1.0
    expect_accept git push origin v0.1.0 release/v0.1
    assert_remote_ref refs/tags/v0.1.0 v0.1.0-rc1
    assert_remote_ref refs/heads/release/v0.1 v0.1.0
}

# An accepted push really updates the remote, and a second clone sees it.
accepted_push_updates_remote() {
    use_fixture fresh
    must git tag v0.1.0-rc1 main
    expect_accept git push origin v0.1.0-rc1
    assert_remote_ref refs/tags/v0.1.0-rc1 main
    must git clone -q "$SERVER" ../other
    if [ "$(git -C ../other rev-parse 'v0.1.0-rc1^{commit}')" != "$(git rev-parse main)" ]; then
        fail "a fresh clone does not see v0.1.0-rc1 at main"
    fi
}

# --- T4 rc-sequence ------------------------------------------------------------------

rc_skipping_rejected() {
    use_fixture rc1
    commit_file "fix: bug found in rc1"
    must git push -q origin main
    must git tag v0.1.0-rc3 main
    expect_reject "T4 rc-sequence" git push origin v0.1.0-rc3
    assert_output_contains "relgate: T4 rc-sequence: refs/tags/v0.1.0-rc3"
    assert_remote_ref_absent refs/tags/v0.1.0-rc3
}

rc_after_final_rejected() {
    use_fixture rc1
    must git tag v0.1.0 main
    must git push -q origin v0.1.0
    commit_file "feat: after the release"
    must git push -q origin main
    must git tag v0.1.0-rc2 main
    expect_reject "T4 rc-sequence" git push origin v0.1.0-rc2
}

# An rc is cut from main: tagging a commit that only a side branch has fails.
rc_not_on_main_rejected() {
    use_fixture fresh
    must git checkout -q -b feature/side
    commit_file "feat: side work"
    must git push -q origin feature/side
    must git tag v0.1.0-rc1 feature/side
    expect_reject "T4 rc-sequence" git push origin v0.1.0-rc1
    assert_output_contains "relgate: T4 rc-sequence: refs/tags/v0.1.0-rc1"
}

# --- T6 final-is-last-rc -------------------------------------------------------------

# main moved on after rc1 (a fix), and the final tag was cut at main instead
# of at the last rc.
final_past_last_rc_rejected() {
    use_fixture rc1
    commit_file "fix: late fix"
    must git push -q origin main
    must git tag v0.1.0 main
    expect_reject "T6 final-is-last-rc" git push origin v0.1.0
    # the block: `relgate: ID name: ref: why`, then the commit, then hints
    assert_output_matches '^remote: relgate: T6 final-is-last-rc: refs/tags/v0\.1\.0: '
    assert_output_matches '^remote:   commit [0-9a-f]{7,40} fix: late fix'
    assert_output_matches '^remote:   hint: '
}

final_without_rc_rejected() {
    use_fixture fresh
    must git tag v0.1.0 main
    expect_reject "T6 final-is-last-rc" git push origin v0.1.0
}

# --- T5 next-line ---------------------------------------------------------------------

# v0.1 is released; the next line is v0.2, not v0.3.
skipped_line_rejected() {
    use_fixture released
    commit_file "feat: more work"
    must git push -q origin main
    must git tag v0.3.0-rc1 main
    expect_reject "T5 next-line" git push origin v0.3.0-rc1
    must git tag -d v0.3.0-rc1
    must git tag v0.2.0-rc1 main
    expect_accept git push origin v0.2.0-rc1
}

# --- T1 tag-name -------------------------------------------------------------------------

# bad_tag_name_rejected TAG [SUGGESTION]: TAG looks like a version but is not
# spelled vX.Y.Z or vX.Y.Z-rcN. If SUGGESTION is given, a hint names it.
bad_tag_name_rejected() {
    local tag=$1 suggestion=${2:-}
    use_fixture fresh
    must git tag "$tag" main
    expect_reject "T1 tag-name" git push origin "refs/tags/$tag"
    assert_output_contains "refs/tags/$tag"
    if [ -n "$suggestion" ]; then
        # the suggested name, not followed by more version characters
        local re
        re="hint:.*$(printf '%s' "$suggestion" | sed 's/\./\\./g')([^.0-9A-Za-z-]|$)"
        assert_output_matches "$re"
    fi
    assert_remote_ref_absent "refs/tags/$tag"
}

# A tag that does not look like a version is left alone, also when deleted.
other_tag_accepted() {
    use_fixture fresh
    must git tag nightly-foo main
    expect_accept git push origin nightly-foo
    assert_remote_ref refs/tags/nightly-foo main
    expect_accept git push origin :refs/tags/nightly-foo
    assert_remote_ref_absent refs/tags/nightly-foo
}

# --- T2 tag-immutable ----------------------------------------------------------------

delete_release_tag_rejected() {
    use_fixture rc1
    expect_reject "T2 tag-immutable" git push origin :refs/tags/v0.1.0-rc1
    assert_remote_ref refs/tags/v0.1.0-rc1 v0.1.0-rc1
}

move_release_tag_rejected() {
    use_fixture rc1
    local old
    old=$(git rev-parse main)
    commit_file "fix: after rc1"
    must git push -q origin main
    must git tag -f v0.1.0-rc1 main
    expect_reject "T2 tag-immutable" git push -f origin v0.1.0-rc1
    if [ "$(git -C "$SERVER" rev-parse 'v0.1.0-rc1^{commit}')" != "$old" ]; then
        fail "the server's v0.1.0-rc1 moved"
    fi
}

# --- B1 branch-name ------------------------------------------------------------------

# bad_branch_name_rejected BRANCH: after v0.1 is released, a branch named
# BRANCH at v0.1.0 is rejected and the hint names release/v0.1.
bad_branch_name_rejected() {
    local branch=$1
    use_fixture released
    must git branch "$branch" v0.1.0
    expect_reject "B1 branch-name" git push origin "refs/heads/$branch"
    assert_output_contains "refs/heads/$branch"
    assert_output_matches 'hint:.*release/v0\.1([^.0-9A-Za-z-]|$)'
    assert_remote_ref_absent "refs/heads/$branch"
}

# Feature branches are free: create, force-push, delete.
feature_branch_accepted() {
    use_fixture fresh
    must git checkout -q -b feature/x
    commit_file "feat: x"
    expect_accept git push origin feature/x
    assert_remote_ref refs/heads/feature/x feature/x
    must git commit -q --amend -m "feat: x, reworded"
    expect_accept git push -f origin feature/x
    assert_remote_ref refs/heads/feature/x feature/x
    expect_accept git push origin :refs/heads/feature/x
    assert_remote_ref_absent refs/heads/feature/x
}

# --- B3 no-rewrite ---------------------------------------------------------------------

delete_main_rejected() {
    use_fixture fresh
    expect_reject "B3 no-rewrite" git push origin :refs/heads/main
    assert_remote_ref refs/heads/main main
}

force_push_main_rejected() {
    use_fixture fresh
    commit_file "feat: second"
    must git push -q origin main
    must git reset -q --hard HEAD~1
    commit_file "feat: rewritten second"
    expect_reject "B3 no-rewrite" git push -f origin main
}

# release/v0.1 with one backport; deleting it is rejected.
delete_release_branch_rejected() {
    use_fixture patch
    expect_reject "B3 no-rewrite" git push origin :refs/heads/release/v0.1
    assert_remote_ref refs/heads/release/v0.1 release/v0.1
}

# release/v0.1 with one backport; replacing it by a different history is
# rejected.
force_push_release_branch_rejected() {
    use_fixture patch
    must git checkout -q main
    commit_file "fix: another crash"
    must git push -q origin main
    must git checkout -q release/v0.1
    must git reset -q --hard v0.1.0
    must git cherry-pick -x main
    expect_reject "B3 no-rewrite" git push -f origin release/v0.1
}

# --- T7 patch-sequence and T8 ci-green -----------------------------------------------

# patch_setup: v0.1 released and one backport on release/v0.1.
patch_setup() {
    use_fixture patch
    must git tag v0.1.1 release/v0.1
}

patch_without_ci_rejected() {
    patch_setup
    expect_reject "T8 ci-green" git push origin v0.1.1
}

patch_with_pending_ci_rejected() {
    patch_setup
    ci_note "pending build" v0.1.1
    must git push -q origin refs/notes/ci
    expect_reject "T8 ci-green" git push origin v0.1.1
}

patch_with_failed_ci_rejected() {
    patch_setup
    ci_note "failure build https://ci.example/1" v0.1.1
    must git push -q origin refs/notes/ci
    expect_reject "T8 ci-green" git push origin v0.1.1
}

patch_with_green_ci_accepted() {
    patch_setup
    ci_note "success build https://ci.example/2" v0.1.1
    must git push -q origin refs/notes/ci
    expect_accept git push origin v0.1.1
    assert_remote_ref refs/tags/v0.1.1 release/v0.1
}

# The note may arrive in the same push as the tag.
patch_with_green_ci_same_push_accepted() {
    patch_setup
    ci_note "success build" v0.1.1
    expect_accept git push origin refs/notes/ci v0.1.1
    assert_remote_ref refs/tags/v0.1.1 release/v0.1
}

patch_skipping_number_rejected() {
    use_fixture patch
    must git tag v0.1.2 release/v0.1
    ci_note "success build" v0.1.2
    must git push -q origin refs/notes/ci
    expect_reject "T7 patch-sequence" git push origin v0.1.2
}

# A patch tag is cut from release/vX.Y, not from main.
patch_not_on_release_branch_rejected() {
    use_fixture released
    commit_file "fix: only on main"
    must git push -q origin main
    must git tag v0.1.1 main
    ci_note "success build" v0.1.1
    must git push -q origin refs/notes/ci
    expect_reject "T7 patch-sequence" git push origin v0.1.1
}

run_scenario rc_rc_final_branch_accepted rc_rc_final_branch_accepted
run_scenario final_and_branch_in_one_push_accepted final_and_branch_in_one_push_accepted
run_scenario accepted_push_updates_remote accepted_push_updates_remote
run_scenario rc_skipping_rejected rc_skipping_rejected
run_scenario rc_after_final_rejected rc_after_final_rejected
run_scenario rc_not_on_main_rejected rc_not_on_main_rejected
run_scenario final_past_last_rc_rejected final_past_last_rc_rejected
run_scenario final_without_rc_rejected final_without_rc_rejected
run_scenario skipped_line_rejected skipped_line_rejected
run_scenario "bad_tag_name_rejected v0.1.0-RC1"   bad_tag_name_rejected v0.1.0-RC1 v0.1.0-rc1
run_scenario "bad_tag_name_rejected v0.1.0-rc.1"  bad_tag_name_rejected v0.1.0-rc.1 v0.1.0-rc1
run_scenario "bad_tag_name_rejected v0.1"         bad_tag_name_rejected v0.1
run_scenario "bad_tag_name_rejected 0.1.0"        bad_tag_name_rejected 0.1.0 v0.1.0
run_scenario "bad_tag_name_rejected v01.1.0"      bad_tag_name_rejected v01.1.0 v1.1.0
run_scenario "bad_tag_name_rejected v0.1.0-rc0"   bad_tag_name_rejected v0.1.0-rc0
run_scenario "bad_tag_name_rejected v0.1.0-beta.1" bad_tag_name_rejected v0.1.0-beta.1
run_scenario other_tag_accepted other_tag_accepted
run_scenario delete_release_tag_rejected delete_release_tag_rejected
run_scenario move_release_tag_rejected move_release_tag_rejected
run_scenario "bad_branch_name_rejected release/v0.1.0" bad_branch_name_rejected release/v0.1.0
run_scenario "bad_branch_name_rejected release/0.1"    bad_branch_name_rejected release/0.1
run_scenario "bad_branch_name_rejected releases/v0.1"  bad_branch_name_rejected releases/v0.1
run_scenario "bad_branch_name_rejected release/v0.1-fix" bad_branch_name_rejected release/v0.1-fix
run_scenario feature_branch_accepted feature_branch_accepted
run_scenario delete_main_rejected delete_main_rejected
run_scenario force_push_main_rejected force_push_main_rejected
run_scenario delete_release_branch_rejected delete_release_branch_rejected
run_scenario force_push_release_branch_rejected force_push_release_branch_rejected
run_scenario patch_without_ci_rejected patch_without_ci_rejected
run_scenario patch_with_pending_ci_rejected patch_with_pending_ci_rejected
run_scenario patch_with_failed_ci_rejected patch_with_failed_ci_rejected
run_scenario patch_with_green_ci_accepted patch_with_green_ci_accepted
run_scenario patch_with_green_ci_same_push_accepted patch_with_green_ci_same_push_accepted
run_scenario patch_skipping_number_rejected patch_skipping_number_rejected
run_scenario patch_not_on_release_branch_rejected patch_not_on_release_branch_rejected
finish
