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

run_scenario rc1_over_git_protocol_accepted rc1_over_git_protocol_accepted
run_scenario bad_tag_over_git_protocol_rejected bad_tag_over_git_protocol_rejected
run_scenario rc_skip_over_git_protocol_rejected rc_skip_over_git_protocol_rejected
wait_scenarios      # they run in the background: keep the daemon until then
stop_daemon
finish
