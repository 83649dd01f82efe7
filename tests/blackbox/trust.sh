#!/usr/bin/env bash
# Black-box suite: a pushed policy decides rules, never what the host runs,
# contacts or writes (README "Security model"). Real pushes into a bare
# repository with the pre-receive hook, and a real clone that fetched the
# policy. "Planted" policies are written into the server directly
# (update-ref), as one pushed before relgate refused such keys would be.
#
#   bash tests/blackbox/trust.sh [path/to/relgate]

. "$(dirname "$0")/lib.sh" "$@"
README=$(cd "$(dirname "$0")/../.." && pwd)/README.md

# host_maintainers NAME...: the administrator names maintainers in the git
# directory's relgate.toml (host configuration).
host_maintainers() {
    local list="" m
    for m in "$@"; do list="$list${list:+, }\"$m\""; done
    printf '[access]\nmaintainers = [%s]\n' "$list" >"$SERVER/relgate.toml"
}

# policy_commit TEXT: a commit (in the current repository) whose tree is
# just relgate.toml = TEXT (printf %b escapes).
policy_commit() {
    local blob tree
    blob=$(printf '%b' "$1" | git hash-object -w --stdin)
    tree=$(printf '100644 blob %s\trelgate.toml\n' "$blob" | git mktree)
    git commit-tree "$tree" -m policy
}

# plant TEXT: writes a policy commit with TEXT into $SERVER's refs/meta/relgate
# without any hook.
plant() {
    local c
    c=$(cd "$SERVER" && policy_commit "$1") || exit 1
    must git -C "$SERVER" update-ref refs/meta/relgate "$c"
}

# A policy that runs a program: refused when pushed; when planted, neither
# the server hook nor a clone that fetched it runs the program.
command_provider() {
    use_fixture patch
    host_maintainers alice
    local marker=$SCENARIO_DIR/ran text pol
    text="[ci]\nprovider = \"command\"\nrequired_for = [\"rc\", \"final\", \"patch\"]\n[ci.command]\nargv = [\"/usr/bin/touch\", \"$marker\"]\n"
    pol=$(policy_commit "$text")
    GL_USERNAME=alice expect_reject "P1 policy-valid" git push origin "$pol:refs/meta/relgate"
    assert_output_contains "refs/meta/relgate:relgate.toml:4:1: ci.command is host configuration (it runs a program), which a pushed policy may not set; the administrator sets it in"
    assert_output_contains "$SERVER/relgate.toml"
    GL_USERNAME=alice expect_reject "P1 policy-valid" git push -o 'relgate.override=I know' origin "$pol:refs/meta/relgate"
    assert_remote_ref_absent refs/meta/relgate

    plant "$text"
    must git tag v0.1.1 release/v0.1
    GL_USERNAME=alice expect_reject "T8 ci-green" git push origin v0.1.1
    assert_output_contains "sets what only this host's configuration decides, ignored: ci.command, ci.provider"
    [ -e "$marker" ] && fail "the server hook ran the pushed policy's command"

    # A clone with relgate installed fetches the policy.
    must "$RELGATE_BIN" install
    must git fetch -q origin
    [ "$(git rev-parse -q --verify refs/relgate/remotes/origin/meta/relgate)" = "$(git -C "$SERVER" rev-parse refs/meta/relgate)" ] ||
        fail "the clone did not fetch the policy"
    expect_reject "T8 ci-green" git push origin v0.1.1
    [ "$(grep -c "ignored: ci.command, ci.provider" "$LAST_OUTPUT")" -eq 1 ] || fail "expected exactly one warning line"
    run_cmd "$RELGATE_BIN" next
    run_cmd "$RELGATE_BIN" ci status release/v0.1
    run_cmd "$RELGATE_BIN" status
    [ -e "$marker" ] && fail "the clone ran the fetched policy's command"
    return 0
}

# start_listener: a TCP listener on 127.0.0.1 that records every connection
# in $SCENARIO_DIR/requests; sets PORT and LISTENER (its pid).
start_listener() {
    python3 - "$SCENARIO_DIR/port" "$SCENARIO_DIR/requests" <<'EOF' &
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    c, _ = s.accept()
    c.settimeout(2)
    try:
        data = c.recv(4096)
    except Exception:
        data = b""
    with open(sys.argv[2], "ab") as f:
        f.write(b"connection: " + data[:200] + b"\n")
    c.close()
EOF
    LISTENER=$!
    local i
    for i in $(seq 1 100); do [ -s "$SCENARIO_DIR/port" ] && break; sleep 0.05; done
    PORT=$(cat "$SCENARIO_DIR/port") || { fail "the listener did not start"; exit 1; }
}

