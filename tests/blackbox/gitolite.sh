#!/usr/bin/env bash
# Black-box suite: relgate behind gitolite over SSH, as a self-hoster runs it
# with Debian's gitolite3 and openssh-server (install/deps.sh test installs
# them). Started once for the suite, on 127.0.0.1:
#   - a hosting account made for the suite (and removed at its end): gitolite
#     runs as its own account, which owns the repositories, so the suite
#     shows that root's install says whose they are and that what the hooks
#     write stays that account's. (An existing account would do only if its
#     home could be borrowed; the suite must not reconfigure the machine.)
#     Its home is in the suite's temp dir; `gitolite setup -pk` sets it up
#     there (Debian's debconf setup is never used);
#   - sshd with a private config and host key, stopped by its pid;
#   - alice (maintainer, also gitolite's admin) and bob (contributor), each
#     with an SSH key of their own.
# Three repositories guarded three ways: `plain` (relgate's own pre-receive,
# installed by the command root's install prints), `specific` (a gitolite
# repo-specific hook) and `vref` (a gitolite VREF). Each runs the release flow
# over SSH and a race of rc2 against the final tag at rc1.
# Needs root (the account, sshd); skipped otherwise. sshd clears the
# environment, so this suite runs in the release build only.
#
#   bash tests/blackbox/gitolite.sh [path/to/relgate]

. "$(dirname "$0")/lib.sh" "$@"

if [ "$(id -u)" -ne 0 ]; then
    echo "# skipped: gitolite.sh needs root (a hosting account for gitolite, sshd)"
    rm -rf "$SUITE_TMP"
    exit 125
fi
for need in /usr/sbin/sshd /usr/bin/gitolite /usr/bin/ssh-keygen /usr/sbin/useradd /usr/sbin/userdel /usr/sbin/runuser; do
    if [ ! -x "$need" ]; then
        echo "not ok - gitolite suite: $need is missing (install/deps.sh test installs gitolite3 and openssh-server)"
        echo "0 passed, 1 failed"
        rm -rf "$SUITE_TMP"
        exit 1
    fi
done

ACCOUNT=relgate-gl
ACCOUNT_COMMENT="relgate gitolite test suite, removed at its end"
GL_HOME=$SUITE_TMP/gl
REPOS=$GL_HOME/repositories
LOCAL=$GL_HOME/local
KEYS=$SUITE_TMP/keys
SSHD_DIR=$SUITE_TMP/sshd
SSHD_PID=
SSH_PORT=
MADE_RUN_SSHD=0
ACCOUNT_MADE=0
SETUP_LOG=$SUITE_TMP/setup.log
# The tests read gitolite's repositories (its account's) as root.
git config --global safe.directory '*'
# ssh reads ~/.ssh/config from the passwd entry's home, not from $HOME.
SSH_CONFIG=$HOME/.ssh/config
export GIT_SSH_COMMAND="ssh -F $SSH_CONFIG"

cleanup() {
    stop_pid "$SSHD_PID"
    SSHD_PID=
    # the account's processes are all ours (its hooks, gitolite): none may
    # outlive the suite, nor the account
    if [ "$ACCOUNT_MADE" = 1 ]; then
        pkill -KILL -u "$ACCOUNT" 2>/dev/null
        userdel "$ACCOUNT" 2>/dev/null
        ACCOUNT_MADE=0
    fi
    if [ "$MADE_RUN_SSHD" = 1 ]; then rmdir /run/sshd 2>/dev/null; MADE_RUN_SSHD=0; fi
}
trap cleanup EXIT

# as_gl CMD...: CMD as gitolite's account, with its home and nothing else of
# ours in the environment (as sshd would start it).
AS_GL=(runuser -u "$ACCOUNT" -- env -i HOME="$GL_HOME" USER="$ACCOUNT" PATH=/usr/bin:/bin LC_ALL=C)
as_gl() { "${AS_GL[@]}" "$@"; }

setup_failed() {
    echo "not ok - gitolite site setup: $*"
    sed 's/^/#   /' "$SETUP_LOG"
    echo "0 passed, 1 failed"
    cleanup
    echo "# temp dir kept: $SUITE_TMP" >&2
    exit 1
}

