#!/usr/bin/env bash
# Black-box suite: the backport phase (B4 backport-provenance, B5
# backport-kind, B6 eol-line, B7 pick-direction, B1 for backports pushed
# to a branch that names a line, and the pull-request branches of backports,
# backport.pr_branches) through real pushes to a bare repository
# with the pre-receive hook, and the core B4 cases through the client pre-push
# hook.
#
#   bash tests/blackbox/backport.sh [path/to/relgate]

. "$(dirname "$0")/lib.sh" "$@"

B4="B4 backport-provenance"

# fix_on_main SUBJECT: a commit on main (pushed). Leaves main checked out.
fix_on_main() {
    must git checkout -q main
    commit_file "$1"
    must git push -q origin main
}

# short REV: the 9-hex short sha relgate prints.
short() { git rev-parse --short=9 "$1"; }

# assert_b5_warned / assert_no_b5: about the last command's output.
assert_b5_warned() { assert_output_contains "relgate: warning: B5 backport-kind"; }
assert_no_b5()     { assert_output_lacks "B5 backport-kind"; }

# --- B4: what proves a backport ---------------------------------------------------

# The process's own way: cherry-pick -x of a fix on main.
cherry_pick_x_accepted() {
    use_fixture released
    fix_on_main "fix: crash on start"
    must git checkout -q release/v0.1
    must git cherry-pick -x main
    expect_accept git push origin release/v0.1
    assert_output_lacks "$B4"
    assert_no_b5
    assert_remote_ref refs/heads/release/v0.1 release/v0.1
}

# A commit written on the release branch itself is refused and named; a proper
# backport in the same push is not named.
direct_commit_rejected() {
    use_fixture released
    fix_on_main "fix: crash on start"
    must git checkout -q release/v0.1
    must git cherry-pick -x main
    commit_file "fix: only on the release branch"
    local bad good
    bad=$(short HEAD) good=$(short HEAD~1)
    expect_reject "$B4" git push origin release/v0.1
    assert_output_contains "relgate: $B4: refs/heads/release/v0.1: 1 of 2 new commits on release/v0.1 is not a backport of a commit on main"
    assert_output_contains "  commit $bad fix: only on the release branch"
    assert_output_lacks "commit $good"
    assert_output_contains "git cherry-pick -x <commit on main>"
    # the same commit alone: the first line reads "1 of 1"
    must git reset -q --hard HEAD~2
    commit_file "fix: also only here"
    expect_reject "$B4" git push origin release/v0.1
    assert_output_contains "1 of 1 new commit on release/v0.1 is not a backport"
    assert_output_contains "  commit $(short HEAD) fix: also only here"
}

# cherry-pick -x of a commit that is on a side branch (pushed, but not on
# main): refused, with the hint that names where it was picked from.
side_branch_pick_rejected() {
    use_fixture released
    must git checkout -q -b feature/x main
    commit_file "fix: not merged yet"
    must git push -q origin feature/x
    local src
    src=$(git rev-parse feature/x)
    must git checkout -q release/v0.1
    must git cherry-pick -x feature/x
    expect_reject "$B4" git push origin release/v0.1
    assert_output_contains "1 of 1 new commit on release/v0.1 is not a backport of a commit on main"
    assert_output_contains "  commit $(short HEAD) fix: not merged yet"
    # relgate's short ids: at least 7 hex digits of each commit
    assert_output_matches "$(git rev-parse --short=7 HEAD)[0-9a-f]* says it was picked from ${src:0:7}[0-9a-f]*, which is not on main"
}

# Several cherry-pick lines stacked: one source on main suffices.
stacked_pick_lines_one_on_main() {
    use_fixture released
    must git checkout -q -b feature/x main
    commit_file "fix: side"
    must git push -q origin feature/x
    local side
    side=$(git rev-parse feature/x)
    fix_on_main "fix: the real one"
    must git checkout -q release/v0.1
    must git cherry-pick -x main
    must git commit -q --amend -m "$(git log -1 --format=%B)" -m "(cherry picked from commit $side)"
    expect_accept git push origin release/v0.1
    assert_output_lacks "$B4"
}

