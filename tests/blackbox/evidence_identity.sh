#!/usr/bin/env bash
# Black-box suite: evidence only CI can write (A3), who the pusher really is
# (no USER fallback on the server, relgate.user in a clone), and refs that
# would block the namespaces relgate relies on. Real pushes into a bare
# repository with the pre-receive hook; the client case in a real clone
# with the pre-push hook and a different $USER.
#
#   bash tests/blackbox/evidence_identity.sh [path/to/relgate]

. "$(dirname "$0")/lib.sh" "$@"

# host_config TEXT: the administrator's git-directory relgate.toml.
host_config() { printf '%b' "$1" >"$SERVER/relgate.toml"; }

# note_push WHO: pushes the local refs/notes/ci as WHO.
note_push() { GL_USERNAME=$1 run_cmd git push origin refs/notes/ci; }

# A3: with access.ci_writers set, only CI writes results, and what it wrote
# stays; a contributor's forged success does not get a patch tag through.
ci_evidence() {
    use_fixture patch
    host_config '[access]\nmaintainers = ["alice"]\nci_writers = ["ci-bot"]\n'
    local sha
    sha=$(git rev-parse release/v0.1)
    must git notes --ref=ci add -m "failure build https://ci/1" "$sha"
    note_push ci-bot
    [ "$LAST_RC" -eq 0 ] || fail "CI's own result was refused"
    # A contributor turns failure into success.
    must git notes --ref=ci add -f -m "success build" "$sha"
    GL_USERNAME=mallory expect_reject "A3 ci-evidence" git push -f origin refs/notes/ci
    assert_output_contains 'only CI records results on refs/notes/ci (access.ci_writers: ci-bot; this push is by "mallory")'
    GL_USERNAME=mallory expect_reject "A3 ci-evidence" git push origin :refs/notes/ci
    # ... or pushes it with the tag, as a maintainer: the whole push is refused.
    must git tag v0.1.1 release/v0.1
    GL_USERNAME=alice expect_reject "A3 ci-evidence" git push -f origin refs/notes/ci v0.1.1
    assert_remote_ref_absent refs/tags/v0.1.1
    # Even CI's account cannot rewrite what it recorded ...
    GL_USERNAME=ci-bot expect_reject "A3 ci-evidence" git push -f origin refs/notes/ci
    assert_output_contains "CI results are append-only"
    # ... but may add a later result (a re-run), with relgate ci record.
    must git fetch -q origin +refs/notes/ci:refs/notes/ci
    GL_USERNAME=ci-bot expect_accept "$RELGATE_BIN" ci record "$sha" build success --push origin
    [ "$(git -C "$SERVER" notes --ref=ci show "$sha" | tr '\n' '|')" = "failure build https://ci/1|success build|" ] ||
        fail "the note should keep the failure line and add the success line: $(git -C "$SERVER" notes --ref=ci show "$sha")"
    GL_USERNAME=alice expect_accept git push origin v0.1.1
    expect_accept "$RELGATE_BIN" --repo "$SERVER" doctor
    assert_output_contains "CI results: refs/notes/ci, written only by ci-bot (A3)"
}

# Without ci_writers, T8 says the notes are unverified and never tells a
# person to record success; status and doctor say so too.
unverified_evidence() {
    use_fixture patch
    must git tag v0.1.1 release/v0.1
    expect_reject "T8 ci-green" git push origin v0.1.1
    assert_output_contains "CI results on refs/notes/ci are unverified"
    assert_output_lacks "<check> success"
    assert_output_contains "re-run it"
    expect_accept "$RELGATE_BIN" --repo "$SERVER" status
    assert_output_contains "CI results on refs/notes/ci are unverified"
    run_cmd "$RELGATE_BIN" --repo "$SERVER" doctor
    assert_output_contains "unverified (access.ci_writers is not set"
}