# step CMD...: a setup step; its output goes to the setup log.
step() {
    echo "+ $*" >>"$SETUP_LOG"
    timeout -k 5 60 "$@" >>"$SETUP_LOG" 2>&1 </dev/null || setup_failed "exit $?: $*"
}

# --- the hosting account and gitolite ---------------------------------------------

make_account() {
    local existing
    existing=$(getent passwd "$ACCOUNT")
    if [ -n "$existing" ]; then
        # left by an interrupted run of this suite (its comment says so)
        [ "$(echo "$existing" | cut -d: -f5)" = "$ACCOUNT_COMMENT" ] ||
            setup_failed "an account $ACCOUNT exists that this suite did not make"
        pkill -KILL -u "$ACCOUNT" 2>/dev/null
        step userdel "$ACCOUNT"
    fi
    # A password of '*' (no password) rather than useradd's '!' (locked):
    # sshd refuses a locked account when it does not use PAM.
    step useradd --system --no-create-home --home-dir "$GL_HOME" --shell /bin/sh \
        --comment "$ACCOUNT_COMMENT" --password '*' "$ACCOUNT"
    ACCOUNT_MADE=1
    chmod 755 "$SUITE_TMP"
    mkdir -p "$GL_HOME"
    chown "$ACCOUNT:" "$GL_HOME"
    step "${AS_GL[@]}" git config --global gc.auto 0
    step "${AS_GL[@]}" git config --global core.fsync none
}

make_keys() {
    mkdir -p "$KEYS" "$HOME/.ssh"
    local who
    for who in alice bob; do
        step ssh-keygen -q -t ed25519 -N '' -C "$who" -f "$KEYS/$who"
    done
    chmod 755 "$KEYS"
}

start_sshd() {
    mkdir -p "$SSHD_DIR"
    step ssh-keygen -q -t ed25519 -N '' -f "$SSHD_DIR/host_ed25519"
    # sshd refuses to start without its privilege separation directory,
    # which Debian's service unit would create
    if [ ! -d /run/sshd ]; then mkdir -m 755 /run/sshd && MADE_RUN_SSHD=1; fi
    local port
    for _ in 1 2 3 4 5; do
        port=$(random_free_port) || break
        cat >"$SSHD_DIR/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port $port
HostKey $SSHD_DIR/host_ed25519
PidFile $SSHD_DIR/sshd.pid
AuthorizedKeysFile .ssh/authorized_keys
AllowUsers $ACCOUNT
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin no
StrictModes no
X11Forwarding no
AllowTcpForwarding no
PrintMotd no
LogLevel VERBOSE
CONF
        /usr/sbin/sshd -D -e -f "$SSHD_DIR/sshd_config" 2>>"$SSHD_DIR/sshd.log" &
        SSHD_PID=$!
        {
            echo "Host gl-alice gl-bob"
            echo "  HostName 127.0.0.1"
            echo "  Port $port"
            echo "  User $ACCOUNT"
            echo "  IdentitiesOnly yes"
            echo "  BatchMode yes"
            echo "  StrictHostKeyChecking yes"
            echo "  UserKnownHostsFile $HOME/.ssh/known_hosts"
            echo "Host gl-alice"
            echo "  IdentityFile $KEYS/alice"
            echo "Host gl-bob"
            echo "  IdentityFile $KEYS/bob"
        } >"$SSH_CONFIG"
        echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$SSHD_DIR/host_ed25519.pub")" >"$HOME/.ssh/known_hosts"
        for _ in $(seq 1 50); do
            kill -0 "$SSHD_PID" 2>/dev/null || break
            if timeout 10 ssh -F "$SSH_CONFIG" gl-alice info >/dev/null 2>&1; then
                SSH_PORT=$port
                return 0
            fi
            sleep 0.1
        done
        stop_pid "$SSHD_PID"
        SSHD_PID=
    done
    cat "$SSHD_DIR/sshd.log" >>"$SETUP_LOG"
    setup_failed "sshd did not answer on 127.0.0.1"
}

# admin_push MESSAGE: commit and push the gitolite-admin clone as alice.
admin_push() {
    step git -C "$SUITE_TMP/admin" add -A
    step git -C "$SUITE_TMP/admin" commit -q -m "$1"
    step git -C "$SUITE_TMP/admin" push -q origin HEAD
}