# A squash-merged backport: its own content, a subject naming the pull request
# on main (#21) and its own (#25). Also the form that names its sources in
# the body only, and a PR number that is on no main commit.
squash_backport_by_pr_accepted() {
    use_fixture released
    fix_on_main "fix: crash on start (#21)"
    must git checkout -q release/v0.1
    commit_file "backport: fix: crash on start (#21) (#25)"
    expect_accept git push origin release/v0.1
    assert_output_lacks "$B4"
    assert_no_b5
    assert_remote_ref refs/heads/release/v0.1 release/v0.1
    # sources named in the body (and a /pull/N link)
    fix_on_main "fix: leak in the router (#22)"
    fix_on_main "fix: bad header (#23)"
    must git checkout -q release/v0.1
    COMMIT_SEQ=$((COMMIT_SEQ + 1))
    echo squash >"file-$COMMIT_SEQ.txt"
    must git add "file-$COMMIT_SEQ.txt"
    must git commit -q -m "backport: router fixes (#26)" \
        -m "Including #22 and https://github.com/o/r/pull/23"
    expect_accept git push origin release/v0.1
    assert_output_lacks "$B4"
    # a PR number no main commit carries
    commit_file "backport: fix: something else (#99) (#27)"
    expect_reject "$B4" git push origin release/v0.1
    assert_output_contains "  commit $(short HEAD) backport: fix: something else (#99) (#27)"
}

# A plain `git cherry-pick` (no -x) of a commit on main: proven by its patch id.
plain_cherry_pick_accepted() {
    use_fixture released
    fix_on_main "fix: crash on start"
    must git checkout -q release/v0.1
    must git cherry-pick main
    if git log -1 --format=%B | grep -q "cherry picked from"; then
        fail "setup: a plain cherry-pick should not record its origin"
    fi
    expect_accept git push origin release/v0.1
    assert_output_lacks "$B4"
    assert_remote_ref refs/heads/release/v0.1 release/v0.1
}

# --- B5: backports are fixes --------------------------------------------------------

feature_backport_warned() {
    use_fixture released
    fix_on_main "feat: a new knob"
    must git checkout -q release/v0.1
    must git cherry-pick -x main
    expect_accept git push origin release/v0.1
    assert_b5_warned
    assert_output_contains "  commit $(short HEAD) feat: a new knob"
    assert_remote_ref refs/heads/release/v0.1 release/v0.1
    # its subject says backport: feat: -> still a feature
    fix_on_main "feat: another knob (#31)"
    must git checkout -q release/v0.1
    commit_file "backport: feat: another knob (#31) (#32)"
    expect_accept git push origin release/v0.1
    assert_b5_warned
    # a docs change and a security fix: no warning
    fix_on_main "docs: explain the knob"
    must git checkout -q release/v0.1
    must git cherry-pick -x main
    expect_accept git push origin release/v0.1
    assert_no_b5
    fix_on_main "security: bump the TLS library"
    must git checkout -q release/v0.1
    must git cherry-pick -x main
    expect_accept git push origin release/v0.1
    assert_no_b5
}

# --- B6: the end of a line ------------------------------------------------------------

eol_line_rejected() {
    use_fixture patch
    cut_release 0.2
    cut_release 0.3
    fix_on_main "fix: crash everywhere"
    must git checkout -q release/v0.1
    must git cherry-pick -x main
    expect_reject "B6 eol-line" git push origin release/v0.1
    assert_output_contains "relgate: B6 eol-line: refs/heads/release/v0.1"
    assert_output_contains "since v0.3.0"
    assert_output_matches "\(supported lines: [^)]*0\.3"
    assert_output_matches "\(supported lines: [^)]*0\.2"
    assert_output_lacks "is end of life since v0.2.0"
    assert_output_contains "  commit $(short HEAD) fix: crash everywhere"
    # the supported lines take it
    must git checkout -q release/v0.2
    must git cherry-pick -x main
    expect_accept git push origin release/v0.2
    must git checkout -q release/v0.3
    must git cherry-pick -x main
    expect_accept git push origin release/v0.3
}

# One newer line released is not the end yet.
one_newer_line_not_eol() {
    use_fixture patch
    cut_release 0.2
    fix_on_main "fix: crash everywhere"
    must git checkout -q release/v0.1
    must git cherry-pick -x main
    expect_accept git push origin release/v0.1
    assert_output_lacks "B6 eol-line"
    assert_remote_ref refs/heads/release/v0.1 release/v0.1
}

