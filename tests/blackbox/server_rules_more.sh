#!/usr/bin/env bash
# Black-box suite: more of the rule book through real `git push` into a bare
# repository with the relgate pre-receive hook (the core scenarios are in
# server_pre_receive.sh; these are split off to keep each suite short):
# `relgate check`, annotated tags, more of T3-T7, B2, CI details, policy
# files in the git dir (warn/off, T9, ci.required), GitLab's prefix, several
# violations at once, the installed hook script, a chained foreign
# pre-receive hook, the F1 freeze. Fixtures: see lib.sh.
#
#   bash tests/blackbox/server_rules_more.sh [path/to/relgate]

. "$(dirname "$0")/lib.sh" "$@"

# patch_setup: v0.1 released, one backport on release/v0.1, v0.1.1 tagged
# there locally (not pushed).
patch_setup() {
    use_fixture patch
    must git tag v0.1.1 release/v0.1
}

# A pre-receive hook that was there before install keeps running (chained)
# and its refusal counts, although relgate accepts.
foreign_pre_receive_chained() {
    make_server none
    mkdir -p "$SERVER/hooks"
    printf '#!/bin/sh\nif grep -q refs/tags/; then echo foreign-pre-receive-refused >&2; exit 1; fi\nexit 0\n' \
        >"$SERVER/hooks/pre-receive"
    chmod +x "$SERVER/hooks/pre-receive"
    must "$RELGATE_BIN" install --repo "$SERVER"
    make_clone work
    cd work || exit 1
    commit_file "feat: initial commit"
    expect_accept git push origin main
    must git tag v0.1.0-rc1 main
    expect_fail "foreign-pre-receive-refused" git push origin v0.1.0-rc1
    must git tag v0.1.0-RC2 main
    expect_reject "T1 tag-name" git push origin v0.1.0-RC2
}

# `relgate check REF OLD NEW...` judges updates against the repository it
# runs in and changes nothing: exit 0 for a good update, 1 for a bad one.
check_subcommand_judges_updates() {
    use_fixture rc1
    local zero=0000000000000000000000000000000000000000 head
    head=$(git rev-parse main)
    cd "$SERVER" || exit 1
    expect_accept "$RELGATE_BIN" check refs/tags/v0.1.0-rc2 "$zero" "$head"
    expect_reject "T4 rc-sequence" "$RELGATE_BIN" check refs/tags/v0.1.0-rc3 "$zero" "$head"
    expect_reject "T1 tag-name" "$RELGATE_BIN" check \
        refs/tags/v0.1.0-rc2 "$zero" "$head" refs/tags/v0.1.0-RC3 "$zero" "$head"
    assert_remote_ref_absent refs/tags/v0.1.0-rc2
}

# Annotated tags are peeled to their commit: an annotated rc and final work
# like lightweight ones (T9 tag-annotated is off by default either way).
annotated_tags_accepted() {
    use_fixture fresh
    must git tag -a -m "rc1" v0.1.0-rc1 main
    expect_accept git push origin v0.1.0-rc1
    must git tag -a -m "v0.1.0" v0.1.0 main
    expect_accept git push origin v0.1.0
    assert_remote_ref refs/tags/v0.1.0 main
}

# The first rc of a line is rc1.
first_rc_not_rc1_rejected() {
    use_fixture fresh
    must git tag v0.1.0-rc2 main
    expect_reject "T4 rc-sequence" git push origin v0.1.0-rc2
}

# rc2 must descend from rc1: an rc2 at an older commit of main is refused.
rc_older_than_previous_rc_rejected() {
    use_fixture fresh
    commit_file "feat: more work"
    must git push -q origin main
    must git tag v0.1.0-rc1 main
    must git push -q origin v0.1.0-rc1
    must git tag v0.1.0-rc2 main~1
    expect_reject "T4 rc-sequence" git push origin v0.1.0-rc2
}

