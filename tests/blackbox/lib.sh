# shellcheck shell=bash
# tests/blackbox/lib.sh: shared helpers for the relgate black-box suites.
#
# A suite starts with
#     . "$(dirname "$0")/lib.sh" "$@"
# defines one function per scenario, lists them with `run_scenario`, and ends
# with `finish`.
#
# The binary under test is $1, else $RELGATE, else /work/main/build/relgate.
#
# Every scenario runs in a background subshell inside its own directory
# under the suite's temp dir, up to RELGATE_TEST_JOBS at a time (default
# 2 x CPUs, at most 8; 1 runs them one after the other), so scenarios must
# not share state. HOME points into the temp dir, so no user or system git
# configuration leaks in. A scenario passes when none of its `expect_*` /
# `assert_*` calls failed; a failing `must` step (setup) aborts it. Most
# scenarios start from a copy of a fixture (`use_fixture`, see the end of
# this file). The temp dir is removed when everything passed; otherwise it
# is kept and the failing scenarios' directories are named.
#
# Output (printed in order once all scenarios are done): `ok - NAME`, or
# `not ok - NAME` followed by the scenario's log (every command run by an
# expect_*, its output and exit code, and the FAIL lines); at the end
# exactly one line `N passed, N failed`. Exit status 1 if anything failed.
#
# Knobs: RELGATE_TEST_JOBS, CMD_TIMEOUT (seconds per command, default 30).

set -u

