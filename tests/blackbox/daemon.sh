#!/usr/bin/env bash
# Black-box suite: pushes over the git:// protocol to `git daemon`, into bare
# repositories guarded by the relgate pre-receive hook. The daemon runs for
# the whole suite on a free local port and is killed on exit.
#
#   bash tests/blackbox/daemon.sh [path/to/relgate]

. "$(dirname "$0")/lib.sh" "$@"

BASE=$SUITE_TMP/daemon-base
mkdir -p "$BASE"
DAEMON_PID=
DAEMON_PORT=

stop_daemon() {
    if [ -n "$DAEMON_PID" ]; then
        kill "$DAEMON_PID" 2>/dev/null
        wait "$DAEMON_PID" 2>/dev/null
        DAEMON_PID=
    fi
}
trap stop_daemon EXIT

# port_in_use PORT: something accepts connections on 127.0.0.1:PORT.
port_in_use() {
    timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# start_daemon: try a few random ports; for each, start git daemon and wait
# (bounded) until it answers `git ls-remote` on a probe repository.
start_daemon() {
    local port
    git init -q --bare "$BASE/probe.git"
    for _ in 1 2 3 4 5 6 7 8; do
        port=$((20000 + RANDOM % 40000))
        port_in_use "$port" && continue
        git daemon --reuseaddr --base-path="$BASE" --export-all \
            --enable=receive-pack --listen=127.0.0.1 --port="$port" \
            --log-destination=stderr 2>>"$SUITE_TMP/daemon.log" &
        DAEMON_PID=$!
        for _ in $(seq 1 50); do
            if ! kill -0 "$DAEMON_PID" 2>/dev/null; then
                break       # died, probably the port was taken meanwhile
            fi
            if timeout 5 git ls-remote "git://127.0.0.1:$port/probe.git" >/dev/null 2>&1; then
                DAEMON_PORT=$port
                return 0
            fi
            sleep 0.1
        done
        stop_daemon
    done
    return 1
}

if ! start_daemon; then
    # no loopback networking here: skip (CTest's SKIP_RETURN_CODE)
    echo "# skipped: git daemon did not start on 127.0.0.1"
    sed 's/^/#   /' "$SUITE_TMP/daemon.log" 2>/dev/null
    rm -rf "$SUITE_TMP"
    exit 125
fi
URL_BASE=git://127.0.0.1:$DAEMON_PORT

# daemon_repo NAME: bare NAME.git under the daemon's base path with the
# pre-receive hook; a clone `work` (entered) whose origin is the git:// URL,
# with an initial commit on main pushed through the daemon.
daemon_repo() {
    make_server pre-receive "$BASE/$1.git"
    must git clone -q "$URL_BASE/$1.git" work
    cd work || exit 1
    commit_file "feat: initial commit"
    must git push -q origin main
}

rc1_over_git_protocol_accepted() {
    daemon_repo rc1
    must git tag v0.1.0-rc1 main
    expect_accept git push origin v0.1.0-rc1
    assert_remote_ref refs/tags/v0.1.0-rc1 main
}

bad_tag_over_git_protocol_rejected() {
    daemon_repo badtag
    must git tag v0.1.0-RC1 main
    expect_reject "T1 tag-name" git push origin v0.1.0-RC1
    assert_output_matches '^remote: relgate: T1 tag-name: refs/tags/v0\.1\.0-RC1'
    assert_remote_ref_absent refs/tags/v0.1.0-RC1
}

rc_skip_over_git_protocol_rejected() {
    daemon_repo rcskip
    must git tag v0.1.0-rc1 main
    must git push -q origin v0.1.0-rc1
    must git tag v0.1.0-rc3 main
    expect_reject "T4 rc-sequence" git push origin v0.1.0-rc3
}

# The release flow (lib.sh's release_flow) over git://: the daemon says
# nobody's name, so every push is unauthenticated: a release tag is refused
# while maintainers are named, and so is every override.
release_flow_over_git_protocol() {
    make_server pre-receive "$BASE/flow.git"
    printf '%s\n' "$SLOW_PRE_RECEIVE" >"$SERVER/hooks/pre-receive.relgate-chained"
    chmod 755 "$SERVER/hooks/pre-receive.relgate-chained"
    release_flow "$URL_BASE/flow.git" "$URL_BASE/flow.git" anonymous
}

# --- concurrent pushes (push_journal.hpp) --------------------------------------
#
# A chained pre-receive hook that sleeps holds the first push between
# relgate's verdict and its ref update, so the second push is judged while
# the first is still landing: without serialization both would pass.

# slow_landing: makes pushes to the current daemon repository take 2 s after
# relgate accepts them.
slow_landing() {
    printf '#!/bin/sh\ncat >/dev/null\nsleep 2\n' >"$SERVER/hooks/pre-receive.relgate-chained"
    chmod +x "$SERVER/hooks/pre-receive.relgate-chained"
}

# race CLONE_A CMD_A CLONE_B CMD_B: runs CMD_A in CLONE_A, and 0.5 s later
# CMD_B in CLONE_B (each bounded to 60 s); sets RC_A and RC_B.
race() {
    local a=$1 cmd_a=$2 b=$3 cmd_b=$4
    (cd "$a" && timeout -k 5 60 sh -c "$cmd_a" >"$SCENARIO_DIR/race-a.log" 2>&1; echo $? >"$SCENARIO_DIR/race-a.rc") &
    local pid_a=$!
    sleep 0.5
    (cd "$b" && timeout -k 5 60 sh -c "$cmd_b" >"$SCENARIO_DIR/race-b.log" 2>&1; echo $? >"$SCENARIO_DIR/race-b.rc")
    wait "$pid_a"
    RC_A=$(cat "$SCENARIO_DIR/race-a.rc")
    RC_B=$(cat "$SCENARIO_DIR/race-b.rc")
    echo "# race: A exit $RC_A, B exit $RC_B"
    sed 's/^/#   A| /' "$SCENARIO_DIR/race-a.log"
    sed 's/^/#   B| /' "$SCENARIO_DIR/race-b.log"
}

remote_has() { git --git-dir="$SERVER" rev-parse -q --verify "$1" >/dev/null; }

# After `race . CMD_A DIR_B CMD_B`: sets WINNER and LOSER to the directories
# of the push that landed and the one refused; fails unless exactly one
# landed.
race_winner() {
    if [ "$RC_A" -eq 0 ] && [ "$RC_B" -ne 0 ]; then WINNER=. LOSER=$1
    elif [ "$RC_B" -eq 0 ] && [ "$RC_A" -ne 0 ]; then WINNER=$1 LOSER=.
    else fail "exactly one of the two pushes should land (A $RC_A, B $RC_B)"; return 1
    fi
}

race_rc2_and_final() {
    daemon_repo race-final
    must git tag v0.1.0-rc1 main
    must git push -q origin v0.1.0-rc1
    commit_file "fix: after rc1"
    must git push -q origin main
    must git clone -q "$URL_BASE/race-final.git" ../other
    slow_landing
    must git tag v0.1.0-rc2 main
    (cd ../other && must git tag v0.1.0 v0.1.0-rc1) || return 1
    race . "git push origin v0.1.0-rc2" ../other "git push origin v0.1.0"
    # Whichever relgate judges first lands (normally rc2, started first); the
    # other is judged as if it had landed, and refused.
    if remote_has refs/tags/v0.1.0-rc2 && remote_has refs/tags/v0.1.0; then
        fail "rc2 and a final tag at rc1 both landed"
    elif [ "$RC_A" -eq 0 ] && [ "$RC_B" -ne 0 ]; then
        grep -q 'T6 final-is-last-rc' "$SCENARIO_DIR/race-b.log" || fail "the final tag should be refused by T6"
        # Afterwards the landed push no longer counts as pending: the final
        # tag at rc2 goes through.
        must git tag v0.1.0 v0.1.0-rc2
        expect_accept git push origin v0.1.0
    elif [ "$RC_B" -eq 0 ] && [ "$RC_A" -ne 0 ]; then
        echo "# the final tag was judged first"
        grep -q 'T4 rc-sequence' "$SCENARIO_DIR/race-a.log" || fail "rc2 after the final tag should be refused by T4"
    else
        fail "exactly one of the two should land (A $RC_A, B $RC_B)"
    fi
}

race_same_rc() {
    daemon_repo race-same
    must git clone -q "$URL_BASE/race-same.git" ../other
    commit_file "feat: mine"
    (cd ../other && commit_file "feat: theirs" && must git push -q origin main:refs/heads/theirs) || return 1
    must git push -q origin main
    slow_landing
    must git tag v0.1.0-rc1 main
    (cd ../other && must git tag v0.1.0-rc1 main) || return 1
    race . "git push origin v0.1.0-rc1" ../other "git push origin v0.1.0-rc1"
    race_winner ../other || return 1
    [ "$(git --git-dir="$SERVER" rev-parse refs/tags/v0.1.0-rc1)" = "$(git -C "$WINNER" rev-parse main)" ] \
        || fail "rc1 is not the landed push's"
}

race_two_backports() {
    daemon_repo race-backport
    must git tag v0.1.0-rc1 main
    must git tag v0.1.0 main
    must git branch release/v0.1 main
    must git push -q origin v0.1.0-rc1 v0.1.0 release/v0.1
    commit_file "fix: one (#101)"
    local one two
    one=$(git rev-parse HEAD)
    commit_file "fix: two (#102)"
    two=$(git rev-parse HEAD)
    must git push -q origin main
    must git clone -q "$URL_BASE/race-backport.git" ../other
    slow_landing
    must git checkout -q release/v0.1
    must git cherry-pick -x "$one"
    (cd ../other && must git checkout -q release/v0.1 && must git cherry-pick -x "$two") || return 1
    race . "git push origin release/v0.1" ../other "git push origin release/v0.1"
    # Both are fast-forwards of the same tip: git's lock on the branch decides
    # which lands (relgate accepts either alone); exactly one does, whole.
    race_winner ../other || return 1
    [ "$(git --git-dir="$SERVER" rev-parse refs/heads/release/v0.1)" = "$(git -C "$WINNER" rev-parse HEAD)" ] \
        || fail "release/v0.1 is not the landed push's"
    # The other backport, rebased, lands too.
    (cd "$LOSER" && must git pull -q --rebase origin release/v0.1 && expect_accept git push origin release/v0.1) || return 1
}

# Four pushes at once, each of a different step, no hook delay: git and
# relgate leave a state the rules allow whatever the order.
race_four_at_once() {
    daemon_repo race-four
    must git tag v0.1.0-rc1 main
    must git push -q origin v0.1.0-rc1
    commit_file "fix: after rc1"
    must git push -q origin main
    local i
    for i in 1 2 3 4; do must git clone -q "$URL_BASE/race-four.git" "../c$i"; done
    (cd ../c1 && must git tag v0.1.0-rc2 main) &&
    (cd ../c2 && must git tag v0.1.0 v0.1.0-rc1) &&
    (cd ../c3 && must git tag v0.1.0-rc3 main) &&
    (cd ../c4 && must git tag v0.1.0 main) || return 1
    local pids=()
    for i in 1 2 3 4; do
        (cd "../c$i" && timeout -k 5 60 git push -q origin --tags >"$SCENARIO_DIR/c$i.log" 2>&1) &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p"; done
    # Allowed end states: rc1 alone, or with rc2 (and maybe the final at rc2),
    # or the final at rc1 without rc2. Never rc3 without rc2, never a final
    # that is not at the last rc.
    local rc2=0 rc3=0 final=
    remote_has refs/tags/v0.1.0-rc2 && rc2=1
    remote_has refs/tags/v0.1.0-rc3 && rc3=1
    remote_has refs/tags/v0.1.0 && final=$(git --git-dir="$SERVER" rev-parse refs/tags/v0.1.0^{commit})
    echo "# four at once: rc2=$rc2 rc3=$rc3 final=${final:0:9}"
    [ "$rc3" -eq 0 ] || [ "$rc2" -eq 1 ] || fail "rc3 landed without rc2"
    if [ -n "$final" ]; then
        local last=v0.1.0-rc1
        [ "$rc2" -eq 1 ] && last=v0.1.0-rc2
        [ "$rc3" -eq 1 ] && last=v0.1.0-rc3
        [ "$final" = "$(git --git-dir="$SERVER" rev-parse "$last^{commit}")" ] || fail "the final tag is not at $last"
    fi
    expect_exit_0_audit
}

# expect_exit_0_audit: relgate audit of the server finds nothing against the tags.
expect_exit_0_audit() {
    run_cmd "$RELGATE_BIN" --repo "$SERVER" audit --format json
    if grep -q '"ref":"refs/tags/' "$LAST_STDOUT"; then fail "audit finds the tags' end state wrong"; fi
}

# RELGATE_BENCH=N: what relgate's pre-receive costs a push over git://.
bench_git_protocol() {
    make_server pre-receive "$BASE/bench.git"
    bench_pushes "git daemon (git://)" "$URL_BASE/bench.git" "$RELGATE_BENCH"
}

if [ -n "${RELGATE_BENCH:-}" ]; then
    run_scenario "push overhead (RELGATE_BENCH)" bench_git_protocol
    wait_scenarios
fi
run_scenario rc1_over_git_protocol_accepted rc1_over_git_protocol_accepted
run_scenario bad_tag_over_git_protocol_rejected bad_tag_over_git_protocol_rejected
run_scenario rc_skip_over_git_protocol_rejected rc_skip_over_git_protocol_rejected
run_scenario "the release flow, unauthenticated" release_flow_over_git_protocol
run_scenario "race: rc2 and the final tag at rc1" race_rc2_and_final
run_scenario "race: the same rc from two clones" race_same_rc
run_scenario "race: two backports to one release branch" race_two_backports
run_scenario "race: four release steps at once" race_four_at_once
wait_scenarios      # they run in the background: keep the daemon until then
stop_daemon
finish
