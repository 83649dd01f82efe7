#!/usr/bin/env bash
# Black-box suite: pushes through a symbolic-ref alias (refs/heads/master ->
# refs/heads/main, as a server keeps it after a rename). git's hooks see
# the name pushed, git writes the target: relgate judges the update as the
# ref git really writes (rule book, "Where it runs"; issue 20), through the
# pre-receive and the update hook, and in the client hook when the clone
# knows the alias.
#
#   bash tests/blackbox/symbolic_refs.sh [path/to/relgate]

. "$(dirname "$0")/lib.sh" "$@"

# aliased KIND: a server with hook KIND where refs/heads/master is a
# symbolic ref to refs/heads/main; main frozen by v0.1.0-rc1; `work` entered.
aliased() {
    setup_repo "$1"
    must git -C "$SERVER" symbolic-ref refs/heads/master refs/heads/main
    must git tag v0.1.0-rc1 main
    must git push -q origin v0.1.0-rc1
}

# F1 through the alias: a feature pushed to master lands on main.
feature_through_alias_refused() {
    aliased "$1"
    commit_file "feat: lands on frozen main"
    expect_reject "F1 freeze-fixes-only" git push origin HEAD:refs/heads/master
    assert_output_contains "refs/heads/master is a symbolic ref to refs/heads/main here: judged as refs/heads/main"
    assert_output_contains "  commit $(git rev-parse --short=9 HEAD) feat: lands on frozen main"
    # A fix through the alias lands on main.
    must git reset -q --hard HEAD~1
    commit_file "fix: through the alias"
    expect_accept git push origin HEAD:refs/heads/master
    assert_remote_ref refs/heads/main HEAD
}

# B3 through the alias: master force-pushed rewinds main.
rewind_through_alias_refused() {
    aliased "$1"
    commit_file "fix: one"
    must git push -q origin main
    expect_reject "B3 no-rewrite" git push --force origin HEAD~1:refs/heads/master
    assert_output_contains "this push rewrites main"
}

# The client hook judges the alias when the clone knows it as a symbolic
# remote-tracking ref (git fetch records only origin/HEAD).
client_knows_the_alias() {
    setup_repo pre-push
    must git -C "$SERVER" symbolic-ref refs/heads/master refs/heads/main
    must git tag v0.1.0-rc1 main
    must git push -q origin v0.1.0-rc1
    must git symbolic-ref refs/remotes/origin/master refs/remotes/origin/main
    commit_file "feat: lands on frozen main"
    expect_reject "F1 freeze-fixes-only" git push origin HEAD:refs/heads/master
    assert_output_contains "refs/heads/master is a symbolic ref to refs/heads/main on origin: judged as refs/heads/main"
}

run_scenario "pre-receive: F1 through master -> main" feature_through_alias_refused pre-receive
run_scenario "pre-receive: B3 through master -> main" rewind_through_alias_refused pre-receive
run_scenario "update: F1 through master -> main" feature_through_alias_refused update
run_scenario "update: B3 through master -> main" rewind_through_alias_refused update
run_scenario "pre-push: F1 through a known alias" client_knows_the_alias
finish
