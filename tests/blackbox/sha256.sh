#!/usr/bin/env bash
# Black-box suite: SHA-256 repositories (git --object-format=sha256). The
# rule book counts 64 zeros as the zero id, so relgate is meant to guard
# them too: install the hook, accept a good rc, reject a bad tag name and
# a deleted release tag (old id 64 hex, new id 64 zeros).
# Skipped (exit 125) when this git cannot make SHA-256 repositories.
#
#   bash tests/blackbox/sha256.sh [path/to/relgate]

. "$(dirname "$0")/lib.sh" "$@"

if ! git init -q --bare --object-format=sha256 "$SUITE_TMP/probe.git" 2>/dev/null; then
    echo "# skipped: git cannot create SHA-256 repositories"
    rm -rf "$SUITE_TMP"
    exit 125
fi

# sha256_repo: like setup_repo (pre-receive), in SHA-256.
sha256_repo() {
    must git init -q --bare --object-format=sha256 server.git
    SERVER=$(cd server.git && pwd)
    must "$RELGATE_BIN" install --repo "$SERVER"
    make_clone work
    cd work || exit 1
    [ "$(git rev-parse --show-object-format)" = sha256 ] || { fail "clone is not SHA-256"; exit 1; }
    commit_file "feat: initial commit"
    must git push -q origin main
}

sha256_rc1_accepted() {
    sha256_repo
    must git tag v0.1.0-rc1 main
    expect_accept git push origin v0.1.0-rc1
    assert_remote_ref refs/tags/v0.1.0-rc1 main
}

sha256_bad_tag_rejected() {
    sha256_repo
    must git tag v0.1.0-RC1 main
    expect_reject "T1 tag-name" git push origin v0.1.0-RC1
}

sha256_delete_release_tag_rejected() {
    sha256_repo
    must git tag v0.1.0-rc1 main
    must git push -q origin v0.1.0-rc1
    expect_reject "T2 tag-immutable" git push origin :refs/tags/v0.1.0-rc1
}

run_scenario sha256_rc1_accepted sha256_rc1_accepted
run_scenario sha256_bad_tag_rejected sha256_bad_tag_rejected
run_scenario sha256_delete_release_tag_rejected sha256_delete_release_tag_rejected
finish