# Many sources in one push: each cherry-pick line asks "is this on main?",
# and the repository keeps only its last four such walks (is_ancestor), so
# six sources, in an order that revisits the first, exercise the eviction.
# One pick from a side branch among them is still the only one named.
many_sources_in_one_push() {
    use_fixture released
    local i picks=()
    for i in 1 2 3 4 5 6; do
        fix_on_main "fix: bug $i"
        picks+=("$(git rev-parse main)")
    done
    must git checkout -q -b side main~3
    commit_file "fix: only on a side branch"
    local side
    side=$(git rev-parse HEAD)
    must git checkout -q release/v0.1
    for i in 0 5 1 4 2 3; do must git cherry-pick -x "${picks[$i]}"; done
    must git cherry-pick -x "$side"
    # The first source again, as a second backport of it (stacked lines).
    commit_file "fix: follow-up to bug 1"
    must git commit -q --amend -m "fix: follow-up to bug 1" -m "(cherry picked from commit ${picks[0]})"
    expect_reject "$B4" git push origin release/v0.1
    assert_output_contains "1 of 8 new commits on release/v0.1 is not a backport"
    assert_output_contains "  commit $(git rev-parse --short=9 HEAD~1) fix: only on a side branch"
    # Without the side-branch pick (the follow-up kept on top): accepted.
    must git rebase -q --onto HEAD~2 HEAD~1
    expect_accept git push origin release/v0.1
    assert_output_lacks "$B4"
    assert_remote_ref refs/heads/release/v0.1 release/v0.1
}

# --- B7: cherry-picks onto main ------------------------------------------------------

# A commit of the release branch (a squash backport, so its content is its
# own) cherry-picked onto main: accepted with a B7 warning naming it.
pick_from_release_to_main_warned() {
    use_fixture released
    fix_on_main "fix: crash on start (#21)"
    must git checkout -q release/v0.1
    commit_file "backport: fix: crash on start (#21) (#25)"
    must git push -q origin release/v0.1
    local rel
    rel=$(git rev-parse HEAD)
    must git checkout -q main
    must git cherry-pick -x "$rel"
    expect_accept git push origin main
    assert_output_contains "relgate: warning: B7 pick-direction: refs/heads/main"
    assert_output_contains "  commit $(short HEAD) backport: fix: crash on start (#21) (#25)"
    assert_remote_ref refs/heads/main main
}

# --- B1: where backports go ------------------------------------------------------------

wrong_backport_branch_names() {
    use_fixture released
    fix_on_main "fix: crash on start"
    must git checkout -q -b pick release/v0.1
    must git cherry-pick -x main
    local b
    # names B1 leaves alone otherwise: refused because they carry backports
    for b in backport/v0.1 v0.1; do
        expect_reject "B1 branch-name" git push origin "pick:refs/heads/$b"
        assert_output_contains "\"$b\" is not a release branch, but this push brings it backports of main: backports go to release/v0.1 through a pull request"
        assert_remote_ref_absent "refs/heads/$b"
    done
    # near misses of a release branch name: B1's own message
    for b in release-0.1 releases/v0.1 release/v0.1.1; do
        expect_reject "B1 branch-name" git push origin "pick:refs/heads/$b"
        assert_output_contains "is not a release branch name: release branches are release/vX.Y"
        assert_remote_ref_absent "refs/heads/$b"
    done
    # the name of a pull request's branch is not a line
    expect_accept git push origin pick:refs/heads/backport/v0.1-crash
    assert_remote_ref refs/heads/backport/v0.1-crash pick
    # and the release branch takes it
    expect_accept git push origin pick:refs/heads/release/v0.1
    assert_remote_ref refs/heads/release/v0.1 pick
}