# A policy that sends a host variable as a token to an address of its
# choosing: refused; planted, no request reaches the address.
github_token() {
    use_fixture patch
    host_maintainers alice
    start_listener
    local text pol
    text="[ci]\nprovider = \"github\"\n[ci.github]\napi_url = \"http://127.0.0.1:$PORT\"\nrepository = \"o/r\"\ntoken_env = \"SERVER_SECRET\"\n"
    pol=$(policy_commit "$text")
    GL_USERNAME=alice expect_reject "P1 policy-valid" git push origin "$pol:refs/meta/relgate"
    assert_output_contains "ci.github is host configuration (it reaches a network address and names an environment variable)"
    plant "$text"
    must git tag v0.1.1 release/v0.1
    SERVER_SECRET=hunter2 GL_USERNAME=alice expect_reject "T8 ci-green" git push origin v0.1.1
    must "$RELGATE_BIN" install
    must git fetch -q origin
    SERVER_SECRET=hunter2 run_cmd "$RELGATE_BIN" ci status release/v0.1
    kill "$LISTENER" 2>/dev/null; wait "$LISTENER" 2>/dev/null
    if [ -s "$SCENARIO_DIR/requests" ]; then
        fail "a request reached the policy's address: $(cat "$SCENARIO_DIR/requests")"
    fi
    return 0
}

# A policy that moves the audit log (onto git's own files, or off): refused;
# planted, the log stays where the host put it and the repository works.
audit_log() {
    use_fixture fresh
    host_maintainers alice
    local pol before
    pol=$(policy_commit '[audit]\nlog = "config"\n')
    GL_USERNAME=alice expect_reject "P1 policy-valid" git push origin "$pol:refs/meta/relgate"
    assert_output_contains "audit.log is host configuration (it writes a file)"
    plant '[audit]\nlog = "config"\n'
    before=$(wc -l <"$SERVER/relgate-audit.log")
    commit_file "feat: more"
    GL_USERNAME=alice expect_accept git push origin main
    [ "$(wc -l <"$SERVER/relgate-audit.log")" -eq $((before + 1)) ] || fail "the decision is not in the host's audit log"
    must git -C "$SERVER" config --list
    commit_file "feat: again"
    GL_USERNAME=alice expect_accept git push origin main
    assert_remote_ref refs/heads/main main
}

# A policy that reads the pusher's name from a variable the pusher sets:
# refused; planted, a push option claiming to be a maintainer is not one.
identity_env() {
    use_fixture fresh
    host_maintainers alice
    local pol
    pol=$(policy_commit '[access]\nidentity_env = ["GIT_PUSH_OPTION_0"]\n')
    GL_USERNAME=alice expect_reject "P1 policy-valid" git push origin "$pol:refs/meta/relgate"
    assert_output_contains "access.identity_env is host configuration"
    plant '[access]\nidentity_env = ["GIT_PUSH_OPTION_0"]\n'
    must git tag v0.1.0-rc1 main
    GL_USERNAME=mallory expect_reject "A1 maintainers-only" git push -o alice origin v0.1.0-rc1
    assert_output_contains 'this push is by "mallory"'
}

# The guards of the policy itself: a pushed policy cannot switch off A1, A2
# or P1; an invalid policy or one without relgate.toml is refused even with
# an override; the repository keeps taking pushes.
guards() {
    use_fixture fresh
    host_maintainers alice
    git -C "$SERVER" config receive.advertisePushOptions true
    local key pol
    for key in maintainers-only override policy-valid; do
        pol=$(policy_commit "[rules]\n$key = \"off\"\n")
        GL_USERNAME=alice expect_reject "P1 policy-valid" git push origin "$pol:refs/meta/relgate"
        assert_output_contains "rules.$key guards the pushed policy itself"
    done
    pol=$(policy_commit '[rules]\ntag-nmae = "warn"\n')
    GL_USERNAME=alice expect_reject "P1 policy-valid" git push -o 'relgate.override=just this once' origin "$pol:refs/meta/relgate"
    local tree empty
    tree=$(git mktree </dev/null)
    empty=$(git commit-tree "$tree" -m "policy: none")
    GL_USERNAME=alice expect_reject "P1 policy-valid" git push -o 'relgate.override=just this once' origin "$empty:refs/meta/relgate"
    assert_remote_ref_absent refs/meta/relgate
    # Rules the project decides, it may switch off.
    pol=$(policy_commit '[rules]\ntag-name = "off"\n')
    GL_USERNAME=alice expect_accept git push origin "$pol:refs/meta/relgate"
    commit_file "feat: still taking pushes"
    GL_USERNAME=bob expect_accept git push origin main
}

