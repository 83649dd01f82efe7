#!/usr/bin/env bash
# Black-box suite: relgate install / uninstall / doctor on real repositories.
#
#   bash tests/blackbox/installer.sh [path/to/relgate]

. "$(dirname "$0")/lib.sh" "$@"

# tree_digest DIR: every file under DIR with its mode and content hash.
tree_digest() {
    (cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r stat -c '%a %n' && find . -type f -print0 | sort -z | xargs -0 -r sha256sum)
}

# A clone of a hook-less server, entered; the server has one commit on main.
clone_setup() {
    make_server none
    must git clone -q "$SERVER" seed
    (cd seed && commit_file "feat: initial" && git push -q origin main) || exit 1
    must git clone -q "$SERVER" work
    cd work || exit 1
}

# push_bad_tag: a misspelled release tag must be refused by the hook.
push_bad_tag() {
    must git tag v0.1.0-RC1 main
    expect_reject "T1 tag-name" git push origin v0.1.0-RC1
}

plain_clone() {
    clone_setup
    expect_accept "$RELGATE_BIN" install
    [ -x .git/hooks/pre-push ] || fail "no executable .git/hooks/pre-push"
    for spec in '+refs/meta/relgate*:refs/relgate/remotes/origin/meta/relgate*' \
                '+refs/tags/*:refs/relgate/remotes/origin/tags/*' '+refs/freeze/*:refs/relgate/remotes/origin/freeze/*' \
                '+refs/notes/ci*:refs/relgate/remotes/origin/notes/ci*'; do
        git config --get-all remote.origin.fetch | grep -qxF "$spec" || fail "install did not add the fetch refspec $spec"
    done
    [ "$(git config relgate.remote)" = origin ] || fail "install did not make origin the canonical remote"
    push_bad_tag
    expect_accept "$RELGATE_BIN" doctor
    assert_output_contains "all is well"
}

# After install, git fetch and git pull work whether the remote has a policy
# ref or not, and after it is deleted there (issue: an exact refspec made
# every fetch fail with "couldn't find remote ref refs/meta/relgate").
fetch_and_pull_after_install() {
    clone_setup
    expect_accept "$RELGATE_BIN" install
    expect_accept git fetch origin
    expect_accept git pull -q --no-rebase origin main
    expect_accept git pull -q --no-rebase
    git rev-parse -q --verify refs/relgate/remotes/origin/meta/relgate >/dev/null && fail "a policy ref appeared from nowhere"
    # The remote gets a policy ref (its hook is none: anyone may push it).
    (cd ../seed && git checkout -q --orphan policy && git rm -rqf . && printf '[rules]\n' >relgate.toml \
        && git add relgate.toml && git commit -q -m "chore: policy" && git push -q origin policy:refs/meta/relgate) || exit 1
    expect_accept git fetch origin
    [ "$(git rev-parse -q --verify refs/relgate/remotes/origin/meta/relgate)" = "$(git -C "$SERVER" rev-parse refs/meta/relgate)" ] \
        || fail "git fetch did not bring the remote's policy ref"
    expect_accept git pull -q --no-rebase
    must git -C "$SERVER" update-ref -d refs/meta/relgate
    expect_accept git fetch origin
    expect_accept git pull -q --no-rebase
    # install set remote.origin.prune: a plain fetch drops what the remote deleted.
    expect_accept git fetch origin
    git rev-parse -q --verify refs/relgate/remotes/origin/meta/relgate >/dev/null && fail "git fetch kept a deleted policy ref"
    return 0
}

# A clone where an earlier relgate added the exact refspec: fetch fails,
# doctor says so with a command that repairs it, and install repairs it.
exact_refspec_repaired() {
    clone_setup
    expect_accept "$RELGATE_BIN" install
    must git config --unset-all remote.origin.fetch 'refs/meta/relgate'
    must git config --add remote.origin.fetch '+refs/meta/relgate:refs/meta/relgate'
    run_cmd git fetch origin
    [ "$LAST_RC" -ne 0 ] || fail "the exact refspec should make git fetch fail here"
    assert_output_contains "couldn't find remote ref"
    run_cmd "$RELGATE_BIN" doctor
    [ "$LAST_RC" -eq 1 ] || fail "doctor should report the exact refspec (exit 1), got $LAST_RC"
    assert_output_contains "git fetch and git pull fail"
    paste_command "repair it with: "
    assert_output_contains "removed +refs/meta/relgate:refs/meta/relgate from remote.origin.fetch (git fetch fails"
    [ "$(git config --get-all remote.origin.fetch | grep -c 'meta/relgate')" -eq 1 ] \
        || fail "install should leave exactly one policy refspec: $(git config --get-all remote.origin.fetch)"
    expect_accept git fetch origin
    expect_accept git pull -q --no-rebase
    expect_accept "$RELGATE_BIN" doctor
    assert_output_contains "all is well"
    expect_accept "$RELGATE_BIN" uninstall
    git config --get-all remote.origin.fetch | grep -qF refs/meta/relgate && fail "uninstall left a policy refspec"
    return 0
}

