#!/usr/bin/env bash
# Black-box suite: the person at the keyboard. Overrides a maintainer can
# use (pasted as printed), what install, doctor, freeze, check, ci record
# and colours say. Real clones with the pre-push hook, a real server with
# the pre-receive hook, real pushes.
#
#   bash tests/blackbox/keyboard.sh [path/to/relgate]

. "$(dirname "$0")/lib.sh" "$@"

ZERO=0000000000000000000000000000000000000000

# A maintainer refused by a rule gets the one command that overrides it on
# both sides; pasted, the push goes through and the server logs it.
override_as_printed() {
    use_fixture fresh
    printf '[access]\nmaintainers = ["alice"]\n' >"$SERVER/relgate.toml"
    must "$RELGATE_BIN" install
    printf '[access]\nmaintainers = ["alice"]\n' >.git/relgate.toml
    must git config relgate.user alice
    must git tag v0.1.0-rc2 main
    GL_USERNAME=alice expect_reject "T4 rc-sequence" git push origin v0.1.0-rc2
    assert_output_contains 'as a maintainer you may push past this once, with a reason for the audit log: RELGATE_OVERRIDE="<reason>" git push -o relgate.override="<reason>" origin v0.1.0-rc2'
    GL_USERNAME=alice paste_command "with a reason for the audit log: "
    assert_remote_ref refs/tags/v0.1.0-rc2 main
    grep -q '"verdict":"overridden","rules":\["T4"\],"override":"<reason>"' "$SERVER/relgate-audit.log" ||
        fail "the override is not in the server's audit log"
    # audit says what went past the gate.
    run_cmd "$RELGATE_BIN" --repo "$SERVER" audit
    assert_output_matches 'override  alice: refs/tags/v0\.1\.0-rc2 past T4: "<reason>"$'
    assert_output_contains "relgate audit: 1 override went past the gate (the server's audit log)"
    # The variable alone: the client lets it through but claims no log entry.
    must git tag v0.1.0-rc4 main
    RELGATE_OVERRIDE="rc3 was lost" GL_USERNAME=alice expect_reject "T4 rc-sequence" git push origin v0.1.0-rc4
    assert_output_contains "the server decides whether it stands, and logs it there"
    # Someone who is not a maintainer is not offered it.
    must git config relgate.user bob
    must git tag v0.1.0-rc5 main
    GL_USERNAME=bob expect_reject "A1 maintainers-only" git push origin v0.1.0-rc5
    assert_output_lacks "may push past this once"
}

# install does not write into a hooks directory the project tracks.
tracked_hooks_dir() {
    use_fixture fresh
    mkdir -p .githooks
    printf '#!/bin/sh\nexec npx lint-staged\n' >.githooks/pre-commit
    must git add .githooks
    must git commit -q -m "chore: team hooks"
    must git config core.hooksPath .githooks
    run_cmd "$RELGATE_BIN" install
    [ "$LAST_RC" -eq 2 ] || fail "install into a tracked hooks directory should be refused (exit 2), got $LAST_RC"
    assert_output_contains "is tracked by git (core.hooksPath)"
    assert_output_contains 'relgate pre-push "$@"'
    [ -z "$(git status --porcelain)" ] || fail "install changed the work tree: $(git status --porcelain)"
}

# doctor says what is really wrong in a clone.
doctor_in_a_clone() {
    use_fixture fresh
    must "$RELGATE_BIN" install
    run_cmd "$RELGATE_BIN" doctor
    assert_output_contains "origin not fetched since install: git fetch origin"
    printf '[rules]\ntag-nmae = "warn"\n' >.git/relgate.toml
    run_cmd "$RELGATE_BIN" doctor
    [ "$LAST_RC" -eq 1 ] || fail "doctor should report the broken policy, got $LAST_RC"
    assert_output_contains "this clone's pre-push hook stops every push until it is fixed"
    assert_output_lacks "the server refuses"
    rm .git/relgate.toml
    RELGATE=/nonexistent run_cmd "$RELGATE_BIN" doctor
    [ "$LAST_RC" -eq 1 ] || fail "doctor should report RELGATE=/nonexistent, got $LAST_RC"
    assert_output_contains "RELGATE names /nonexistent, which is not an executable"
}