# The hints of those refusals never push straight to release/v0.1 (that
# skips the pull request RELEASES.md asks for): they name a pull-request
# branch, and the printed command, pasted, is accepted.
wrong_backport_branch_hints() {
    use_fixture released
    fix_on_main "fix: crash on start (#21)"
    must git checkout -q -b pick release/v0.1
    must git cherry-pick -x main
    local b want
    for b in backport/v0.5 backport/v0.1 release-0.1 release-0.5; do
        case $b in
            backport/v0.5|release-0.5) want="is not a release branch" ;;
            *) want="did you mean a pull request to release/v0.1? Push the same commit to a pull-request branch, then open the pull request against release/v0.1:" ;;
        esac
        expect_reject "B1 branch-name" git push origin "pick:refs/heads/$b"
        assert_output_contains "$want"
        assert_output_lacks ":refs/heads/release/v0.1"
        assert_remote_ref_absent "refs/heads/$b"
    done
    # backport/v0.5 and release-0.5 name 0.5, which is not released: no push at all
    expect_reject "B1 branch-name" git push origin "pick:refs/heads/backport/v0.5"
    assert_output_lacks "hint:   git push"
    expect_reject "B1 branch-name" git push origin pick:refs/heads/release-0.5
    assert_output_contains "did you mean release/v0.5? It is created at v0.5.0 once 0.5 is released; until then fixes land on main"
    assert_output_lacks "hint:   git push"
    # backport/v0.1: the pull-request branch closest to that name; pasted, it is accepted
    expect_reject "B1 branch-name" git push origin pick:refs/heads/backport/v0.1
    assert_output_contains "hint:   git push origin $(short pick):refs/heads/backport/v0.1/fix-crash-on-start-21"
    paste_command "hint:   "
    assert_remote_ref refs/heads/backport/v0.1/fix-crash-on-start-21 pick
    # release-0.1 (a near miss of the release branch's name): the first
    # template, with the pull request the backport names
    expect_reject "B1 branch-name" git push origin pick:refs/heads/release-0.1
    assert_output_contains "hint:   git push origin $(short pick):refs/heads/backport-21-to-release/v0.1"
    paste_command "hint:   "
    assert_remote_ref refs/heads/backport-21-to-release/v0.1 pick
    # a near miss at the final tag, before release/v0.1 exists, may be the
    # release branch itself: that one is named (B2 accepts it)
    must git -C "$SERVER" update-ref -d refs/heads/release/v0.1
    expect_reject "B1 branch-name" git push origin v0.1.0^{commit}:refs/heads/release-0.1
    assert_output_contains "did you mean release/v0.1? Push the same commit under that name:"
    paste_command "hint:   "
    assert_remote_ref refs/heads/release/v0.1 v0.1.0
}

# --- pull-request branches of backports ------------------------------------------------

PR_SHAPES="backport-21-to-release/v0.1 backport/release/v0.1/crash-fix mergify/bp/release/v0.1/pr-21 backport/v0.1/crash-fix"

# Each default shape: a proven backport is accepted, a commit written on the
# branch is refused (B4) naming the branch and what it would bring to
# release/v0.1, with no hint that skips the pull request.
pr_branch_shapes() {
    use_fixture released
    fix_on_main "fix: crash on start (#21)"
    must git checkout -q -b pick release/v0.1
    must git cherry-pick -x main
    must git checkout -q -b direct pick
    commit_file "fix: only on the pull-request branch"
    local b bad
    bad=$(short direct)
    for b in $PR_SHAPES; do
        expect_accept git push origin "pick:refs/heads/$b"
        assert_output_lacks "relgate:"
        assert_remote_ref "refs/heads/$b" pick
        expect_reject "$B4" git push origin "direct:refs/heads/$b"
        assert_output_contains "relgate: $B4: refs/heads/$b: 1 of 2 new commits this branch would bring to release/v0.1 is not a backport of a commit on main"
        assert_output_contains "  commit $bad fix: only on the pull-request branch"
        assert_output_contains "git cherry-pick -x <commit on main>"
        assert_output_lacks "hint:   git push"
        assert_remote_ref "refs/heads/$b" pick
    done
    # a squash-merged backport on a bot's branch: proven by its (#21)
    must git checkout -q -b squash release/v0.1
    commit_file "backport: fix: crash on start (#21) (#25)"
    expect_accept git push --force origin squash:refs/heads/backport-21-to-release/v0.1
    # the branch's owner may rewrite and delete it
    expect_accept git push origin :refs/heads/backport-21-to-release/v0.1
    assert_remote_ref_absent refs/heads/backport-21-to-release/v0.1
    # release/v0.1 itself still takes only what it would take from the pull request
    expect_reject "$B4" git push origin direct:refs/heads/release/v0.1
    expect_accept git push origin pick:refs/heads/release/v0.1
}