# lib.sh's SLOW_PRE_RECEIVE as a VREF: it prints nothing and must not read
# stdin.
SLOW_VREF='#!/bin/sh
[ -e relgate-test-slow ] && sleep 2
exit 0'

setup_site() {
    make_account
    make_keys
    step "${AS_GL[@]}" gitolite setup -pk "$KEYS/alice.pub"
    # gitolite creates repositories with `git init --bare` as its account:
    # main for the project's, but only after setup (gitolite acts on pushes
    # to gitolite-admin's master alone)
    step "${AS_GL[@]}" git config --global init.defaultBranch main
    start_sshd
    step git clone -q gl-alice:gitolite-admin "$SUITE_TMP/admin"
    cp "$KEYS/bob.pub" "$SUITE_TMP/admin/keydir/bob.pub"
    cat >>"$SUITE_TMP/admin/conf/gitolite.conf" <<'CONF'

repo plain specific vref spare bench
    RW+     =   alice bob
CONF
    admin_push "bob; the guarded repositories"
    local repo
    for repo in plain specific vref spare bench; do
        [ -L "$REPOS/$repo.git/hooks/update" ] || setup_failed "gitolite did not create $repo.git with its update hook"
    done
}

# Applies the rc lines `relgate install --platform gitolite` printed, as its
# output says: each KEY => line in place of the rc's line for KEY, inside %RC;
# each ENABLE line into the ENABLE list.
apply_rc_lines() {
    local rc_lines enable_lines
    rc_lines=$(printed_block "inside %RC")
    enable_lines=$(printed_block "in its ENABLE list")
    printf '%s\n' "$rc_lines" >"$SUITE_TMP/rc.lines"
    printf '%s\n' "$enable_lines" >"$SUITE_TMP/enable.lines"
    chmod 644 "$SUITE_TMP/rc.lines" "$SUITE_TMP/enable.lines"
    as_gl perl -i -e '
        open(my $r, "<", $ARGV[0]); my @rc = grep { /\S/ } <$r>; close $r;
        open(my $e, "<", $ARGV[1]); my @en = grep { /\S/ } <$e>; close $e;
        shift @ARGV; shift @ARGV;
        my %key = map { /^\s*(\w+)\s*=>/ ? ($1 => 1) : () } @rc;
        while (<>) {
            next if /^\s*(\w+)\s*=>/ && $key{$1};
            print;
            print "    $_" for ($_ =~ /^%RC = \(/ ? @rc : ());
            print "        $_" for ($_ =~ /^\s*ENABLE\s*=>\s*\[/ ? @en : ());
        }' "$SUITE_TMP/rc.lines" "$SUITE_TMP/enable.lines" "$GL_HOME/.gitolite.rc"
}

# The repo-specific and VREF installs, as gitolite's account, finished with
# exactly the rc and gitolite.conf lines they print.
setup_installs() {
    local SCENARIO_DIR=$SUITE_TMP
    # repo-specific hook
    run_cmd "${AS_GL[@]}" "$RELGATE_BIN" install --server --platform gitolite --repo "$REPOS/specific.git" >>"$SETUP_LOG"
    [ "$LAST_RC" = 0 ] || setup_failed "install --platform gitolite failed"
    [ -x "$LOCAL/hooks/repo-specific/relgate" ] || setup_failed "no LOCAL_CODE/hooks/repo-specific/relgate"
    apply_rc_lines
    { echo; printed_block "in conf/gitolite.conf"; } >>"$SUITE_TMP/admin/conf/gitolite.conf"
    # and one more repo-specific hook after relgate's, for the race
    sed -i 's/^\( *option hook.pre-receive = relgate\)$/\1 slow/' "$SUITE_TMP/admin/conf/gitolite.conf"
    printf '%s\n' "$SLOW_PRE_RECEIVE" >"$LOCAL/hooks/repo-specific/slow"
    # VREF
    run_cmd "${AS_GL[@]}" "$RELGATE_BIN" install --server --platform gitolite --hook update --repo "$REPOS/vref.git" >>"$SETUP_LOG"
    [ "$LAST_RC" = 0 ] || setup_failed "install --platform gitolite --hook update failed"
    [ -x "$LOCAL/VREF/relgate" ] || setup_failed "no LOCAL_CODE/VREF/relgate"
    { echo; printed_block "in conf/gitolite.conf"; echo "    - VREF/slow = @all"; } >>"$SUITE_TMP/admin/conf/gitolite.conf"
    printf '%s\n' "$SLOW_VREF" >"$LOCAL/VREF/slow"
    chmod 755 "$LOCAL/hooks/repo-specific/slow" "$LOCAL/VREF/slow"
    cat "$SUITE_TMP/admin/conf/gitolite.conf" "$GL_HOME/.gitolite.rc" >>"$SETUP_LOG"
    admin_push "relgate: repo-specific hook and VREF"
    [ -L "$REPOS/specific.git/hooks/pre-receive.h00-relgate" ] || setup_failed "gitolite did not link relgate's repo-specific hook"
    [ "$(git --git-dir="$REPOS/specific.git" config receive.advertisePushOptions)" = true ] ||
        setup_failed "gitolite did not set receive.advertisePushOptions in specific.git"
}

: >"$SETUP_LOG"
setup_site
setup_installs
echo "# gitolite on 127.0.0.1:$SSH_PORT as $ACCOUNT ($GL_HOME)"

# --- the flow (lib.sh's release_flow) -------------------------------------------

# gitolite_flow REPO KIND: release_flow over SSH as alice and bob; what the
# hooks wrote stays gitolite's account's.
gitolite_flow() {
    SERVER=$REPOS/$1.git
    release_flow "gl-alice:$1" "gl-bob:$1" "$2"
    local f
    for f in relgate.lock relgate-audit.log; do
        [ "$(stat -c %U "$SERVER/$f")" = "$ACCOUNT" ] || fail "$f belongs to $(stat -c %U "$SERVER/$f"), not to $ACCOUNT"
    done
}

# plain: root's install says whose the repository is and what to run; that
# command, pasted, installs relgate's own pre-receive hook.
plain_pre_receive() {
    SERVER=$REPOS/plain.git
    expect_fail "belongs to $ACCOUNT" "$RELGATE_BIN" install --server --repo "$SERVER"
    [ "$LAST_RC" = 2 ] || fail "install into another user's repository should exit 2"
    [ "$(wc -l <"$LAST_OUTPUT")" = 1 ] || fail "the refusal should be one line"
    assert_output_contains "runuser -u $ACCOUNT -- "
    [ -e "$SERVER/hooks/pre-receive" ] && fail "install as root wrote a hook"
    paste_command "stays writable by $ACCOUNT: "
    [ -x "$SERVER/hooks/pre-receive" ] || { fail "the pasted command installed no pre-receive hook"; return 1; }
    [ "$(stat -c %U "$SERVER/hooks/pre-receive")" = "$ACCOUNT" ] || fail "the hook is not gitolite's account's"
    assert_output_contains "stays relgate's until gitolite.conf gives this repository repository-specific"
    [ "$(git --git-dir="$SERVER" config receive.advertisePushOptions)" = true ] || fail "no receive.advertisePushOptions"
    printf '%s\n' "$SLOW_PRE_RECEIVE" >"$SERVER/hooks/pre-receive.relgate-chained"
    chmod 755 "$SERVER/hooks/pre-receive.relgate-chained"
    gitolite_flow plain identity
}

specific_hook() {
    run_cmd "${AS_GL[@]}" "$RELGATE_BIN" doctor --repo "$REPOS/specific.git"
    assert_output_contains "gitolite's multi-hook-driver"
    assert_output_matches "runs: .*/pre-receive\.h00-relgate -> .*/local/hooks/repo-specific/relgate \(relgate\)"
    assert_output_lacks "not installed"
    gitolite_flow specific identity
}

vref_update() {
    run_cmd "${AS_GL[@]}" "$RELGATE_BIN" doctor --repo "$REPOS/vref.git"
    assert_output_contains "update: gitolite's update hook runs relgate's VREF"
    assert_output_lacks "not installed"
    # doctor --server sees the VREF too (it listed this one as unprotected).
    run_cmd "$RELGATE_BIN" doctor --server "$REPOS"
    assert_output_contains "protected: $REPOS/vref.git (gitolite: $LOCAL/VREF/relgate)"
    gitolite_flow vref no-options
}

# What gitolite would undo or break, install refuses in one line that names
# the way that works; doctor finds what an earlier relgate left behind.
refusals_and_leftovers() {
    local spare=$REPOS/spare.git specific=$REPOS/specific.git update_link
    update_link=$(readlink "$spare/hooks/update")
    # --hook update: gitolite refuses every push without its own update hook
    run_cmd "${AS_GL[@]}" "$RELGATE_BIN" install --server --hook update --repo "$spare"
    [ "$LAST_RC" = 2 ] || fail "install --hook update into a gitolite repository should exit 2"
    [ "$(wc -l <"$LAST_OUTPUT")" = 1 ] || fail "the refusal should be one line"
    assert_output_contains "update is gitolite's own hook"
    assert_output_contains "relgate install --server --platform gitolite --hook update --repo $spare"
    [ "$(readlink "$spare/hooks/update")" = "$update_link" ] || fail "hooks/update is no longer gitolite's link"
    [ -e "$spare/hooks/update.relgate-chained" ] && fail "install moved gitolite's update hook"
    # chaining gitolite's multi-hook-driver: gitolite would delete relgate
    run_cmd "${AS_GL[@]}" "$RELGATE_BIN" install --server --repo "$specific"
    [ "$LAST_RC" = 2 ] || fail "install over gitolite's multi-hook-driver should exit 2"
    assert_output_contains "multi-hook-driver"
    assert_output_contains "relgate install --server --platform gitolite --repo $specific"
    [ -e "$specific/hooks/pre-receive.relgate-chained" ] && fail "install chained gitolite's multi-hook-driver"
    [ -L "$specific/hooks/pre-receive" ] || fail "hooks/pre-receive is no longer gitolite's driver"
    # --platform gitolite on a repository gitolite does not host
    must git init -q --bare "$SCENARIO_DIR/not-gitolite.git"
    run_cmd "$RELGATE_BIN" install --server --platform gitolite --repo "$SCENARIO_DIR/not-gitolite.git"
    [ "$LAST_RC" = 2 ] || fail "--platform gitolite outside gitolite should exit 2"
    assert_output_contains "is not a gitolite repository"
    # what `install --hook update` and a later `gitolite setup` left: gitolite's
    # update hook back in place, and relgate's chained copy of its link
    ln -s "$update_link" "$spare/hooks/update.relgate-chained"
    run_cmd "${AS_GL[@]}" "$RELGATE_BIN" doctor --repo "$spare"
    [ "$LAST_RC" = 1 ] || fail "doctor should exit 1 on the leftover"
    assert_output_contains "update.relgate-chained is left over from relgate's update hook, which gitolite replaced"
    local rm_cmd
    rm_cmd=$(printed_command "gitolite's update hook is $spare/hooks/update: ")
    case $rm_cmd in "rm "*) ;; *) fail "doctor printed no rm command: $rm_cmd" ;; esac
    paste_command "gitolite's update hook is $spare/hooks/update: "
    [ -e "$spare/hooks/update.relgate-chained" ] && fail "the printed command left the leftover"
    run_cmd "${AS_GL[@]}" "$RELGATE_BIN" doctor --repo "$spare"
    assert_output_lacks "relgate-chained"
    # root's doctor says whose the repository is, and how to ask as them
    run_cmd "$RELGATE_BIN" doctor --repo "$spare"
    [ "$LAST_RC" = 2 ] || fail "root's doctor in gitolite's repository should exit 2"
    assert_output_contains "runuser -u $ACCOUNT -- "
}