hooks_path_relative() {
    clone_setup
    must git config core.hooksPath .githooks
    expect_accept "$RELGATE_BIN" install
    [ -x .githooks/pre-push ] || fail "not installed into the relative core.hooksPath"
    push_bad_tag
}

hooks_path_absolute() {
    clone_setup
    must git config core.hooksPath "$SCENARIO_DIR/shared-hooks"
    expect_accept "$RELGATE_BIN" install
    [ -x "$SCENARIO_DIR/shared-hooks/pre-push" ] || fail "not installed into the absolute core.hooksPath"
    push_bad_tag
}

hooks_path_shadows() {
    clone_setup
    expect_accept "$RELGATE_BIN" install
    must git config core.hooksPath .githooks
    run_cmd "$RELGATE_BIN" doctor
    [ "$LAST_RC" -eq 1 ] || fail "doctor should report a problem (exit 1), got $LAST_RC"
    assert_output_contains "shadowed by core.hooksPath"
}

worktree_shares_hooks() {
    clone_setup
    must git worktree add -q ../wt
    cd ../wt || exit 1
    expect_accept "$RELGATE_BIN" install
    [ -x "$SCENARIO_DIR/work/.git/hooks/pre-push" ] || fail "a worktree's install must go to the common hooks directory"
    push_bad_tag
}

submodule_followed() {
    clone_setup
    must git -c protocol.file.allow=always submodule add -q "$SERVER" sub
    must git commit -q -m "chore: add submodule"
    cd sub || exit 1
    expect_accept "$RELGATE_BIN" install
    [ -x "$SCENARIO_DIR/work/.git/modules/sub/hooks/pre-push" ] || fail "not installed into the submodule's git directory"
    push_bad_tag
}

existing_hook_kept_and_restored() {
    clone_setup
    mkdir -p .git/hooks
    printf '#!/bin/sh\necho "foreign hook: $1 $2"\ncat >"%s/foreign-stdin"\nexit 0\n' "$SCENARIO_DIR" >.git/hooks/pre-push
    chmod 755 .git/hooks/pre-push
    local before config_before
    before=$(tree_digest .git/hooks)
    config_before=$(git config --list --local)
    expect_accept "$RELGATE_BIN" install
    local once
    once=$(tree_digest .git/hooks)
    expect_accept "$RELGATE_BIN" install
    assert_output_contains "already installed"
    [ "$(tree_digest .git/hooks)" = "$once" ] || fail "installing twice changed the hooks directory"
    commit_file "feat: two"
    expect_accept git push origin main
    assert_output_contains "foreign hook: origin"
    grep -q "refs/heads/main" "$SCENARIO_DIR/foreign-stdin" || fail "the chained hook did not see the push's stdin"
    push_bad_tag
    expect_accept "$RELGATE_BIN" uninstall
    [ "$(tree_digest .git/hooks)" = "$before" ] || fail "uninstall did not restore the hooks directory byte for byte"
    git config --get-all remote.origin.fetch | grep -qF refs/meta/relgate && fail "uninstall left the policy refspec"
    [ "$(git config --list --local)" = "$config_before" ] ||
        fail "uninstall did not put the configuration back: $(git config --list --local | tr '\n' ' ')"
    return 0
}

foreign_hook_failure_counts() {
    clone_setup
    mkdir -p .git/hooks
    printf '#!/bin/sh\nexit 3\n' >.git/hooks/pre-push
    chmod 755 .git/hooks/pre-push
    expect_accept "$RELGATE_BIN" install
    commit_file "feat: two"
    expect_fail "" git push origin main
}

