#!/usr/bin/env bash
# Black-box suite: access (A1), overrides (A2), the audit log and the policy
# ref refs/meta/relgate (P1), through the real pre-receive hook.
#
#   bash tests/blackbox/access.sh [path/to/relgate]

. "$(dirname "$0")/lib.sh" "$@"

maintainers_alice() {
    printf '[access]\nmaintainers = ["alice"]\n' >"$SERVER/relgate.toml"
}

# policy_commit TEXT [PARENT]: a commit whose tree is just relgate.toml = TEXT.
policy_commit() {
    local blob tree
    blob=$(printf '%b' "$1" | git hash-object -w --stdin)
    tree=$(printf '100644 blob %s\trelgate.toml\n' "$blob" | git mktree)
    if [ $# -ge 2 ]; then git commit-tree "$tree" -p "$2" -m policy; else git commit-tree "$tree" -m policy; fi
}

# audit_count: lines in the server's audit log now.
audit_count() { wc -l <"$SERVER/relgate-audit.log" 2>/dev/null || echo 0; }

# assert_audit_lines N: the server's audit log has N lines, each valid JSON.
assert_audit_lines() {
    local log=$SERVER/relgate-audit.log n
    n=$(wc -l <"$log" 2>/dev/null || echo 0)
    [ "$n" -eq "$1" ] || fail "audit log has $n lines, expected $1"
    python3 -c 'import json,sys
for i, l in enumerate(open(sys.argv[1])):
    d = json.loads(l)
    assert set(d) >= {"time","hook","pusher","ref","old","new","verdict","rules","override"}, l' "$log" \
        || fail "audit log has a line that is not the expected JSON"
}

# A1: mallory cannot push a release tag when maintainers = ["alice"]; alice can.
release_tags_need_a_maintainer() {
    use_fixture fresh
    maintainers_alice
    must git tag v0.1.0-rc1 main
    GL_USERNAME=mallory expect_reject "A1 maintainers-only" git push origin v0.1.0-rc1
    assert_output_contains 'this push is by "mallory"'
    GL_USERNAME=alice expect_accept git push origin v0.1.0-rc1
    assert_remote_ref refs/tags/v0.1.0-rc1 main
}

# A2: an override by alice passes and is in the audit log with its reason;
# an override by mallory is refused (and logged).
override_by_maintainer_logged() {
    use_fixture fresh
    maintainers_alice
    git -C "$SERVER" config receive.advertisePushOptions true
    local before
    before=$(audit_count)
    must git tag v0.1.0-rc3 main
    GL_USERNAME=mallory expect_reject "A2 override" git push -o 'relgate.override=trust me' origin v0.1.0-rc3
    GL_USERNAME=alice expect_accept git push -o 'relgate.override=rc1 and rc2 were lost in the mirror outage' origin v0.1.0-rc3
    assert_output_contains "relgate: overridden: T4 rc-sequence"
    assert_remote_ref refs/tags/v0.1.0-rc3 main
    assert_audit_lines $((before + 2))
    grep -q '"pusher":"alice".*"verdict":"overridden","rules":\["T4"\],"override":"rc1 and rc2 were lost in the mirror outage"' \
        "$SERVER/relgate-audit.log" || fail "alice's override is not in the audit log with its reason"
    grep -q '"pusher":"mallory".*"verdict":"rejected"' "$SERVER/relgate-audit.log" \
        || fail "mallory's refused override is not in the audit log"
}

# The audit log: 50 concurrent pushes (25 at a time) give exactly 50 valid lines.
audit_log_concurrent_pushes() {
    use_fixture fresh
    local i pids=()
    for i in $(seq 1 50); do
        git branch "feature/$i" main
    done
    for i in $(seq 1 50); do
        timeout 60 git push -q origin "feature/$i" >/dev/null 2>&1 &
        pids+=($!)
        if [ $((i % 25)) -eq 0 ]; then wait "${pids[@]}"; pids=(); fi
    done
    wait
    # The fixture's own pushes (main) are in the log too.
    local before
    before=$(grep -vc '"ref":"refs/heads/feature/' "$SERVER/relgate-audit.log")
    assert_audit_lines $((50 + before))
    [ "$(grep -c '"ref":"refs/heads/feature/' "$SERVER/relgate-audit.log")" -eq 50 ] || fail "expected 50 feature lines"
}

# P1: a valid policy pushed by a maintainer changes later verdicts (not the
# push itself); an invalid one is refused with line and column; a
# non-maintainer's policy push is refused.
policy_ref() {
    use_fixture fresh
    maintainers_alice
    # The maintainers list moves into the versioned policy.
    local good bad
    good=$(policy_commit '[access]\nmaintainers = ["alice"]\n[rules]\ntag-name = "warn"\n')
    GL_USERNAME=mallory expect_reject "A1 maintainers-only" git push origin "$good:refs/meta/relgate"
    # The host file stays: the versioned policy's keys win over its
    # repository keys once the ref is in force.
    GL_USERNAME=alice expect_accept git push origin "$good:refs/meta/relgate"
    must git tag v0.1.0-RC1 main
    GL_USERNAME=alice expect_accept git push origin v0.1.0-RC1
    assert_output_contains "relgate: warning: T1 tag-name"
    bad=$(policy_commit '[rules]\ntag-name = "warn"\n\n[ci]\n  alow = 1\n' "$good")
    GL_USERNAME=alice expect_reject "P1 policy-valid" git push origin "$bad:refs/meta/relgate"
    assert_output_contains 'refs/meta/relgate:relgate.toml:5:3: unknown key "alow" in [ci]'
}

run_scenario "A1: release tags need a maintainer" release_tags_need_a_maintainer
run_scenario "A2: overrides, and the audit log" override_by_maintainer_logged
run_scenario "audit log: 50 concurrent pushes, 50 lines" audit_log_concurrent_pushes
run_scenario "P1: the policy ref" policy_ref
finish