# RELGATE_BENCH=N: what relgate's pre-receive costs a push over SSH.
bench_ssh() {
    SERVER=$REPOS/bench.git
    must "${AS_GL[@]}" "$RELGATE_BIN" install --server --repo "$SERVER"
    bench_pushes "gitolite over SSH" gl-alice:bench "$RELGATE_BENCH"
}

if [ -n "${RELGATE_BENCH:-}" ]; then
    run_scenario "gitolite: push overhead (RELGATE_BENCH)" bench_ssh
    wait_scenarios
fi
run_scenario "gitolite: install refuses what gitolite would undo; doctor finds leftovers" refusals_and_leftovers
run_scenario "gitolite: relgate's pre-receive, installed as the repository's owner" plain_pre_receive
run_scenario "gitolite: a repo-specific hook under gitolite's multi-hook-driver" specific_hook
run_scenario "gitolite: a VREF in gitolite's update hook" vref_update
wait_scenarios

# The common hook goes into every repository of the site (and replaces the
# repo-specific driver's link until gitolite's next compile): it runs last,
# alone. Its install prints the rest: the conf line for every repository
# (the rc has what it needs by now) and `gitolite setup --hooks-only`.
common_hook() {
    local spare=$REPOS/spare.git cmd
    run_cmd "${AS_GL[@]}" "$RELGATE_BIN" install --server --platform gitolite-common --repo "$spare"
    [ "$LAST_RC" = 0 ] || { fail "install --platform gitolite-common failed"; return 1; }
    [ -x "$LOCAL/hooks/common/pre-receive" ] || fail "no LOCAL_CODE/hooks/common/pre-receive"
    assert_output_lacks "inside %RC"
    [ "$(printed_block "in conf/gitolite.conf" | tr -s ' ')" = "$(printf 'repo @all
 config receive.advertisePushOptions = true')" ] ||
        fail "install printed other gitolite.conf lines"
    cmd=$(printed_command "link it into every repository (gitolite-admin too): ")
    [ "$cmd" = "gitolite setup --hooks-only" ] || fail "install printed '$cmd' to link the hook"
    must "${AS_GL[@]}" sh -c "$cmd"
    [ "$(readlink "$spare/hooks/pre-receive")" = "$LOCAL/hooks/common/pre-receive" ] ||
        fail "gitolite did not link the common hook into spare.git"
    run_cmd "${AS_GL[@]}" "$RELGATE_BIN" doctor --repo "$spare"
    assert_output_contains "gitolite's common hook $LOCAL/hooks/common/pre-receive, linked into every repository"
    assert_output_lacks "not installed"
    SERVER=$spare
    printf '[access]\nmaintainers = ["alice"]\n' >"$SERVER/relgate.toml"
    must git clone -q gl-bob:spare work
    cd work || exit 1
    commit_file "feat: initial commit"
    expect_accept git push origin main
    must git tag v0.1.0-rc1 main
    expect_reject "A1 maintainers-only" git push origin v0.1.0-rc1
    assert_output_contains 'this push is by "bob"'
    must git tag v0.1.0-RC1 main
    expect_reject "T1 tag-name" git push origin v0.1.0-RC1
    assert_output_matches '^remote: relgate: T1 tag-name: refs/tags/v0\.1\.0-RC1'
    # A repository created afterwards (gitolite.conf) gets the common hook
    # from gitolite itself: host-wide.
    printf '\nrepo later\n    RW+     =   alice bob\n' >>"$SUITE_TMP/admin/conf/gitolite.conf"
    must git -C "$SUITE_TMP/admin" commit -q -am "a repository after relgate's common hook"
    must git -C "$SUITE_TMP/admin" push -q origin HEAD
    [ "$(readlink "$REPOS/later.git/hooks/pre-receive")" = "$LOCAL/hooks/common/pre-receive" ] ||
        fail "gitolite did not link the common hook into a repository created later"
    cd .. || exit 1
    SERVER=$REPOS/later.git
    must git clone -q gl-bob:later later
    cd later || exit 1
    commit_file "feat: initial commit"
    expect_accept git push origin main
    must git tag v0.1.0-RC1 main
    expect_reject "T1 tag-name" git push origin v0.1.0-RC1
    # doctor --server over gitolite's repositories: every one guarded.
    run_cmd "$RELGATE_BIN" doctor --server "$REPOS"
    [ "$LAST_RC" = 0 ] || fail "doctor --server should find every repository guarded by the common hook"
    assert_output_contains "protected: $REPOS/later.git (gitolite: $REPOS/later.git/hooks/pre-receive)"
}

run_scenario "gitolite: a common hook for every repository" common_hook
finish