# A freeze declaration the server refuses (F2) is a refusal: exit 1, git's
# and relgate's lines, no internal error.
freeze_refused() {
    use_fixture fresh
    printf '[access]\nmaintainers = ["alice"]\n' >"$SERVER/relgate.toml"
    GL_USERNAME=bob run_cmd "$RELGATE_BIN" freeze start v0.1.0
    [ "$LAST_RC" -eq 1 ] || fail "a refused declaration should exit 1, got $LAST_RC"
    assert_output_contains "F2 freeze-declare"
    assert_output_contains "origin refused the declaration (see above); nothing changed"
    assert_output_lacks "relgate: error"
}

# check takes revisions; ci record suggests the state meant.
cli_words() {
    use_fixture rc1
    expect_accept "$RELGATE_BIN" check refs/tags/v0.1.0 0 v0.1.0-rc1
    expect_reject "T3 rc-only-for-minor" "$RELGATE_BIN" check refs/tags/v0.1.1-rc1 "$ZERO" main
    run_cmd "$RELGATE_BIN" ci record main build succes
    [ "$LAST_RC" -eq 2 ] || fail "an unknown state is a usage error"
    assert_output_contains 'unknown state "succes", did you mean "success"?'
    # Usage errors point to the help of the command in use, named relgate.
    run_cmd "$RELGATE_BIN" install --bogus
    assert_output_contains "(relgate install --help shows the usage)"
    run_cmd "$RELGATE_BIN" --help
    assert_output_contains "Usage: relgate [OPTIONS] SUBCOMMAND"
    run_cmd "$RELGATE_BIN" check
    assert_output_contains "relgate: error: missing updates (relgate check --help shows the usage)"
    run_cmd "$RELGATE_BIN"
    assert_output_contains "relgate: error: a command is missing"
}

# On a terminal only the head of a refusal is coloured, as git colours
# `error:`; TERM=dumb and NO_COLOR get none.
colours() {
    use_fixture fresh
    local cmd="$RELGATE_BIN check refs/tags/v0.1.0-RC1 0 main"
    TERM=xterm script -qec "$cmd" /dev/null >tty.out 2>&1
    grep -q $'^\e\\[1;31mrelgate: T1 tag-name:\e\\[m refs/tags/v0.1.0-RC1' tty.out ||
        fail "the head of the refusal should be bold red: $(cat -v tty.out | head -2)"
    grep -q $'hint: .*\e\\[' tty.out && fail "hint lines should not be coloured"
    TERM=dumb script -qec "$cmd" /dev/null >dumb.out 2>&1
    grep -q $'\e\\[' dumb.out && fail "TERM=dumb should get no colour: $(cat -v dumb.out | head -1)"
    NO_COLOR=1 TERM=xterm script -qec "$cmd" /dev/null >nocolor.out 2>&1
    grep -q $'\e\\[' nocolor.out && fail "NO_COLOR should get no colour"
    return 0
}

# A release made today on last month's rc commit is dated today on the
# server (its reflog), and a clone says its date is only the commit's.
release_dates() {
    use_fixture fresh
    local old
    old=$(( $(date +%s) - 41 * 86400 ))
    echo "old work" >old.txt
    must git add old.txt
    GIT_COMMITTER_DATE="@$old +0000" GIT_AUTHOR_DATE="@$old +0000" must git commit -q -m "feat: last month"
    must git push -q origin main
    must git tag v0.1.0-rc1 main
    must git push -q origin v0.1.0-rc1
    must git tag v0.1.0 v0.1.0-rc1
    must git push -q origin v0.1.0
    expect_accept "$RELGATE_BIN" --repo "$SERVER" status
    assert_output_matches "last release: +v0\\.1\\.0 on $(date -u +%Y-%m-%d), 0 days ago$"
    expect_accept "$RELGATE_BIN" status
    assert_output_contains "41 days ago (dated by its tag or commit here; the server's status knows when it was pushed)"
}