# With no maintainers anywhere, nobody may push the policy; the
# administrator names them in a host file (here the system one).
bootstrap() {
    use_fixture fresh
    local pol
    pol=$(policy_commit '[access]\nmaintainers = ["mallory"]\n')
    GL_USERNAME=mallory expect_reject "A1 maintainers-only" git push origin "$pol:refs/meta/relgate"
    assert_output_contains "nobody may push the policy while no maintainers are named"
    assert_output_contains "[access] maintainers = [\"name\"]"
    printf '[access]\nmaintainers = ["alice"]\n' >"$SCENARIO_DIR/system.toml"
    RELGATE_SYSTEM_CONFIG=$SCENARIO_DIR/system.toml GL_USERNAME=mallory \
        expect_reject "A1 maintainers-only" git push origin "$pol:refs/meta/relgate"
    assert_output_contains "maintainers: alice"
    # The README's commands that create the policy commit, as written there.
    printf '[access]\nmaintainers = ["alice", "bob"]\n' >relgate.toml
    sed -n '/^blob=\$(git hash-object/,/refs\/meta\/relgate$/p' "$README" >"$SCENARIO_DIR/create-policy.sh"
    [ "$(wc -l <"$SCENARIO_DIR/create-policy.sh")" -eq 3 ] || fail "the README's policy commands were not found"
    RELGATE_SYSTEM_CONFIG=$SCENARIO_DIR/system.toml GL_USERNAME=alice \
        expect_accept bash -e "$SCENARIO_DIR/create-policy.sh"
    rm -f relgate.toml
    must git -C "$SERVER" cat-file -e refs/meta/relgate:relgate.toml
    # From now on the versioned policy names the maintainers.
    must git tag v0.1.0-rc1 main
    RELGATE_SYSTEM_CONFIG=$SCENARIO_DIR/system.toml GL_USERNAME=bob expect_accept git push origin v0.1.0-rc1
}

# A broken policy written past P1 refuses every push and names the way out;
# the administrator's one setting brings the repository back. Pinned keys
# keep the host's value.
recovery_and_pins() {
    use_fixture fresh
    host_maintainers alice
    local tree empty
    tree=$(cd "$SERVER" && git mktree </dev/null)
    empty=$(cd "$SERVER" && git commit-tree "$tree" -m "policy: none")
    must git -C "$SERVER" update-ref refs/meta/relgate "$empty"
    commit_file "feat: blocked"
    run_cmd git push origin main
    [ "$LAST_RC" -ne 0 ] || fail "a policy ref without relgate.toml must stop pushes (the server fails closed)"
    assert_output_contains "[policy] versioned = false"
    printf '[access]\nmaintainers = ["alice"]\n[policy]\nversioned = false\n' >"$SERVER/relgate.toml"
    expect_accept git push origin main
    # Pins: the versioned policy switches T1 off, the host pins it.
    plant '[rules]\ntag-name = "off"\n'
    printf '[access]\nmaintainers = ["alice"]\n[policy]\npin = ["rules.tag-name"]\n' >"$SERVER/relgate.toml"
    must git tag v0.1.0-RC1 main
    expect_reject "T1 tag-name" git push origin v0.1.0-RC1
    expect_accept "$RELGATE_BIN" --repo "$SERVER" doctor
    assert_output_contains "pinned by the host: rules.tag-name"
    expect_accept "$RELGATE_BIN" --repo "$SERVER" status
    assert_output_contains "pinned by the host: rules.tag-name"
}

run_scenario "a pushed policy never runs a program (server, clone)" command_provider
run_scenario "a pushed policy never sends a token to its address" github_token
run_scenario "a pushed policy never moves the audit log" audit_log
run_scenario "a pushed policy never says where the pusher's name comes from" identity_env
run_scenario "A1, A2 and P1 guard the policy; P1 is never overridden" guards
run_scenario "no maintainers: the administrator names the first ones" bootstrap
run_scenario "policy.versioned = false recovers; pinned keys stay" recovery_and_pins
finish
