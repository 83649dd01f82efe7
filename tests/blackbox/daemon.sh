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

# race CLONE_A CMD_A CLONE_B CMD_B: race_pushes (lib.sh).
race() { race_pushes "$@"; }

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
    rc2_and_final_at_rc1 "$URL_BASE/race-final.git" ../other
    slow_landing
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

# --- issue 20: a later push is judged against what really landed ---------------
#
# No sleeps that must be long enough: the server's hooks hold a push at a
# barrier (a file, or the other push's output saying that relgate waits for
# this one) and every wait is bounded, so nothing hangs and nothing depends
# on the machine's speed. Each case runs several rounds, each in fresh
# repositories. The pushes of a round write $R.<name>.log, .rc and .done.

# push_bg NAME DIR CMD: runs CMD in DIR in the background.
push_bg() {
    (cd "$2" && timeout -k 5 90 sh -c "$3" >"$R.$1.log" 2>&1; echo $? >"$R.$1.rc"; touch "$R.$1.done") &
}

# wait_file FILE: until FILE exists (60 s at most; then the round fails).
wait_file() {
    local i=0
    while [ ! -e "$1" ]; do
        i=$((i + 1))
        [ "$i" -le 1200 ] || { fail "waited 60 s for $1"; return 1; }
        sleep 0.05
    done
}

# until_judged NAME: shell text for a hook that holds its push until push
# NAME is over or relgate says (in NAME's output) that it waits for this one;
# at most 60 s.
until_judged() {
    printf "i=0; while [ ! -e '%s' ] && ! grep -q 'still landing' '%s' 2>/dev/null && [ \$i -lt 1200 ]; do sleep 0.05; i=\$((i + 1)); done\n" \
        "$R.$1.done" "$R.$1.log"
}

# show_round: the two pushes' output, in the scenario's log.
show_round() {
    local n
    for n in "$@"; do
        echo "# $n: exit $(cat "$R.$n.rc" 2>/dev/null)"
        sed "s/^/#   $n| /" "$R.$n.log" 2>/dev/null
    done
}

# rounds FUNCTION: FUNCTION 1..3, each in its own directory; R names the
# round's files.
rounds() {
    local r
    for r in 1 2 3; do
        mkdir -p "$SCENARIO_DIR/round-$r"
        (
            cd "$SCENARIO_DIR/round-$r" || exit 1
            R=$SCENARIO_DIR/round-$r/push
            "$1" "$r"
            exit "$SCEN_FAILED"
        ) || SCEN_FAILED=1
    done
}

# A hook chained after relgate refuses rc1, which relgate accepted, once rc2
# (pushed meanwhile from another clone) was judged or waits: rc2 must not
# land without rc1.
chained_refusal_round() {
    daemon_repo "refused-$1"
    must git clone -q "$URL_BASE/refused-$1.git" ../other
    {
        printf '#!/bin/sh\nif grep -q " refs/tags/v0.1.0-rc1$"; then\n  touch "%s"\n' "$R.a.held"
        until_judged b
        printf '  echo "chained hook: not today" >&2\n  exit 1\nfi\n'
    } >"$SERVER/hooks/pre-receive.relgate-chained"
    chmod +x "$SERVER/hooks/pre-receive.relgate-chained"
    must git tag v0.1.0-rc1 main
    (cd ../other && must git tag v0.1.0-rc2 main) || return 1
    push_bg a . "git push origin v0.1.0-rc1"
    wait_file "$R.a.held" || return 1
    push_bg b ../other "git push origin v0.1.0-rc2"
    wait_file "$R.a.done" && wait_file "$R.b.done" || return 1
    show_round a b
    if remote_has refs/tags/v0.1.0-rc2 && ! remote_has refs/tags/v0.1.0-rc1; then
        fail "round $1: rc2 landed without rc1"
    fi
    [ "$(cat "$R.a.rc")" -ne 0 ] || fail "round $1: the chained hook's refusal did not count"
    grep -q "T4 rc-sequence" "$R.b.log" || fail "round $1: rc2 should be refused by T4 (rc1 never landed)"
}
race_chained_refusal() { rounds chained_refusal_round; }