# Ancestry is exact whatever the commit dates say: a commit dated years
# before its parent (a wrong clock) neither hides an ancestor (the push is a
# fast-forward, rc2 descends from rc1) nor makes a stranger one (a force
# push to an older-dated or newer-dated side commit is a rewrite, an rc on
# a side commit does not descend from the last rc).
ancestry_with_skewed_clocks() {
    use_fixture fresh
    must git tag v0.1.0-rc1 main
    must git push -q origin v0.1.0-rc1
    local rc1
    rc1=$(git rev-parse main)
    GIT_COMMITTER_DATE="2001-01-01T00:00:00Z" commit_file "fix: made on a machine with a wrong clock"
    GIT_COMMITTER_DATE="2001-01-02T00:00:00Z" commit_file "fix: also old-dated"
    commit_file "fix: dated now"
    expect_accept git push origin main
    must git tag v0.1.0-rc2 main
    expect_accept git push origin v0.1.0-rc2
    local tip
    tip=$(git rev-parse main)
    # Side commits from rc1: one dated before everything, one after.
    must git checkout -q -b side "$rc1"
    GIT_COMMITTER_DATE="1999-01-01T00:00:00Z" commit_file "fix: old-dated side commit"
    expect_reject "B3 no-rewrite" git push --force origin side:main
    must git tag v0.1.0-rc3 side
    expect_reject "T4 rc-sequence" git push origin v0.1.0-rc3
    must git tag -d v0.1.0-rc3
    GIT_COMMITTER_DATE="2035-01-01T00:00:00Z" commit_file "fix: future-dated side commit"
    expect_reject "B3 no-rewrite" git push --force origin side:main
    must git tag v0.1.0-rc3 side
    expect_reject "T4 rc-sequence" git push origin v0.1.0-rc3
    [ "$(git --git-dir="$SERVER" rev-parse main)" = "$tip" ] || fail "main moved"
    # The same answers from relgate check on the server.
    cd "$SERVER" || exit 1
    expect_accept "$RELGATE_BIN" check refs/heads/main "$rc1" "$tip"
}

# The final tag is the *highest* rc: not rc1 when rc2 exists.
final_at_older_rc_rejected() {
    use_fixture rc1
    commit_file "fix: bug found in rc1"
    must git push -q origin main
    must git tag v0.1.0-rc2 main
    must git push -q origin v0.1.0-rc2
    must git tag v0.1.0 v0.1.0-rc1
    expect_reject "T6 final-is-last-rc" git push origin v0.1.0
}

# The first line of a repository may be any.
first_line_may_be_any() {
    use_fixture fresh
    must git tag v0.5.0-rc1 main
    expect_accept git push origin v0.5.0-rc1
}

# After v0.1, v1.0 is a next line too (major bump).
next_major_line_accepted() {
    use_fixture released
    commit_file "feat: stable API"
    must git push -q origin main
    must git tag v1.0.0-rc1 main
    expect_accept git push origin v1.0.0-rc1
}

rc_for_patch_rejected() {
    use_fixture released
    must git tag v0.1.1-rc1 release/v0.1
    expect_reject "T3 rc-only-for-minor" git push origin v0.1.1-rc1
}

# A release tag names a commit: one at a tree is refused (by some tag rule),
# not crashed on.
release_tag_at_tree_rejected() {
    use_fixture fresh
    must git tag v0.1.0-rc1 'main^{tree}'
    expect_fail "relgate: T" git push origin v0.1.0-rc1
    assert_output_lacks "relgate: error"
}

release_branch_before_final_rejected() {
    use_fixture rc1
    must git branch release/v0.1 main
    expect_reject "B2 branch-from-tag" git push origin release/v0.1
}

release_branch_not_at_final_rejected() {
    use_fixture rc1
    must git tag v0.1.0 main
    must git push -q origin v0.1.0
    commit_file "feat: after the release"
    must git push -q origin main
    must git branch release/v0.1 main
    expect_reject "B2 branch-from-tag" git push origin release/v0.1
}