dry_run_changes_nothing() {
    clone_setup
    local before config
    before=$(tree_digest .git)
    expect_accept "$RELGATE_BIN" install --dry-run
    assert_output_contains "would install the pre-push hook"
    assert_output_contains "would add +refs/tags/*:refs/relgate/remotes/origin/tags/* to remote.origin.fetch"
    [ "$(tree_digest .git)" = "$before" ] || fail "--dry-run changed .git"
    # Once done, it says so in the past tense.
    expect_accept "$RELGATE_BIN" install
    assert_output_contains "relgate: installed the pre-push hook as"
    assert_output_contains "relgate: added +refs/tags/*:refs/relgate/remotes/origin/tags/* to remote.origin.fetch"
}

# Server platform layouts receive a real push and reject a bad tag. The
# platforms' own dispatchers are played by a plain pre-receive that runs every
# hook of the .d directory with the push's input, as GitLab and Gitea do.
server_platform() {
    local platform=$1 dir=$2
    make_server none
    expect_accept "$RELGATE_BIN" install --server --platform "$platform" --repo "$SERVER"
    [ -x "$SERVER/$dir/relgate" ] || fail "$platform: no executable $dir/relgate"
    mkdir -p "$SERVER/hooks"
    cat >"$SERVER/hooks/pre-receive" <<EOS
#!/bin/sh
input=\$(mktemp); cat >"\$input"
for h in "$SERVER/$dir"/*; do "\$h" <"\$input" || { rm -f "\$input"; exit 1; }; done
rm -f "\$input"
EOS
    chmod +x "$SERVER/hooks/pre-receive"
    must git clone -q "$SERVER" work
    cd work || exit 1
    commit_file "feat: initial"
    expect_accept git push -q origin main
    push_bad_tag
}
server_gitlab() { server_platform gitlab custom_hooks/pre-receive.d; }
server_gitea() { server_platform gitea hooks/pre-receive.d; }

server_plain_and_ghes() {
    make_server none
    local config_before
    config_before=$(git -C "$SERVER" config --list --local)
    expect_accept "$RELGATE_BIN" install --server --repo "$SERVER"
    [ -x "$SERVER/hooks/pre-receive" ] || fail "no pre-receive"
    [ "$(git -C "$SERVER" config receive.advertisePushOptions)" = true ] || fail "push options not advertised"
    expect_accept "$RELGATE_BIN" --repo "$SERVER" uninstall
    [ ! -e "$SERVER/hooks/pre-receive" ] || fail "uninstall left hooks/pre-receive"
    [ "$(git -C "$SERVER" config --list --local)" = "$config_before" ] ||
        fail "uninstall did not put the configuration back: $(git -C "$SERVER" config --list --local | tr '\n' ' ')"
    expect_accept "$RELGATE_BIN" install --platform ghes
    [ -x relgate-ghes-pre-receive.sh ] || fail "no GHES script"
    assert_output_contains "Pre-receive hook environments"
    # Nothing of it is in a repository: uninstall says where it is removed.
    expect_fail "the site admin removes or disables it in Site admin > Pre-receive hooks" \
        "$RELGATE_BIN" uninstall --platform ghes
    [ "$LAST_RC" -eq 2 ] || fail "uninstall --platform ghes should exit 2"
    run_cmd "$RELGATE_BIN" install --server
    [ "$LAST_RC" -eq 2 ] || fail "install --server outside a bare repository should exit 2"
}

# pre-commit's pre-push stage hands one ref through PRE_COMMIT_* variables.
pre_commit_framework() {
    clone_setup
    must git tag v0.1.0-RC1 main
    PRE_COMMIT_REMOTE_NAME=origin PRE_COMMIT_REMOTE_URL="$SERVER" \
    PRE_COMMIT_LOCAL_BRANCH=refs/tags/v0.1.0-RC1 PRE_COMMIT_REMOTE_BRANCH=refs/tags/v0.1.0-RC1 \
    PRE_COMMIT_TO_REF="$(git rev-parse main)" PRE_COMMIT_FROM_REF=0000000000000000000000000000000000000000 \
        expect_reject "T1 tag-name" "$RELGATE_BIN" pre-commit
    run_cmd "$RELGATE_BIN" pre-commit
    [ "$LAST_RC" -eq 2 ] || fail "pre-commit without PRE_COMMIT_* should exit 2"
    # A push whose first commit is a root commit (the policy's orphan
    # commit, as the README creates it) is judged, not an error.
    local blob tree pol
    blob=$(printf '[rules]\n' | git hash-object -w --stdin)
    tree=$(printf '100644 blob %s\trelgate.toml\n' "$blob" | git mktree)
    pol=$(git commit-tree "$tree" -m "relgate policy")
    PRE_COMMIT_REMOTE_NAME=origin PRE_COMMIT_REMOTE_URL="$SERVER" \
    PRE_COMMIT_LOCAL_BRANCH="$pol" PRE_COMMIT_REMOTE_BRANCH=refs/meta/relgate \
    PRE_COMMIT_TO_REF="$pol" PRE_COMMIT_FROM_REF=0000000000000000000000000000000000000000 \
        expect_accept "$RELGATE_BIN" pre-commit
}

# cmake --install puts the binary, git-relgate, the hooks and the policy in place.
cmake_install() {
    local build
    build=$(dirname "$RELGATE_BIN")
    [ -f "$build/cmake_install.cmake" ] || { echo "# not a CMake build directory: $build"; return 0; }
    must cmake --install "$build" --prefix "$SCENARIO_DIR/usr"
    [ -x "$SCENARIO_DIR/usr/bin/relgate" ] || fail "no bin/relgate"
    [ -L "$SCENARIO_DIR/usr/bin/git-relgate" ] || fail "no bin/git-relgate"
    [ -x "$SCENARIO_DIR/usr/share/relgate/hooks/pre-receive" ] || fail "no share/relgate/hooks/pre-receive"
    [ -f "$SCENARIO_DIR/usr/share/relgate/relgate.toml" ] || fail "no share/relgate/relgate.toml"
    PATH="$SCENARIO_DIR/usr/bin:$PATH" expect_accept git relgate --version
    assert_output_matches '^relgate '
    # What a security update of libgit2 or re2 needs: the packages it was built with.
    assert_output_matches '^libgit2 [0-9]+\.[0-9]+\.[0-9]+ and re2, linked (statically|dynamically); built with libgit2-dev [^ ,]+, libre2-dev [^ ,]+$'
    # git relgate --help opens git-relgate(1), which is relgate(1).
    PATH="$SCENARIO_DIR/usr/bin:$PATH" MANPATH="$SCENARIO_DIR/usr/share/man" MANPAGER=cat PAGER=cat \
        expect_accept git relgate --help
    assert_output_contains "relgate - git hooks that enforce"
    MANPATH="$SCENARIO_DIR/usr/share/man" expect_accept man -w relgate.toml
    assert_output_contains "$SCENARIO_DIR/usr/share/man/man5/relgate.toml.5.gz"
    # Installed again (install/setup.sh as the update command) while the old
    # binary runs: the new one replaces it, the running one finishes.
    cp /bin/sleep "$SCENARIO_DIR/usr/bin/relgate"
    "$SCENARIO_DIR/usr/bin/relgate" 3 &
    local running=$!
    must cmake --install "$build" --prefix "$SCENARIO_DIR/usr"
    expect_accept "$SCENARIO_DIR/usr/bin/relgate" --version
    wait "$running" || fail "the running binary did not finish well after the update"
}

run_scenario "pre-commit framework" pre_commit_framework
run_scenario "cmake --install, git relgate" cmake_install
run_scenario "plain clone" plain_clone
run_scenario "git fetch and git pull work after install" fetch_and_pull_after_install
run_scenario "an exact policy refspec: doctor reports, install repairs" exact_refspec_repaired
run_scenario "core.hooksPath relative" hooks_path_relative
run_scenario "core.hooksPath absolute" hooks_path_absolute
run_scenario "doctor: hook shadowed by core.hooksPath" hooks_path_shadows
run_scenario "worktree: common hooks directory" worktree_shares_hooks
run_scenario "submodule: .git file followed" submodule_followed
run_scenario "existing hook chained, install twice, uninstall byte for byte" existing_hook_kept_and_restored
run_scenario "a failing chained hook fails the push" foreign_hook_failure_counts
run_scenario "--dry-run changes nothing" dry_run_changes_nothing
run_scenario "server: GitLab layout" server_gitlab
run_scenario "server: Gitea layout" server_gitea
run_scenario "server: plain, uninstall, GHES script" server_plain_and_ghes
finish
