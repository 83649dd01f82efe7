#!/usr/bin/env bash
# Black-box suite: the freeze of main (F1, F2) through the real pre-receive
# hook, and `relgate freeze start/end/status` against a real bare repository.
#
#   bash tests/blackbox/freeze.sh [path/to/relgate]

. "$(dirname "$0")/lib.sh" "$@"

# commit_path PATH SUBJECT [BODY]: a commit that changes PATH only.
commit_path() {
    mkdir -p "$(dirname "$1")"
    echo "$2 $RANDOM" >>"$1"
    must git add "$1"
    if [ $# -ge 3 ]; then must git commit -q -m "$2" -m "$3"; else must git commit -q -m "$2"; fi
}

# Frozen by an rc tag: fixes, docs, security fixes and reverts land.
rc_phase_allows_fixes_and_docs() {
    use_fixture rc1
    commit_file "fix: crash on start"
    commit_file "fix(api)!: reject bad input"
    commit_file "docs: explain the flag"
    commit_file "security: bump the TLS library"
    must git revert --no-edit HEAD
    expect_accept git push origin main
    assert_remote_ref refs/heads/main main
}

# Frozen by an rc tag: a feature or refactor is refused, and named.
rc_phase_rejects_features() {
    use_fixture rc1
    commit_file "feat: add priority to backendRef (#673)"
    expect_reject "F1 freeze-fixes-only" git push origin main
    assert_output_contains "main is frozen (v0.1.0-rc1 is out and v0.1.0 is not)"
    assert_output_contains "feat: add priority to backendRef (#673)"
    must git reset -q --hard HEAD~1
    commit_file "refactor: tidy"
    expect_reject "F1 freeze-fixes-only" git push origin main
}

# Three commits, one bad: the push is refused and only the bad one is named.
one_bad_commit_of_three_named() {
    use_fixture rc1
    commit_file "fix: one"
    commit_file "feat: two"
    commit_file "docs: three"
    local bad
    bad=$(git rev-parse --short=9 HEAD~1)
    expect_reject "F1 freeze-fixes-only" git push origin main
    assert_output_contains "1 of 3 new commits is not a fix, security fix or docs change"
    assert_output_contains "commit $bad feat: two"
    assert_output_lacks "fix: one"
    assert_output_lacks "docs: three"
}

# A chore: commit that changes only docs paths is docs.
docs_only_paths_accepted() {
    use_fixture rc1
    commit_path site/docs/guide.md "chore: reword the guide"
    commit_path docs/images/flow.txt "chore: new diagram"
    expect_accept git push origin main
    commit_path src/main.go "chore: not docs"
    expect_reject "F1 freeze-fixes-only" git push origin main
}

# The final tag ends the freeze: features land again.
unfrozen_after_final() {
    use_fixture rc1
    must git tag v0.1.0 v0.1.0-rc1
    expect_accept git push origin v0.1.0
    commit_file "feat: next feature"
    expect_accept git push origin main
    assert_remote_ref refs/heads/main main
}

# Feature and release branches are not frozen.
feature_branches_unaffected() {
    use_fixture rc1
    must git checkout -q -b feature/x
    commit_file "feat: on a branch"
    expect_accept git push origin feature/x
    assert_remote_ref refs/heads/feature/x feature/x
}

# Freeze-Exception without maintainers configured: anyone may grant it.
exception_without_maintainers() {
    use_fixture rc1
    commit_path src/a.go "feat: needed for the release" "Freeze-Exception: blocks rc2, agreed in the community call"
    expect_accept git push origin main
}

# Freeze-Exception with maintainers configured: only a maintainer's push.
exception_with_maintainers() {
    use_fixture rc1
    printf '[access]\nmaintainers = ["alice"]\n' >"$SERVER/relgate.toml"
    commit_path src/a.go "feat: needed for the release" "Freeze-Exception: blocks rc2"
    GL_USERNAME=bob expect_reject "F1 freeze-fixes-only" git push origin main
    assert_output_contains "trailers count only when a maintainer pushes"
    GL_USERNAME=alice expect_accept git push origin main
}

# A declared freeze (refs/freeze/v0.2.0) freezes main before rc1 exists;
# relgate freeze start/status/end end to end against the bare repository.
declared_freeze_start_status_end() {
    use_fixture released
    expect_accept "$RELGATE_BIN" freeze start v0.2.0
    assert_output_contains "main is frozen for v0.2.0"
    assert_output_contains "Announcement"
    if ! git -C "$SERVER" rev-parse -q --verify refs/freeze/v0.2.0 >/dev/null; then
        fail "freeze start did not create refs/freeze/v0.2.0 on the server"
    fi
    expect_accept "$RELGATE_BIN" freeze status
    assert_output_contains "refs/freeze/v0.2.0 declares the freeze for v0.2.0"
    commit_file "feat: late feature"
    expect_reject "F1 freeze-fixes-only" git push origin main
    assert_output_contains "refs/freeze/v0.2.0 declares the freeze for v0.2.0"
    expect_accept "$RELGATE_BIN" freeze end v0.2.0
    assert_remote_ref_absent refs/freeze/v0.2.0
    expect_accept "$RELGATE_BIN" freeze status
    assert_output_contains "main is not frozen"
    expect_accept git push origin main
}

# On the server itself (bare repository) freeze start writes the ref directly.
freeze_in_bare_repository() {
    use_fixture released
    cd "$SERVER" || exit 1
    expect_accept "$RELGATE_BIN" freeze start v0.2.0
    must git rev-parse -q --verify refs/freeze/v0.2.0
    expect_accept "$RELGATE_BIN" freeze status
    assert_output_contains "main is frozen"
    run_cmd "$RELGATE_BIN" freeze start v0.1.0
    [ "$LAST_RC" -eq 2 ] || fail "freezing for a released version should exit 2, got $LAST_RC"
    assert_output_contains "v0.1.0 is already released"
}

# F2: with maintainers configured only they declare or end a freeze.
declaring_needs_a_maintainer() {
    use_fixture released
    printf '[access]\nmaintainers = ["alice"]\n' >"$SERVER/relgate.toml"
    GL_USERNAME=bob expect_reject "F2 freeze-declare" git push origin main:refs/freeze/v0.2.0
    GL_USERNAME=alice expect_accept git push origin main:refs/freeze/v0.2.0
    GL_USERNAME=bob expect_reject "F2 freeze-declare" git push origin :refs/freeze/v0.2.0
    GL_USERNAME=alice expect_accept git push origin :refs/freeze/v0.2.0
}

# --- merges (issue 20) ----------------------------------------------------------

# A merge of main and main~1 brings no commit: judged like a commit, the
# feature its tree adds is refused.
merge_bringing_nothing_rejected() {
    use_fixture rc1
    commit_file "fix: one"
    must git push -q origin main
    merge_adding src/feature.go "Merge branch 'old-main'" main main~1
    expect_reject "F1 freeze-fixes-only" git push origin main
    assert_output_contains "1 of 1 new commit is not a fix, security fix or docs change"
    assert_output_contains "  commit $(git rev-parse --short=9 HEAD) Merge branch 'old-main'"
    assert_output_contains "a merge is judged like a commit when it brings no new commit to main"
}

# An evil merge (a conflict resolution that adds code) is judged like a
# commit; the fix it brings is not named. Without the added code, the same
# merge is clean and lands.
evil_merge_rejected_clean_merge_lands() {
    use_fixture rc1
    must git checkout -q -b fix main
    commit_path src/shared.go "fix: the crash"
    must git checkout -q main
    commit_path docs/notes.md "docs: a note"
    must git merge -q --no-ff --no-edit fix
    echo "feature" >src/feature.go
    must git add src/feature.go
    must git commit -q --amend --no-edit
    expect_reject "F1 freeze-fixes-only" git push origin main
    assert_output_contains "1 of 3 new commits is not a fix, security fix or docs change"
    assert_output_contains "  commit $(git rev-parse --short=9 HEAD) Merge branch 'fix'"
    assert_output_lacks "fix: the crash"
    must git rm -q src/feature.go
    must git commit -q --amend --no-edit
    expect_accept git push origin main
    assert_remote_ref refs/heads/main main
}

# A merge whose sides change the same file (libgit2 merges its content) is
# clean and lands; a merge judged like a commit and accepted (a fix) leaves
# none of the objects its clean merge made in the repository.
content_merge_lands_and_writes_nothing() {
    use_fixture rc1
    seq 1 20 >src.txt
    must git add src.txt
    must git commit -q -m "fix: a shared file"
    must git push -q origin main
    must git checkout -q -b side main
    sed -i 's/^1$/one/' src.txt
    must git commit -q -am "fix: line 1"
    must git checkout -q main
    sed -i 's/^20$/twenty/' src.txt
    must git commit -q -am "fix: line 20"
    must git merge -q --no-ff --no-edit side
    expect_accept git push origin main
    # The same shape, resolved with a change of its own and a fix subject.
    must git checkout -q -b side2 main~1
    sed -i 's/^7$/seven/' src.txt
    must git commit -q -am "fix: line 7"
    must git checkout -q main
    sed -i 's/^14$/fourteen/' src.txt
    must git commit -q -am "fix: line 14"
    must git merge -q --no-ff --no-edit side2
    sed -i 's/^10$/ten (resolved)/' src.txt
    must git commit -q -a --amend -m "fix: merge side2, with a fix of its own"
    expect_accept git push origin main
    run_cmd git -C "$SERVER" fsck --unreachable --no-reflogs --no-progress
    [ ! -s "$LAST_STDOUT" ] || fail "the server has objects no ref reaches"
}

run_scenario "rc phase: fix, docs, security, revert accepted" rc_phase_allows_fixes_and_docs
run_scenario "rc phase: feat and refactor rejected" rc_phase_rejects_features
run_scenario "one bad commit of three rejected and named" one_bad_commit_of_three_named
run_scenario "docs-only paths with a chore subject accepted" docs_only_paths_accepted
run_scenario "unfrozen after the final tag" unfrozen_after_final
run_scenario "feature branches unaffected" feature_branches_unaffected
run_scenario "Freeze-Exception without maintainers" exception_without_maintainers
run_scenario "Freeze-Exception with maintainers" exception_with_maintainers
run_scenario "relgate freeze start/status/end" declared_freeze_start_status_end
run_scenario "relgate freeze in a bare repository" freeze_in_bare_repository
run_scenario "F2: declaring needs a maintainer" declaring_needs_a_maintainer
run_scenario "F1: a merge of main and main~1 adding a feature rejected" merge_bringing_nothing_rejected
run_scenario "F1: an evil merge rejected, the clean merge lands" evil_merge_rejected_clean_merge_lands
run_scenario "F1: a content merge lands; merges write no objects" content_merge_lands_and_writes_nothing
finish
