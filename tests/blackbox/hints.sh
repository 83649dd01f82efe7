#!/usr/bin/env bash
# Black-box suite: hints are commands. After each refusal that prints
# commands, the commands are run in that clone as printed (follow_hints:
# non-interactively, the first way out only) and the push they end with must
# be accepted. Real clones, the real pre-receive hook, real pushes.
#
#   bash tests/blackbox/hints.sh [path/to/relgate]

. "$(dirname "$0")/lib.sh" "$@"

# T1: a misspelled rc, renamed as the hint says.
t1_misspelled() {
    use_fixture fresh
    must git tag v0.1.0-RC1 main
    expect_reject "T1 tag-name" git push origin v0.1.0-RC1
    follow_hints
    assert_remote_ref refs/tags/v0.1.0-rc1 main
    git rev-parse -q --verify refs/tags/v0.1.0-RC1 >/dev/null && fail "the misspelled tag is still here"
    return 0
}

# T4: an rc tagged on a commit that is not on main (a local commit).
t4_not_on_main() {
    use_fixture fresh
    commit_file "fix: local only"
    must git tag v0.1.0-rc1 HEAD
    must git reset -q --hard HEAD~1
    expect_reject "T4 rc-sequence" git push origin v0.1.0-rc1
    follow_hints
    assert_remote_ref refs/tags/v0.1.0-rc1 origin/main
}

# T6: the final tag where main moved on after the last rc: rc2 first.
t6_final_past_rc() {
    use_fixture rc1
    commit_file "fix: after rc1"
    must git push -q origin main
    must git tag v0.1.0 main
    expect_reject "T6 final-is-last-rc" git push origin v0.1.0
    follow_hints
    assert_remote_ref refs/tags/v0.1.0-rc2 main
    assert_remote_ref_absent refs/tags/v0.1.0
}

# B2: the release branch created at the wrong commit, on the checked-out
# branch (git branch -f would fail there).
b2_wrong_commit() {
    use_fixture fresh
    must git tag v0.1.0-rc1 main
    must git push -q origin v0.1.0-rc1
    must git tag v0.1.0 v0.1.0-rc1
    must git push -q origin v0.1.0
    commit_file "feat: after the release"
    must git push -q origin main
    must git checkout -q -b release/v0.1 main
    expect_reject "B2 branch-from-tag" git push origin release/v0.1
    follow_hints
    assert_remote_ref refs/heads/release/v0.1 v0.1.0
}

# B3: a rewrite of main, in a clone that is on another branch: the hint
# must rebase main, not what is checked out.
b3_rewrite() {
    use_fixture fresh
    make_clone ../other
    (cd ../other && echo other >other.txt && must git add other.txt && must git commit -q -m "fix: from elsewhere" &&
        must git push -q origin main) || exit 1
    commit_file "fix: mine"
    must git fetch -q origin
    must git checkout -q -b topic
    commit_file "feat: topic work"
    local topic
    topic=$(git rev-parse topic)
    expect_reject "B3 no-rewrite" git push -f origin main
    follow_hints
    [ "$(git rev-parse topic)" = "$topic" ] || fail "the hint changed the branch that was checked out (topic)"
    git merge-base --is-ancestor origin/main main || fail "main does not contain what the remote had"
    assert_remote_ref refs/heads/main main
}

# F1: two features pushed to a frozen main; the exception trailer is added
# to both without an editor (no maintainers: anyone may grant it).
f1_exception() {
    use_fixture rc1
    commit_file "feat: one"
    commit_file "feat: two"
    expect_reject "F1 freeze-fixes-only" git push origin main
    follow_hints
    assert_remote_ref refs/heads/main main
    [ "$(git log --format=%B origin/main~2..origin/main | grep -c '^Freeze-Exception: <reason>$')" -eq 2 ] ||
        fail "both commits should carry the trailer"
}

run_scenario "T1: the misspelled tag, renamed" t1_misspelled
run_scenario "T4: an rc off main, retagged at origin/main" t4_not_on_main
run_scenario "T6: main moved on, rc2 first" t6_final_past_rc
run_scenario "B2: the release branch at the tag, from the checked-out branch" b2_wrong_commit
run_scenario "B3: a rewrite, rebased without touching the checked-out branch" b3_rewrite
run_scenario "F1: an exception for every listed commit, no editor" f1_exception
finish