# --- the binary under test ---------------------------------------------------
RELGATE_BIN=${1:-${RELGATE:-/work/main/build/relgate}}
case $RELGATE_BIN in /*) ;; *) RELGATE_BIN=$PWD/$RELGATE_BIN ;; esac

# The hooks must find the binary through the path `relgate install` baked
# into them; a stray RELGATE in the environment would bypass that.
unset RELGATE
# Nothing from a surrounding git process, GitLab or an override may leak in.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY \
      GIT_ALTERNATE_OBJECT_DIRECTORIES GIT_CONFIG_PARAMETERS GIT_CONFIG_COUNT \
      GIT_NAMESPACE GIT_QUARANTINE_PATH GIT_PUSH_OPTION_COUNT \
      GL_ID GL_USERNAME GL_USER GL_PROTOCOL GL_REPOSITORY \
      GITHUB_USER_LOGIN GITEA_PUSHER_NAME REMOTE_USER RELGATE_OVERRIDE NO_COLOR

# No host's system-wide configuration (/etc/relgate/relgate.toml) leaks in;
# a scenario points this at a file of its own to test one.
export RELGATE_SYSTEM_CONFIG=/nonexistent/relgate-system.toml

SUITE_NAME=$(basename "$0" .sh)
CMD_TIMEOUT=${CMD_TIMEOUT:-30}     # seconds for any single command we run
PASSED=0
FAILED=0
FAILED_NAMES=()

if [ ! -x "$RELGATE_BIN" ]; then
    echo "not ok - relgate binary not found or not executable: $RELGATE_BIN"
    echo "0 passed, 1 failed"
    exit 1
fi

# --- temp dir and git isolation -----------------------------------------------
SUITE_TMP=$(mktemp -d "${TMPDIR:-/tmp}/relgate-$SUITE_NAME.XXXXXX") || exit 2
export HOME=$SUITE_TMP/home
export XDG_CONFIG_HOME=$HOME/.config
export GIT_CONFIG_NOSYSTEM=1
export GIT_TERMINAL_PROMPT=0
export LC_ALL=C
mkdir -p "$HOME"
git config --global user.name  "Relgate Test"
git config --global user.email "relgate-test@example.invalid"
git config --global init.defaultBranch main
git config --global protocol.file.allow always
git config --global advice.detachedHead false
git config --global commit.gpgSign false
git config --global tag.gpgSign false
git config --global core.pager cat
# speed: no fsync, no background gc after pushes
git config --global core.fsync none
git config --global gc.auto 0
git config --global receive.autogc false
git config --global maintenance.auto false
# no sample hooks in new repositories: less to create and copy
mkdir -p "$HOME/git-template"
git config --global init.templateDir "$HOME/git-template"

# --- scenario runner ----------------------------------------------------------

# Scenarios run in the background, up to $JOBS at a time (each has its own
# directories, so they are independent); results are printed in order by
# `finish`. RELGATE_TEST_JOBS=1 runs them one after the other.
JOBS=${RELGATE_TEST_JOBS:-$(( $(nproc 2>/dev/null || echo 2) * 2 ))}
[ "$JOBS" -gt 8 ] && JOBS=8
SCEN_TITLES=()
SCEN_DIRS=()
SCEN_PIDS=()

# run_scenario TITLE FUNCTION [ARGS...]
#   Runs FUNCTION ARGS in a subshell, in a fresh directory, log captured.
run_scenario() {
    local title=$1 func=$2
    shift 2
    local slug dir
    slug=$(printf '%s' "$title" | tr -c 'A-Za-z0-9_.-' '_')
    dir=$SUITE_TMP/$slug
    mkdir -p "$dir"
    wait_for_slot
    (
        trap 'echo $? >"$dir/.rc"' EXIT
        exec >"$dir/log" 2>&1 </dev/null
        cd "$dir" || exit 1
        SCENARIO_DIR=$dir
        SCEN_FAILED=0
        COMMIT_SEQ=0
        SERVER=
        "$func" "$@"
        exit "$SCEN_FAILED"
    ) &
    SCEN_TITLES+=("$title")
    SCEN_DIRS+=("$dir")
    SCEN_PIDS+=($!)
}

# Interrupted (Ctrl-C, CTest timeout): stop the running scenarios too.
on_signal() {
    local pid
    for pid in "${SCEN_PIDS[@]}"; do
        kill "$pid" 2>/dev/null
    done
    echo "# interrupted; temp dir kept: $SUITE_TMP" >&2
    exit 130
}
trap on_signal INT TERM

# wait_for_slot: block while $JOBS scenarios are running.
wait_for_slot() {
    local pid running
    while :; do
        running=0
        for pid in "${SCEN_PIDS[@]}"; do
            kill -0 "$pid" 2>/dev/null && running=$((running + 1))
        done
        [ "$running" -lt "$JOBS" ] && return
        wait -n 2>/dev/null || sleep 0.05
    done
}

# wait_scenarios: wait until every scenario started so far has finished.
wait_scenarios() {
    local pid
    for pid in "${SCEN_PIDS[@]}"; do
        wait "$pid" 2>/dev/null
    done
}

# finish: wait for the scenarios, report each in order, print the summary
# line, clean up, exit status.
finish() {
    local i dir rc
    wait_scenarios
    for i in "${!SCEN_PIDS[@]}"; do
        dir=${SCEN_DIRS[$i]}
        rc=$(cat "$dir/.rc" 2>/dev/null || echo 1)
        if [ "$rc" = 0 ]; then
            PASSED=$((PASSED + 1))
            echo "ok - ${SCEN_TITLES[$i]}"
            rm -rf "$dir"
        else
            FAILED=$((FAILED + 1))
            FAILED_NAMES+=("${SCEN_TITLES[$i]}")
            echo "not ok - ${SCEN_TITLES[$i]}"
            sed 's/^/#   /' "$dir/log"
            echo "#   (kept in $dir)"
        fi
    done
    echo "$PASSED passed, $FAILED failed"
    if [ "$FAILED" -eq 0 ]; then
        rm -rf "$SUITE_TMP"
        exit 0
    fi
    local IFS=,
    echo "# failed: ${FAILED_NAMES[*]}" >&2
    echo "# temp dir kept: $SUITE_TMP" >&2
    exit 1
}

# fail MESSAGE: mark the current scenario failed (it goes on).
fail() {
    echo "FAIL: $*"
    SCEN_FAILED=1
}

# must CMD...: a setup step; if it fails the scenario is aborted as failed.
# (Its output goes to a file, not into a $(...): no subshell per step.)
must() {
    local rc out=${SCENARIO_DIR:-$SUITE_TMP}/.must.$BASHPID
    timeout -k 5 "$CMD_TIMEOUT" "$@" >"$out" 2>&1 </dev/null
    rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "FAIL: setup step failed (exit $rc): $*"
        sed 's/^/    | /' "$out"
        exit 1
    fi
}

# --- running the command under test -------------------------------------------
# run_cmd CMD...: runs CMD with a timeout; stdin from $STDIN_FILE (default
# /dev/null). Leaves LAST_RC and the files $LAST_STDOUT, $LAST_STDERR,
# $LAST_OUTPUT (both) and logs the command and its output.
run_cmd() {
    LAST_STDOUT=$SCENARIO_DIR/.last.stdout
    LAST_STDERR=$SCENARIO_DIR/.last.stderr
    LAST_OUTPUT=$SCENARIO_DIR/.last.output
    echo "+ $*"
    timeout -k 5 "$CMD_TIMEOUT" "$@" <"${STDIN_FILE:-/dev/null}" \
        >"$LAST_STDOUT" 2>"$LAST_STDERR"
    LAST_RC=$?
    cat "$LAST_STDOUT" "$LAST_STDERR" >"$LAST_OUTPUT"
    [ "${FOLLOWING:-0}" = 1 ] || cp "$LAST_OUTPUT" "$LAST_OUTPUT.hints"
    sed 's/^/    | /' "$LAST_OUTPUT" | head -n 60
    echo "    (exit $LAST_RC)"
    return "$LAST_RC"
}

# server_snapshot: every ref of $SERVER with its object id (empty if no server).
server_snapshot() {
    if [ -n "${SERVER:-}" ] && [ -d "$SERVER" ]; then
        git -C "$SERVER" for-each-ref --format='%(objectname) %(refname)' | sort
    fi
}

# expect_accept CMD...: CMD exits 0.
expect_accept() {
    run_cmd "$@"
    if [ "$LAST_RC" -ne 0 ]; then
        fail "expected accept (exit 0), got exit $LAST_RC: $*"
        return 1
    fi
    return 0
}

# expect_fail TEXT CMD...: CMD exits non-zero (not by timeout or signal), its
# output contains TEXT, and no ref of $SERVER changed.
expect_fail() {
    local text=$1
    shift
    local before after ok=0
    before=$(server_snapshot)
    run_cmd "$@"
    after=$(server_snapshot)
    if [ "$LAST_RC" -eq 0 ]; then
        fail "expected rejection, got exit 0: $*"; ok=1
    elif [ "$LAST_RC" -eq 124 ] || [ "$LAST_RC" -eq 137 ]; then
        fail "timed out after ${CMD_TIMEOUT}s: $*"; ok=1
    elif [ "$LAST_RC" -ge 128 ]; then
        fail "killed by a signal (exit $LAST_RC): $*"; ok=1
    fi
    if ! grep -qF -- "$text" "$LAST_OUTPUT"; then
        fail "output does not contain '$text'"; ok=1
    fi
    if [ "$before" != "$after" ]; then
        fail "rejected command changed the server's refs:"
        diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") | sed 's/^/    /'
        ok=1
    fi
    return $ok
}

# expect_reject RULE CMD...: rejected by policy rule RULE ("T4 rc-sequence"):
# non-zero exit (exactly 1 when CMD is relgate itself), a line
# `relgate: RULE...` in the output (a warning would not match) and the
# server's refs unchanged.
expect_reject() {
    local rule=$1
    shift
    local ok=0
    expect_fail "relgate: $rule" "$@" || ok=1
    if [ "$1" = "$RELGATE_BIN" ] && [ "$LAST_RC" -ne 1 ]; then
        fail "relgate should exit 1 on a policy rejection, got $LAST_RC"; ok=1
    fi
    return $ok
}

# assert_output_contains TEXT / assert_output_lacks TEXT (fixed strings)
# assert_output_matches ERE: about the output of the last run_cmd.
assert_output_contains() {
    grep -qF -- "$1" "$LAST_OUTPUT" || fail "output does not contain '$1'"
}
assert_output_lacks() {
    if grep -qF -- "$1" "$LAST_OUTPUT"; then fail "output should not contain '$1'"; fi
}
assert_output_matches() {
    grep -qE -- "$1" "$LAST_OUTPUT" || fail "output does not match /$1/"
}

# assert_remote_ref REF REV: $SERVER's REF peels to the same commit as the
# local REV.
assert_remote_ref() {
    local want got
    want=$(git rev-parse --verify -q "$2^{commit}")
    got=$(git -C "$SERVER" rev-parse --verify -q "$1^{commit}")
    if [ -z "$got" ]; then
        fail "server has no $1 (expected it at $2 = $want)"
    elif [ "$got" != "$want" ]; then
        fail "server's $1 is $got, expected $2 = $want"
    fi
}

# assert_remote_ref_absent REF
assert_remote_ref_absent() {
    if git -C "$SERVER" rev-parse --verify -q "$1" >/dev/null; then
        fail "server should not have $1"
    fi
}

# printed_command MARKER: the command the last run_cmd printed after MARKER
# (the rest of the first line that has it), as a person would copy it.
printed_command() {
    grep -m1 -F -- "$1" "$LAST_OUTPUT" | sed "s/.*$(printf '%s' "$1" | sed 's/[][\\.*^$/]/\\&/g')//"
}

# paste_command MARKER: runs (through expect_accept) the command printed
# after MARKER, exactly as pasted into a shell, with `relgate` meaning the
# binary under test.
paste_command() {
    local cmd
    cmd=$(printed_command "$1")
    [ -n "$cmd" ] || { fail "no command printed after '$1'"; return 1; }
    mkdir -p "$SUITE_TMP/bin"
    ln -sf "$RELGATE_BIN" "$SUITE_TMP/bin/relgate"
    PATH=$SUITE_TMP/bin:$PATH expect_accept bash -c "$cmd"
}

# follow_hints: runs the commands the last refusal printed (its `hint:`
# lines indented as commands), in order, in the current directory, as a
# person would paste them: non-interactively (no editor), `relgate` meaning
# the binary under test. Alternatives ("or ...") after the first way out
# are left alone. Each command must succeed; a push among them must then be
# accepted. The commands run are logged.
follow_hints() {
    local line cmd started=0 n=0
    mkdir -p "$SUITE_TMP/bin"
    ln -sf "$RELGATE_BIN" "$SUITE_TMP/bin/relgate"
    while IFS= read -r line; do
        line=${line#remote: }
        line=${line%"${line##*[![:space:]]}"}
        case $line in
            "  hint:   "*) cmd=${line#  hint:   }; started=1 ;;
            "  hint: or "*) [ "$started" = 1 ] && break; continue ;;
            *) continue ;;
        esac
        n=$((n + 1))
        FOLLOWING=1 PATH=$SUITE_TMP/bin:$PATH GIT_EDITOR=true GIT_SEQUENCE_EDITOR=true expect_accept bash -c "$cmd" ||
            { fail "the printed command failed: $cmd"; return 1; }
    done <"$LAST_OUTPUT.hints"
    [ "$n" -gt 0 ] || { fail "the refusal printed no command"; return 1; }
}

# --- repositories ---------------------------------------------------------------

# make_server [KIND] [DIR]: bare repository DIR (default server.git) with the
# relgate hook KIND installed: pre-receive (default), update, or none.
# Sets SERVER to its absolute path.
make_server() {
    local kind=${1:-pre-receive} dir=${2:-server.git}
    must git init -q --bare "$dir"
    SERVER=$(cd "$dir" && pwd)
    # Let relgate, not git's own safety net, be what refuses deleting main
    # (git checks receive.denyDeleteCurrent before it runs the update hook).
    must git -C "$SERVER" config receive.denyDeleteCurrent warn
    must git -C "$SERVER" config receive.denyNonFastForwards false
    case $kind in
        pre-receive)
            must "$RELGATE_BIN" install --repo "$SERVER"
            [ -x "$SERVER/hooks/pre-receive" ] || { fail "install did not create an executable hooks/pre-receive"; exit 1; } ;;
        update)
            must "$RELGATE_BIN" install --repo "$SERVER" --hook update
            [ -x "$SERVER/hooks/update" ] || { fail "install --hook update did not create an executable hooks/update"; exit 1; } ;;
        none) ;;
        *) fail "make_server: unknown hook kind $kind"; exit 1 ;;
    esac
}

# make_clone DIR: clone $SERVER into DIR (not entered).
make_clone() {
    must git clone -q "$SERVER" "$1"
}

# commit_file MSG: a new commit on the current branch adding a fresh file
# (one file per commit, so cherry-picks never conflict).
commit_file() {
    COMMIT_SEQ=$((COMMIT_SEQ + 1))
    echo "$1 ($COMMIT_SEQ)" >"file-$COMMIT_SEQ.txt"
    must git add "file-$COMMIT_SEQ.txt"
    must git commit -q -m "$1"
}

# merge_adding FILE SUBJECT P1 P2: moves the current branch to a merge of P1
# and P2 whose tree is P1's plus FILE (code neither parent has: what an evil
# merge adds, or a merge of two commits already on the branch).
merge_adding() {
    local p1 p2 tree merge
    p1=$(git rev-parse "$3^{commit}") && p2=$(git rev-parse "$4^{commit}") || exit 1
    must git read-tree "$p1"
    mkdir -p "$(dirname "$1")"
    echo "$2 $RANDOM" >"$1"
    must git add "$1"
    tree=$(git write-tree) && merge=$(git commit-tree "$tree" -p "$p1" -p "$p2" -m "$2") || exit 1
    must git reset -q --hard "$merge"
}

# empty_commits SUBJECT K...: one commit per K on the current branch, each
# with SUBJECT ({} replaced by K) and the tree of HEAD, all made by one
# `git fast-import` (a loop of `git commit` costs three processes a commit).
# The work tree and index stay as they are: the tree does not change.
empty_commits() {
    local subject=$1
    shift
    local branch head now k msg first=1
    branch=$(git symbolic-ref -q HEAD) || { fail "empty_commits: HEAD is detached"; exit 1; }
    head=$(git rev-parse HEAD) || exit 1
    now=$(date +%s)
    {
        for k in "$@"; do
            msg=${subject//\{\}/$k}
            printf 'commit %s\ncommitter Relgate Test <relgate-test@example.invalid> %s +0000\ndata %d\n%s\n' \
                "$branch" "$now" "$(( ${#msg} + 1 ))" "$msg"
            if [ "$first" = 1 ]; then
                printf 'from %s\n' "$head"
                first=0
            fi
            printf '\n'
        done
    } >"$SCENARIO_DIR/.fast-import"
    timeout -k 5 "$CMD_TIMEOUT" git fast-import --quiet <"$SCENARIO_DIR/.fast-import" \
        || { echo "FAIL: setup step failed: git fast-import"; exit 1; }
}

# bare_repo: a bare repository (no hook) with one commit on main; enters it
# and sets MAIN_ID. relgate runs in it the way git runs hooks (cwd = repo).
bare_repo() {
    make_server none
    make_clone work
    (cd work && commit_file "feat: initial commit" && must git push -q origin main) || exit 1
    cd "$SERVER" || exit 1
    MAIN_ID=$(git rev-parse main)
}

# setup_repo [KIND]: server and clone `work` (entered), an initial commit on
# main pushed. KIND (default $HOOK_KIND, which a suite may set) says where
# relgate guards: pre-receive or update (server hook), pre-push (client hook
# in `work`, server without hooks), none.
HOOK_KIND=${HOOK_KIND:-pre-receive}
setup_repo() {
    local kind=${1:-$HOOK_KIND}
    if [ "$kind" = pre-push ]; then
        make_server none
    else
        make_server "$kind"
    fi
    make_clone work
    if [ "$kind" = pre-push ]; then
        must "$RELGATE_BIN" install --repo work
        [ -x work/.git/hooks/pre-push ] || { fail "install did not create an executable .git/hooks/pre-push"; exit 1; }
    fi
    cd work || exit 1
    commit_file "feat: initial commit"
    must git push -q origin main
}

# cut_release X.Y: the whole release of a line, the way RELEASES.md does it:
# a feature commit on main, rc1 at main, the final tag at rc1, release/vX.Y
# at the final tag; each pushed on its own. Leaves main checked out.
cut_release() {
    local line=$1
    must git checkout -q main
    commit_file "feat: work for $line"
    must git push -q origin main
    must git tag "v$line.0-rc1" main
    must git push -q origin "v$line.0-rc1"
    must git tag "v$line.0" "v$line.0-rc1"
    must git push -q origin "v$line.0"
    must git branch "release/v$line" "v$line.0"
    must git push -q origin "release/v$line"
}

# backport X.Y SUBJECT: a fix commit on main (pushed), cherry-picked with -x
# onto release/vX.Y (pushed). Leaves main checked out.
backport() {
    local line=$1 subject=$2
    must git checkout -q main
    commit_file "fix: $subject"
    must git push -q origin main
    must git checkout -q "release/v$line"
    must git cherry-pick -x main
    must git push -q origin "release/v$line"
    must git checkout -q main
}

# ci_note TEXT REV: record CI results for REV's commit (one check per line).
ci_note() {
    must git notes --ref=ci add -f -m "$1" "$(git rev-parse "$2^{commit}")"
}

# --- fixtures ---------------------------------------------------------------------
# A fixture is a server + clone `work` in a known state, built once per suite
# (through the real hooks of $HOOK_KIND) and copied into each scenario that
# uses it; this keeps the suites fast. The states, each including the ones
# before it:
#   fresh     one commit on main                      (setup_repo)
#   rc1       v0.1.0-rc1 at main
#   released  a new commit on main, v0.1.0-rc1, v0.1.0 and release/v0.1 at it
#             (cut_release 0.1; v0.1 is the only line)
#   patch     released + one backport (fix on main, cherry-picked -x onto
#             release/v0.1)
fixture_fresh()    { setup_repo; }
fixture_rc1()      { setup_repo; must git tag v0.1.0-rc1 main; must git push -q origin v0.1.0-rc1; }
fixture_released() { setup_repo; cut_release 0.1; }
fixture_patch()    { fixture_released; backport 0.1 "crash on start"; }

# use_fixture NAME: copy fixture NAME into the scenario dir, enter `work`,
# set SERVER. Builds the fixture on first use (log kept with it).
use_fixture() {
    local name=$1 fdir=$SUITE_TMP/fixtures/$1
    mkdir -p "$SUITE_TMP/fixtures"
    (
        # scenarios run in parallel: one builds, the others wait for it
        flock 9
        if [ ! -e "$fdir/.ok" ] && [ ! -e "$fdir/.failed" ]; then
            mkdir -p "$fdir"
            (
                cd "$fdir" || exit 1
                SCENARIO_DIR=$fdir
                SCEN_FAILED=0
                COMMIT_SEQ=0
                SERVER=
                "fixture_$name"
                echo "$COMMIT_SEQ" >"$fdir/.seq"
                exit "$SCEN_FAILED"
            ) >"$fdir/.log" 2>&1 </dev/null
            if [ $? -eq 0 ]; then touch "$fdir/.ok"; else touch "$fdir/.failed"; fi
        fi
    ) 9>"$fdir.lock"
    if [ ! -e "$fdir/.ok" ]; then
        echo "FAIL: building fixture '$name' failed:"
        sed 's/^/    fixture| /' "$fdir/.log"
        exit 1
    fi
    cp -a "$fdir/server.git" "$fdir/work" "$SCENARIO_DIR/" || exit 1
    SERVER=$SCENARIO_DIR/server.git
    COMMIT_SEQ=$(cat "$fdir/.seq")
    cd "$SCENARIO_DIR/work" || exit 1
    must git remote set-url origin "$SERVER"
}

# --- suites that run a real server (gitolite.sh, smart_http.sh, daemon.sh) -----

# port_in_use PORT: something accepts connections on 127.0.0.1:PORT.
port_in_use() {
    timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# random_free_port: a port nothing listens on now (the server may still lose
# it to someone else: callers try again).
random_free_port() {
    local port
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        port=$((20000 + RANDOM % 40000))
        port_in_use "$port" || { echo "$port"; return 0; }
    done
    return 1
}

# stop_pid PID: TERM, then (after 5 s) KILL the process PID we started, and
# reap it.
stop_pid() {
    local pid=$1
    [ -n "$pid" ] || return 0
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 0
}

# printed_block MARKER: the lines the last run_cmd printed after the first line
# that contains MARKER, up to the next line starting with "relgate:",
# without the 8 spaces relgate indents such lines (config lines to copy) by.
printed_block() {
    awk -v m="$1" 'found && /^relgate:/ { exit } found { sub(/^        /, ""); print } index($0, m) { found = 1 }' "$LAST_OUTPUT"
}

# race_pushes A CMD_A B CMD_B: runs CMD_A in directory A and, 0.5 s later,
# CMD_B in directory B (each bounded to 60 s); sets RC_A and RC_B and logs
# both outputs (race-a.log, race-b.log in the scenario's directory).
race_pushes() {
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

# rc2_and_final_at_rc1 URL OTHER: the two pushes that race. In the current
# clone of URL, whose main holds rc1 (pushed), a fix lands on main and rc2
# is tagged at it; OTHER, a second clone of URL, tags the final v0.1.0 at
# rc1. Then rc2 is pushed from here and v0.1.0 from OTHER.
rc2_and_final_at_rc1() {
    commit_file "fix: after rc1"
    must git push -q origin main
    must git clone -q "$1" "$2"
    must git tag v0.1.0-rc2 main
    must git -C "$2" tag v0.1.0 v0.1.0-rc1
}

# expect_one_of_rc2_and_final: after race_pushes of rc2 (A) against the final
# tag at rc1 (B) into $SERVER: exactly one landed, and the other was refused
# by relgate for the rule that the landed one makes it break.
expect_one_of_rc2_and_final() {
    local rc2=0 final=0
    git --git-dir="$SERVER" rev-parse -q --verify refs/tags/v0.1.0-rc2 >/dev/null && rc2=1
    git --git-dir="$SERVER" rev-parse -q --verify refs/tags/v0.1.0 >/dev/null && final=1
    if [ "$rc2" = 1 ] && [ "$final" = 1 ]; then
        fail "rc2 and the final tag at rc1 both landed"
    elif [ "$rc2" = 0 ] && [ "$final" = 0 ]; then
        fail "neither rc2 nor the final tag landed (A $RC_A, B $RC_B)"
    elif [ "$rc2" = 1 ]; then
        [ "$RC_A" -eq 0 ] && [ "$RC_B" -ne 0 ] || fail "rc2 landed, but the exit codes say otherwise (A $RC_A, B $RC_B)"
        grep -q 'relgate: T6 final-is-last-rc' "$SCENARIO_DIR/race-b.log" || fail "the final tag at rc1 should be refused by T6"
    else
        [ "$RC_B" -eq 0 ] && [ "$RC_A" -ne 0 ] || fail "the final tag landed, but the exit codes say otherwise (A $RC_A, B $RC_B)"
        grep -q 'relgate: T4 rc-sequence' "$SCENARIO_DIR/race-a.log" || fail "rc2 after the final tag should be refused by T4"
    fi
}

# release_flow ALICE_URL BOB_URL KIND: the release flow as two people push it
# through a real server into $SERVER (guarded by relgate, with a hook that
# holds a push landing while $SERVER/relgate-test-slow exists): alice is the
# maintainer (relgate.toml in the git directory), bob a contributor. A
# feature by bob; rc1 by alice; a misspelled rc refused with relgate's
# `remote:` lines; bob's release tag refused (A1) and his override too (A2);
# alice's override through `git push -o`; then rc2 races the final tag at
# rc1 and exactly one lands. KIND says what the transport gives relgate:
#   identity   who pushes, and push options (gitolite's pre-receive, smart HTTP)
#   no-options who pushes, but no push options (a gitolite VREF): no override
#   anonymous  nobody (git://): every release tag is refused while maintainers
#              are named, overrides too; rc1 and the race go in without them
# FLOW_LINE_PREFIX: what starts relgate's refusal lines (GitLab: GL-HOOK-ERR: ).
# Leaves alice's clone `work` entered.
release_flow() {
    local alice=$1 bob=$2 kind=$3 who='this push is by "bob"'
    [ "$kind" = anonymous ] && who="this push is by nobody (an unauthenticated push)"
    must git clone -q "$alice" work
    must git clone -q "$bob" bob
    cd work || exit 1
    commit_file "feat: initial commit"
    must git push -q origin main
    [ "$kind" = anonymous ] || printf '[access]\nmaintainers = ["alice"]\n' >"$SERVER/relgate.toml"
    # a feature, by a contributor
    cd ../bob || exit 1
    must git pull -q origin main
    commit_file "feat: bob's feature"
    expect_accept git push origin main
    cd ../work || exit 1
    must git pull -q origin main
    # rc1, by the maintainer
    must git tag v0.1.0-rc1 main
    expect_accept git push origin v0.1.0-rc1
    assert_remote_ref refs/tags/v0.1.0-rc1 main
    # a misspelled rc: relgate's lines reach the client through the server
    must git tag v0.1.0-RC2 main
    expect_reject "T1 tag-name" git push origin v0.1.0-RC2
    assert_output_matches "^remote: ${FLOW_LINE_PREFIX:-}relgate: T1 tag-name: refs/tags/v0\\.1\\.0-RC2"
    assert_output_contains "remote: ${FLOW_LINE_PREFIX:-}relgate: rejected by the release policy"
    [ "$kind" = anonymous ] && printf '[access]\nmaintainers = ["alice"]\n' >"$SERVER/relgate.toml"
    # a release tag by bob: the server says who pushes
    cd ../bob || exit 1
    must git fetch -q origin
    must git tag v0.1.0-rc2 origin/main
    expect_reject "A1 maintainers-only" git push origin v0.1.0-rc2
    assert_output_contains "$who"
    if [ "$kind" != no-options ]; then
        expect_reject "A2 override" git push -o relgate.override="bob wants it" origin v0.1.0-rc2
        assert_output_contains "only maintainers may override"
    fi
    cd ../work || exit 1
    case $kind in
        identity)
            expect_accept git push -o relgate.override="keep the misspelled tag for the record" origin v0.1.0-RC2
            assert_output_contains "remote: relgate: overridden by alice: keep the misspelled tag for the record (A2 override)"
            assert_remote_ref refs/tags/v0.1.0-RC2 main
            grep -q '"pusher":"alice".*"verdict":"overridden"' "$SERVER/relgate-audit.log" ||
                fail "the audit log has no override by alice"
            grep -q '"pusher":"bob"' "$SERVER/relgate-audit.log" || fail "the audit log does not name bob" ;;
        no-options)
            # push options reach pre-receive only: no override through a VREF
            run_cmd git push -o relgate.override="keep it" origin v0.1.0-RC2
            [ "$LAST_RC" -ne 0 ] || fail "an override without push options should not go through"
            assert_output_contains "the receiving end does not support push options"
            assert_remote_ref_absent refs/tags/v0.1.0-RC2
            grep -q '"pusher":"bob"' "$SERVER/relgate-audit.log" || fail "the audit log does not name bob" ;;
        anonymous)
            expect_reject "A2 override" git push -o relgate.override="keep it" origin v0.1.0-RC2
            grep -q '"pusher":null,"authenticated":false' "$SERVER/relgate-audit.log" ||
                fail "the audit log should say the pushes were unauthenticated"
            rm -f "$SERVER/relgate.toml" ;;
    esac
    # rc2 against the final tag at rc1, from a second clone of alice's, while
    # the first is held landing
    rc2_and_final_at_rc1 "$alice" ../second
    touch "$SERVER/relgate-test-slow"
    race_pushes . "git push origin v0.1.0-rc2" ../second "git push origin v0.1.0"
    rm -f "$SERVER/relgate-test-slow"
    expect_one_of_rc2_and_final
}

# A pre-receive hook that holds a push for 2 s while the repository has a
# file relgate-test-slow (release_flow's race); as relgate's chained hook it
# runs after relgate accepted the push.
SLOW_PRE_RECEIVE='#!/bin/sh
cat >/dev/null
[ -e relgate-test-slow ] && sleep 2
exit 0'

# bench_pushes LABEL URL N: the cost of relgate's pre-receive hook on a push
# through URL into $SERVER (which has it installed, and nothing chained):
# N rounds, each a push of a new commit to a branch with the hook and one
# with it moved aside (in alternating order, same repository). Appends the
# medians to $RELGATE_BENCH_OUT. Only run when a suite is asked to
# (RELGATE_BENCH=N); it judges nothing by time.
bench_pushes() {
    local label=$1 url=$2 n=$3 i mode t0 t1 order
    local with=$SCENARIO_DIR/bench.with without=$SCENARIO_DIR/bench.without
    : >"$with"; : >"$without"
    must git clone -q "$url" bench
    cd bench || exit 1
    commit_file "feat: bench base"
    must git push -q origin HEAD:refs/heads/bench
    for i in $(seq 1 "$n"); do
        order="with without"
        [ $((i % 2)) = 0 ] && order="without with"
        for mode in $order; do
            [ "$mode" = without ] && mv "$SERVER/hooks/pre-receive" "$SERVER/hooks/pre-receive.bench-off"
            git commit -q --allow-empty -m "feat: bench $i $mode"
            t0=$(date +%s%N)
            git push -q origin HEAD:refs/heads/bench >/dev/null 2>&1 || fail "bench push $i ($mode) failed"
            t1=$(date +%s%N)
            [ "$mode" = without ] && mv "$SERVER/hooks/pre-receive.bench-off" "$SERVER/hooks/pre-receive"
            echo $(( (t1 - t0) / 1000 )) >>"$SCENARIO_DIR/bench.$mode"
        done
    done
    local m_with m_without
    m_with=$(sort -n "$with" | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
    m_without=$(sort -n "$without" | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
    awk -v l="$label" -v w="$m_with" -v o="$m_without" -v n="$n" 'BEGIN {
        printf "%s: no hook %.1f ms, relgate %.1f ms, +%.1f ms (%.2fx), medians of %d pushes each\n",
            l, o / 1000, w / 1000, (w - o) / 1000, w / o, n }' >>"${RELGATE_BENCH_OUT:-/dev/stdout}"
}