# Every reported check must be green: one red check among green ones fails.
patch_with_one_red_check_rejected() {
    patch_setup
    ci_note $'success build\nfailure lint' v0.1.1
    must git push -q origin refs/notes/ci
    expect_reject "T8 ci-green" git push origin v0.1.1
}

# A note that is not in the `<state> <check> [<url>]` format is not green.
patch_with_malformed_ci_note_rejected() {
    patch_setup
    ci_note "looks fine to me" v0.1.1
    must git push -q origin refs/notes/ci
    expect_reject "T8 ci-green" git push origin v0.1.1
}

# With ci.required naming the checks, only those must be green.
patch_with_required_checks_green_accepted() {
    patch_setup
    printf '[ci]\nrequired = ["build"]\n' >"$SERVER/relgate.toml"
    ci_note $'success build\nfailure lint' v0.1.1
    must git push -q origin refs/notes/ci
    expect_accept git push origin v0.1.1
}

# v0.1 is end of life once v0.3.0 exists: no more patch releases for it.
patch_on_eol_line_rejected() {
    use_fixture patch
    cut_release 0.2
    cut_release 0.3
    must git tag v0.1.1 release/v0.1
    ci_note "success build" v0.1.1
    must git push -q origin refs/notes/ci
    expect_reject "T7 patch-sequence" git push origin v0.1.1
}

# F1: while v0.1.0-rc1 is out and v0.1.0 is not, main takes only fixes,
# security fixes and docs; the offending commit is listed.
freeze_feature_commit_rejected() {
    use_fixture rc1
    commit_file "fix: allowed during the freeze"
    commit_file "feat: not allowed during the freeze"
    expect_reject "F1 freeze-fixes-only" git push origin main
    assert_output_matches '^remote:   commit [0-9a-f]{7,40} feat: not allowed during the freeze'
    assert_output_lacks "fix: allowed during the freeze"
}

freeze_fix_and_docs_accepted() {
    use_fixture rc1
    commit_file "fix(api): a fix"
    mkdir -p docs
    echo "how to" >docs/guide.txt
    must git add docs/guide.txt
    must git commit -q -m "update the guide"
    expect_accept git push origin main
    assert_remote_ref refs/heads/main main
}

# A declared freeze (refs/freeze/vX.Y.0, step 1 of the RC phase) freezes
# main before rc1 exists.
freeze_declared_rejects_feature() {
    use_fixture fresh
    expect_accept git push origin main:refs/freeze/v0.1.0
    commit_file "feat: too late"
    expect_reject "F1 freeze-fixes-only" git push origin main
}

# relgate.toml in the bare repo's git dir is picked up: with rc-sequence at
# "warn" the skip goes through with a warning.
server_config_warn_accepts() {
    use_fixture fresh
    printf '[rules]\nrc-sequence = "warn"\n' >"$SERVER/relgate.toml"
    must git tag v0.1.0-rc1 main
    must git push -q origin v0.1.0-rc1
    must git tag v0.1.0-rc3 main
    expect_accept git push origin v0.1.0-rc3
    assert_output_contains "relgate: warning: T4 rc-sequence"
    assert_remote_ref refs/tags/v0.1.0-rc3 main
}

# A rule set to "off" says nothing at all.
server_config_off_accepts_silently() {
    use_fixture rc1
    printf '[rules]\nrc-sequence = "off"\n' >"$SERVER/relgate.toml"
    must git tag v0.1.0-rc3 main
    expect_accept git push origin v0.1.0-rc3
    assert_output_lacks "T4"
}

# T9 tag-annotated is off by default but can be switched on.
tag_annotated_when_enabled_rejected() {
    use_fixture fresh
    printf '[rules]\ntag-annotated = "error"\n' >"$SERVER/relgate.toml"
    must git tag v0.1.0-rc1 main
    expect_reject "T9 tag-annotated" git push origin v0.1.0-rc1
    must git tag -d v0.1.0-rc1
    must git tag -a -m rc1 v0.1.0-rc1 main
    expect_accept git push origin v0.1.0-rc1
}