# In a non-atomic push, one ref fails inside git after pre-receive accepted
# both (a stale lock file); the push lingers in post-receive. rc2, pushed
# meanwhile, must not land on the rc1 that never did.
partial_failure_round() {
    daemon_repo "partial-$1"
    must git clone -q "$URL_BASE/partial-$1.git" ../other
    mkdir -p "$SERVER/refs/tags"
    : >"$SERVER/refs/tags/v0.1.0-rc1.lock"
    {
        printf '#!/bin/sh\nif grep -q " refs/heads/topic$"; then\n  touch "%s"\n' "$R.a.held"
        until_judged b
        printf 'fi\n'
    } >"$SERVER/hooks/post-receive"
    chmod +x "$SERVER/hooks/post-receive"
    must git branch topic main
    must git tag v0.1.0-rc1 main
    (cd ../other && must git tag v0.1.0-rc2 main) || return 1
    push_bg a . "git push origin topic v0.1.0-rc1"
    wait_file "$R.a.held" || return 1
    push_bg b ../other "git push origin v0.1.0-rc2"
    wait_file "$R.a.done" && wait_file "$R.b.done" || return 1
    show_round a b
    remote_has refs/heads/topic || fail "round $1: topic should have landed"
    remote_has refs/tags/v0.1.0-rc1 && fail "round $1: rc1 should have failed (its ref was locked)"
    if remote_has refs/tags/v0.1.0-rc2 && ! remote_has refs/tags/v0.1.0-rc1; then
        fail "round $1: rc2 landed without rc1"
    fi
    grep -q "T4 rc-sequence" "$R.b.log" || fail "round $1: rc2 should be refused by T4 (rc1 never landed)"
}
race_partial_failure() { rounds partial_failure_round; }

# A push that ended the freeze lingers in post-receive while the freeze is
# declared again and a feature is pushed to main: the feature is refused (a
# newer real ref wins over an older entry).
freeze_redeclared_round() {
    daemon_repo "redeclare-$1"
    must git push -q origin main:refs/freeze/v0.1.0
    {
        printf '#!/bin/sh\nif grep -q " 0\\{40\\} refs/freeze/v0.1.0$"; then\n  touch "%s"\n' "$R.a.held"
        printf "  i=0; while [ ! -e '%s' ] && [ \$i -lt 1200 ]; do sleep 0.05; i=\$((i + 1)); done\n" "$R.c.done"
        printf 'fi\n'
    } >"$SERVER/hooks/post-receive"
    chmod +x "$SERVER/hooks/post-receive"
    push_bg a . "git push origin :refs/freeze/v0.1.0"
    wait_file "$R.a.held" || return 1
    expect_accept git push origin main:refs/freeze/v0.1.0
    commit_file "feat: during the freeze"
    expect_reject "F1 freeze-fixes-only" git push origin main
    touch "$R.c.done"
    wait_file "$R.a.done" || return 1
    show_round a
}
race_freeze_redeclared() { rounds freeze_redeclared_round; }