# The server never takes USER or LOGNAME for the pusher: they name the
# service account (a local push's USER is the pusher's own login here, which
# is what a server running hooks as `git` or `www-data` sees too).
no_user_fallback() {
    use_fixture fresh
    host_config '[access]\nmaintainers = ["alice"]\n'
    must git tag v0.1.0-rc1 main
    USER=alice LOGNAME=alice expect_reject "A1 maintainers-only" git push origin v0.1.0-rc1
    assert_output_contains "this push is by nobody (an unauthenticated push)"
    grep -q '"pusher":null,"authenticated":false' "$SERVER/relgate-audit.log" ||
        fail "the audit log does not say the push was unauthenticated"
    GL_USERNAME=alice expect_accept git push origin v0.1.0-rc1
    grep -q '"pusher":"alice","authenticated":true' "$SERVER/relgate-audit.log" ||
        fail "the audit log does not name alice"
}

# identity_env may not name variables git or the pusher sets.
identity_env_refuses_git_variables() {
    use_fixture fresh
    host_config '[access]\nmaintainers = ["alice"]\nidentity_env = ["GIT_PUSH_OPTION_0", "GL_USERNAME"]\n'
    commit_file "feat: more"
    run_cmd git push -o alice origin main
    [ "$LAST_RC" -ne 0 ] || fail "a push must be refused while the host configuration is invalid"
    assert_output_contains "relgate.toml:3:16: access.identity_env: GIT_PUSH_OPTION_0 is set by git or by the pusher (GIT_*), not by the server's authentication"
    [ "$(grep -c 'relgate: error' "$LAST_OUTPUT")" -eq 1 ] || fail "expected exactly one error line"
}

# The client hook cannot know the server's identity: a laptop's $USER is not
# the hosting account. Without relgate.user the client leaves A1 to the
# server; with it, it checks.
client_identity() {
    use_fixture fresh
    host_config '[access]\nmaintainers = ["alice"]\n'
    must "$RELGATE_BIN" install
    # The clone knows the maintainers (a copy of the host's list here).
    printf '[access]\nmaintainers = ["alice"]\n' >.git/relgate.toml
    must git tag v0.1.0-rc1 main
    # alice's laptop login is "ajones"; the server knows her as alice.
    USER=ajones GL_USERNAME=alice expect_accept git push origin v0.1.0-rc1
    assert_output_contains "who may push this is the server's decision"
    assert_remote_ref refs/tags/v0.1.0-rc1 main
    # Saying who she is there lets the client check.
    must git config relgate.user bob
    must git tag v0.1.0-rc2 main
    USER=ajones GL_USERNAME=alice expect_reject "A1 maintainers-only" git push origin v0.1.0-rc2
    assert_output_contains 'this push is by "bob"'
    must git config relgate.user alice
    USER=ajones GL_USERNAME=alice expect_accept git push origin v0.1.0-rc2
    assert_output_lacks "server's decision"
}

# Refs that would block the namespaces the rules rely on are refused, by
# the rule that owns each namespace.
ref_squatting() {
    use_fixture fresh
    expect_reject "B1 branch-name" git push origin main:refs/heads/release
    assert_output_contains "would block release branches (refs/heads/release/*)"
    expect_reject "A3 ci-evidence" git push origin main:refs/notes/ci/x
    assert_output_contains "would block CI results (refs/notes/ci)"
    expect_reject "A3 ci-evidence" git push origin main:refs/notes
    expect_reject "P1 policy-valid" git push origin main:refs/meta/relgate/x
    expect_reject "P1 policy-valid" git push origin main:refs/meta
    expect_reject "F2 freeze-declare" git push origin main:refs/freeze
    expect_reject "F2 freeze-declare" git push origin main:refs/freeze/next
    expect_reject "B1 branch-name" git push origin main:refs/heads/main/x 2>/dev/null
    # Nearby names that block nothing are fine.
    expect_accept git push origin main:refs/heads/releases-notes
    expect_accept git push origin main:refs/notes/other
}

run_scenario "A3: only CI writes CI results, append-only" ci_evidence
run_scenario "A3 unset: CI results are unverified, and said so" unverified_evidence
run_scenario "the server never takes USER for the pusher" no_user_fallback
run_scenario "identity_env refuses GIT_* variables" identity_env_refuses_git_variables
run_scenario "the client: relgate.user, else the server decides" client_identity
run_scenario "refs that would block relgate's namespaces" ref_squatting
finish