# Rules that accepted a mistake for good: a patch tag that ships nothing, a
# freeze declared for a line after the next one (a typo).
mistakes_refused() {
    use_fixture patch
    ci_note "success build" release/v0.1
    must git push -q origin refs/notes/ci
    must git tag v0.1.1 release/v0.1
    expect_accept git push origin v0.1.1
    must git tag v0.1.2 release/v0.1
    expect_reject "T7 patch-sequence" git push origin v0.1.2
    assert_output_contains "v0.1.2 is at the same commit as v0.1.1"
    run_cmd "$RELGATE_BIN" freeze start v0.3.0
    [ "$LAST_RC" -eq 2 ] || fail "freeze start for a later line should be refused, got $LAST_RC"
    assert_output_contains "only the next release can be frozen for: that is v0.2.0, not v0.3.0"
    assert_remote_ref_absent refs/freeze/v0.3.0
}

# next prints steps in the order they are taken: no "then" before a first
# step, what comes after the commands after them.
next_in_order() {
    use_fixture rc1
    must git fetch -q origin
    expect_accept "$RELGATE_BIN" next final
    local push_at then_at
    push_at=$(grep -n 'git push origin v0.1.0$' "$LAST_OUTPUT" | cut -d: -f1)
    then_at=$(grep -n 'then create release/v0.1 from it' "$LAST_OUTPUT" | cut -d: -f1)
    [ -n "$push_at" ] && [ -n "$then_at" ] && [ "$push_at" -lt "$then_at" ] ||
        fail "\"then create release/v0.1\" should come after the commands"
    must git tag v0.1.0 v0.1.0-rc1
    must git push -q origin v0.1.0
    must "$RELGATE_BIN" freeze start v0.2.0
    commit_file "fix: for 0.2"
    must git push -q origin main
    expect_accept "$RELGATE_BIN" next rc
    assert_output_contains "  cut the first release candidate from main:"
    assert_output_lacks "then cut"
}

# JSON where a script reads it: next, and status's reason beside "ready".
json_formats() {
    use_fixture released
    must git fetch -q origin
    run_cmd "$RELGATE_BIN" next --format json
    python3 - "$LAST_STDOUT" <<'PY' || fail "next --format json is not the expected JSON"
import json, sys
j = json.load(open(sys.argv[1]))
assert isinstance(j["steps"], list) and j["steps"], j
assert all({"step", "name", "ready", "reason", "commands"} <= set(s) for s in j["steps"]), j
PY
    expect_accept "$RELGATE_BIN" status --format json
    python3 - "$LAST_STDOUT" <<'PY' || fail "status --format json gives no reason beside ready: false"
import json, sys
j = json.load(open(sys.argv[1]))
steps = [s for l in j["lines"] for s in l["next"]]
idle = [s for s in steps if not s["ready"]]
assert idle and all(s["reason"] for s in idle), steps
PY
}

run_scenario "a maintainer's override, as printed" override_as_printed
run_scenario "next and status in JSON" json_formats
run_scenario "next prints steps in the order they are taken" next_in_order
run_scenario "a patch that ships nothing, a freeze for the wrong line" mistakes_refused
run_scenario "a release is dated by when it was pushed" release_dates
run_scenario "install refuses a tracked hooks directory" tracked_hooks_dir
run_scenario "doctor in a clone" doctor_in_a_clone
run_scenario "freeze start refused by F2 exits 1" freeze_refused
run_scenario "check takes revisions; ci record did-you-mean" cli_words
run_scenario "colours as git colours" colours
finish