# B5 and B6 on a pull-request branch say what they say on the release branch.
pr_branch_kind_and_eol() {
    use_fixture patch
    fix_on_main "feat: a knob (#30)"
    must git checkout -q -b knob release/v0.1
    must git cherry-pick -x main
    expect_accept git push origin knob:refs/heads/backport/v0.1/knob
    assert_output_contains "relgate: warning: B5 backport-kind: refs/heads/backport/v0.1/knob"
    cut_release 0.2
    cut_release 0.3
    fix_on_main "fix: crash everywhere (#31)"
    must git checkout -q -b old release/v0.1
    must git cherry-pick -x main
    expect_reject "B6 eol-line" git push origin old:refs/heads/backport-31-to-release/v0.1
    assert_output_contains "relgate: B6 eol-line: refs/heads/backport-31-to-release/v0.1: 0.1 is end of life since v0.3.0: release/v0.1 takes no more commits"
    assert_output_contains "  commit $(short old) fix: crash everywhere (#31)"
    assert_remote_ref_absent refs/heads/backport-31-to-release/v0.1
    # a supported line's pull-request branch takes it
    must git checkout -q -b new release/v0.2
    must git cherry-pick -x main
    expect_accept git push origin new:refs/heads/backport-31-to-release/v0.2
    assert_remote_ref refs/heads/backport-31-to-release/v0.2 new
    # a line that is not released has no release branch to take a backport
    expect_reject "B1 branch-name" git push origin new:refs/heads/backport/v0.4/crash
    assert_output_contains "\"backport/v0.4/crash\" is a pull-request branch for release/v0.4, but 0.4 is not released (v0.4.0 does not exist)"
    assert_output_lacks "hint:   git push"
}

# The client hook judges pull-request branches the same way.
pre_push_pr_branch() {
    setup_repo pre-push
    cut_release 0.1
    fix_on_main "fix: crash on start (#21)"
    must git checkout -q -b pick origin/release/v0.1
    must git cherry-pick -x main
    expect_accept git push origin pick:refs/heads/backport/v0.1/crash
    assert_remote_ref refs/heads/backport/v0.1/crash pick
    commit_file "fix: only here"
    expect_reject "$B4" git push origin pick:refs/heads/backport/v0.1/crash
    assert_output_contains "relgate: $B4: refs/heads/backport/v0.1/crash: 1 of 2 new commits this branch would bring to release/v0.1"
}

# --- one push carrying main and the backport ----------------------------------------

# "main after the push": the fix and its backport in the same push.
main_and_backport_in_one_push() {
    use_fixture released
    must git checkout -q main
    commit_file "fix: crash on start"
    must git checkout -q release/v0.1
    must git cherry-pick -x main
    expect_accept git push origin main release/v0.1
    assert_remote_ref refs/heads/main main
    assert_remote_ref refs/heads/release/v0.1 release/v0.1
    # without main the same kind of backport has no source on the server
    must git checkout -q main
    commit_file "fix: not pushed to main"
    must git checkout -q release/v0.1
    must git cherry-pick -x main
    expect_reject "$B4" git push origin release/v0.1
}

# A merge on the release branch is not judged itself; the commits it brings are.
merge_brings_direct_commit() {
    use_fixture released
    fix_on_main "fix: crash on start"
    must git checkout -q -b side release/v0.1
    must git cherry-pick -x main
    commit_file "fix: direct on the side branch"
    local bad
    bad=$(short HEAD)
    must git checkout -q release/v0.1
    must git merge -q --no-ff -m "Merge side into release/v0.1" side
    expect_reject "$B4" git push origin release/v0.1
    assert_output_contains "1 of 2 new commits on release/v0.1 is not a backport of a commit on main"
    assert_output_contains "  commit $bad fix: direct on the side branch"
    assert_output_lacks "Merge side"
}

# Issue 20: a merge of release/v0.1 and its parent brings no commit; judged
# like a commit, it is no backport (and no patch tag can be cut on it).
merge_bringing_nothing_rejected() {
    use_fixture patch
    must git checkout -q release/v0.1
    merge_adding src/feature.go "Merge branch 'old-release'" release/v0.1 release/v0.1~1
    must git tag v0.1.2 HEAD
    expect_reject "$B4" git push origin release/v0.1 v0.1.2
    assert_output_contains "  commit $(short HEAD) Merge branch 'old-release'"
    assert_output_contains "a merge is judged like a commit when it brings no new commit to release/v0.1"
}