# relgate under a hook driver whose shell exits before git writes the refs:
# Gitea's pre-receive dispatcher runs hooks/pre-receive.d/*, and an update
# hook holds rc2 after pre-receive. The final tag at rc1, pushed meanwhile,
# and rc2 must not both land.
gitea_dispatcher_round() {
    make_server none "$BASE/gitea-$1.git"
    must "$RELGATE_BIN" install --server --platform gitea --repo "$SERVER"
    # Gitea's generated hooks/pre-receive, in short.
    cat >"$SERVER/hooks/pre-receive" <<'EOS'
#!/usr/bin/env bash
data=$(cat)
exitcodes=""
for hook in "${GIT_DIR:-.}/hooks/pre-receive.d"/*; do
  test -x "$hook" && test -f "$hook" || continue
  echo "$data" | "$hook"
  exitcodes="$exitcodes $?"
done
for i in $exitcodes; do [ "$i" -eq 0 ] || exit "$i"; done
EOS
    {
        printf '#!/bin/sh\nif [ "$1" = refs/tags/v0.1.0-rc2 ]; then\n  touch "%s"\n' "$R.a.held"
        until_judged b
        printf 'fi\n'
    } >"$SERVER/hooks/update"
    chmod +x "$SERVER/hooks/pre-receive" "$SERVER/hooks/update"
    must git clone -q "$URL_BASE/gitea-$1.git" work
    cd work || exit 1
    commit_file "feat: initial commit"
    must git push -q origin main
    must git tag v0.1.0-rc1 main
    must git push -q origin v0.1.0-rc1
    rc2_and_final_at_rc1 "$URL_BASE/gitea-$1.git" ../other
    push_bg a . "git push origin v0.1.0-rc2"
    wait_file "$R.a.held" || return 1
    push_bg b ../other "git push origin v0.1.0"
    wait_file "$R.a.done" && wait_file "$R.b.done" || return 1
    show_round a b
    if remote_has refs/tags/v0.1.0-rc2 && remote_has refs/tags/v0.1.0; then
        fail "round $1: rc2 and the final tag at rc1 both landed"
    fi
    [ "$(cat "$R.a.rc")" -eq 0 ] || fail "round $1: rc2 should land"
    grep -q "T6 final-is-last-rc" "$R.b.log" || fail "round $1: the final tag at rc1 should be refused by T6"
}
race_gitea_dispatcher() { rounds gitea_dispatcher_round; }

# GitLab runs custom hooks inside Gitaly, not under git receive-pack: with
# GL_ID set and no receive-pack above relgate, an accepted push's entry ends
# when its refs land, or after 10 s (relgate run here by hand plays Gitaly).
# Without GL_ID such a run records nothing.
gitlab_unwatched_entries() {
    bare_repo
    local zero=0000000000000000000000000000000000000000
    echo "$zero $MAIN_ID refs/tags/v0.1.0-rc1" >"$SCENARIO_DIR/in1"
    STDIN_FILE=$SCENARIO_DIR/in1 expect_accept "$RELGATE_BIN" pre-receive
    ls relgate-pending/ 2>/dev/null | grep -q . && fail "a run outside receive-pack without GL_ID recorded an entry"
    GL_ID=user-1 STDIN_FILE=$SCENARIO_DIR/in1 expect_accept "$RELGATE_BIN" pre-receive
    ls relgate-pending/ | grep -q '^u' || fail "no entry recorded under GL_ID"
    # rc1 lands: the next push does not wait for it.
    must git update-ref refs/tags/v0.1.0-rc1 "$MAIN_ID"
    echo "$zero $MAIN_ID refs/tags/v0.1.0-rc2" >"$SCENARIO_DIR/in2"
    GL_ID=user-1 STDIN_FILE=$SCENARIO_DIR/in2 expect_accept "$RELGATE_BIN" pre-receive
    assert_output_lacks "still landing"
    # rc2 never lands: rc3 waits for it, then is judged against what landed.
    echo "$zero $MAIN_ID refs/tags/v0.1.0-rc3" >"$SCENARIO_DIR/in3"
    GL_ID=user-1 STDIN_FILE=$SCENARIO_DIR/in3 run_cmd "$RELGATE_BIN" pre-receive
    [ "$LAST_RC" -eq 1 ] || fail "rc3 should be refused (rc2 never landed), exit $LAST_RC"
    assert_output_contains "still landing"
    assert_output_contains "GL-HOOK-ERR: relgate: T4 rc-sequence"
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
run_scenario "race: a chained hook refuses what relgate accepted" race_chained_refusal
run_scenario "race: one ref of a non-atomic push fails in git" race_partial_failure
run_scenario "race: the freeze declared again while a push lingers" race_freeze_redeclared
run_scenario "race: relgate under Gitea's hook dispatcher" race_gitea_dispatcher
run_scenario "journal: GitLab's hooks run outside receive-pack" gitlab_unwatched_entries
wait_scenarios      # they run in the background: keep the daemon until then
stop_daemon
finish