# On GitLab (GL_ID set) rejection lines start with GL-HOOK-ERR:.
gitlab_prefix_on_rejection() {
    use_fixture fresh
    must git tag v0.1.0-RC1 main
    expect_reject "T1 tag-name" env GL_ID=user-1 git push origin v0.1.0-RC1
    assert_output_matches '^remote: GL-HOOK-ERR: relgate: T1 tag-name: refs/tags/v0\.1\.0-RC1'
}

# Several violations in one push: each is reported, nothing lands.
two_violations_one_push_rejected() {
    use_fixture fresh
    must git tag v0.1.0-RC1 main
    must git tag v0.1.0 main
    expect_reject "T1 tag-name" git push origin v0.1.0-RC1 v0.1.0
    assert_output_contains "relgate: T6 final-is-last-rc"
}

# The installed hook is a script with the installing binary's absolute path
# baked in, and it honours RELGATE from the environment.
hook_has_binary_path_and_honours_env() {
    use_fixture fresh
    local real
    real=$(readlink -f "$RELGATE_BIN")
    if ! grep -qF -e "$RELGATE_BIN" -e "$real" "$SERVER/hooks/pre-receive"; then
        fail "hooks/pre-receive does not name $RELGATE_BIN"
    fi
    printf '#!/bin/sh\necho "stub-relgate-called $*" >&2\nexit 1\n' >../stub
    chmod +x ../stub
    must git tag v0.1.0-rc1 main
    expect_fail "stub-relgate-called" env RELGATE="$(cd .. && pwd)/stub" git push origin v0.1.0-rc1
}

run_scenario foreign_pre_receive_chained foreign_pre_receive_chained
run_scenario check_subcommand_judges_updates check_subcommand_judges_updates
run_scenario annotated_tags_accepted annotated_tags_accepted
run_scenario first_rc_not_rc1_rejected first_rc_not_rc1_rejected
run_scenario rc_older_than_previous_rc_rejected rc_older_than_previous_rc_rejected
run_scenario ancestry_with_skewed_clocks ancestry_with_skewed_clocks
run_scenario final_at_older_rc_rejected final_at_older_rc_rejected
run_scenario first_line_may_be_any first_line_may_be_any
run_scenario next_major_line_accepted next_major_line_accepted
run_scenario rc_for_patch_rejected rc_for_patch_rejected
run_scenario release_tag_at_tree_rejected release_tag_at_tree_rejected
run_scenario release_branch_before_final_rejected release_branch_before_final_rejected
run_scenario release_branch_not_at_final_rejected release_branch_not_at_final_rejected
run_scenario patch_with_one_red_check_rejected patch_with_one_red_check_rejected
run_scenario patch_with_malformed_ci_note_rejected patch_with_malformed_ci_note_rejected
run_scenario patch_with_required_checks_green_accepted patch_with_required_checks_green_accepted
run_scenario patch_on_eol_line_rejected patch_on_eol_line_rejected
run_scenario freeze_feature_commit_rejected freeze_feature_commit_rejected
run_scenario freeze_fix_and_docs_accepted freeze_fix_and_docs_accepted
run_scenario freeze_declared_rejects_feature freeze_declared_rejects_feature
run_scenario server_config_warn_accepts server_config_warn_accepts
run_scenario server_config_off_accepts_silently server_config_off_accepts_silently
run_scenario tag_annotated_when_enabled_rejected tag_annotated_when_enabled_rejected
run_scenario gitlab_prefix_on_rejection gitlab_prefix_on_rejection
run_scenario two_violations_one_push_rejected two_violations_one_push_rejected
run_scenario hook_has_binary_path_and_honours_env hook_has_binary_path_and_honours_env
finish