# An evil merge: a proven backport merged in, with code of its own.
evil_merge_rejected() {
    use_fixture released
    fix_on_main "fix: crash on start"
    must git checkout -q -b side release/v0.1
    must git cherry-pick -x main
    must git checkout -q release/v0.1
    must git merge -q --no-ff -m "Merge side into release/v0.1" side
    echo "feature" >feature.go
    must git add feature.go
    must git commit -q --amend --no-edit
    expect_reject "$B4" git push origin release/v0.1
    assert_output_contains "1 of 2 new commits on release/v0.1 is not a backport of a commit on main"
    assert_output_contains "  commit $(short HEAD) Merge side into release/v0.1"
    # The clean merge lands.
    must git rm -q feature.go
    must git commit -q --amend --no-edit
    expect_accept git push origin release/v0.1
}

# B6: no new commit on an end-of-life line, merges included.
eol_merge_rejected() {
    use_fixture patch
    cut_release 0.2
    cut_release 0.3
    must git checkout -q release/v0.1
    merge_adding src/feature.go "Merge branch 'old-release'" release/v0.1 release/v0.1~1
    expect_reject "B6 eol-line" git push origin release/v0.1
    assert_output_contains "  commit $(short HEAD) Merge branch 'old-release'"
}

# --- the client pre-push hook ------------------------------------------------------------

pre_push_b4() {
    setup_repo pre-push
    cut_release 0.1
    fix_on_main "fix: crash on start"
    must git checkout -q release/v0.1
    must git cherry-pick -x main
    expect_accept git push origin release/v0.1
    assert_remote_ref refs/heads/release/v0.1 release/v0.1
    commit_file "fix: only on the release branch"
    expect_reject "$B4" git push origin release/v0.1
    assert_output_contains "  commit $(short HEAD) fix: only on the release branch"
    must git reset -q --hard HEAD~1
    # a plain cherry-pick (patch id) through the client hook too
    fix_on_main "fix: another crash"
    must git checkout -q release/v0.1
    must git cherry-pick main
    expect_accept git push origin release/v0.1
    assert_remote_ref refs/heads/release/v0.1 release/v0.1
    # the fix and its backport in one push: main after the push counts
    must git checkout -q main
    commit_file "fix: third crash"
    must git checkout -q release/v0.1
    must git cherry-pick -x main
    expect_accept git push origin main release/v0.1
    assert_remote_ref refs/heads/main main
    assert_remote_ref refs/heads/release/v0.1 release/v0.1
}

run_scenario "B4: cherry-pick -x of a main commit accepted" cherry_pick_x_accepted
run_scenario "B4: a commit made on the release branch rejected and named" direct_commit_rejected
run_scenario "B4: cherry-pick -x of a side-branch commit rejected (not on main)" side_branch_pick_rejected
run_scenario "B4: stacked cherry-pick lines, one on main, accepted" stacked_pick_lines_one_on_main
run_scenario "B4: squash backport 'backport: <title> (#21) (#25)' accepted" squash_backport_by_pr_accepted
run_scenario "B4: plain cherry-pick (patch id) accepted" plain_cherry_pick_accepted
run_scenario "B5: feat: backport accepted with a warning" feature_backport_warned
run_scenario "B6: backport to v0.1 after v0.3.0 rejected" eol_line_rejected
run_scenario "B6: v0.1 still supported after v0.2.0" one_newer_line_not_eol
run_scenario "B7: cherry-pick onto main from a release branch warned" pick_from_release_to_main_warned
run_scenario "B1: backport/v0.1, v0.1, release-0.1, releases/v0.1, release/v0.1.1 rejected; backport/v0.1-crash accepted" wrong_backport_branch_names
run_scenario "B1: backport/v0.5, release-0.5 and others: hints name a pull-request branch, never release/v0.1" wrong_backport_branch_hints
run_scenario "PR branches: each default shape accepted with a backport, B4 without" pr_branch_shapes
run_scenario "PR branches: B5 warns, B6 on an end-of-life line, B1 for an unreleased line" pr_branch_kind_and_eol
run_scenario "pre-push: a PR branch judged like the server does" pre_push_pr_branch
run_scenario "B4: fix and backport in one push" main_and_backport_in_one_push
run_scenario "B4: a merge's side-branch commit judged" merge_brings_direct_commit
run_scenario "B4: six cherry-pick sources and a side-branch pick in one push" many_sources_in_one_push
run_scenario "pre-push: B4 accept and reject" pre_push_b4
run_scenario "B4: a merge of release/v0.1 and its parent adding code rejected" merge_bringing_nothing_rejected
run_scenario "B4: an evil merge rejected, the clean merge lands" evil_merge_rejected
run_scenario "B6: a merge on an end-of-life line rejected" eol_merge_rejected
finish
