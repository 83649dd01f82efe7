#!/usr/bin/env bash
# Black-box suite: hostile input that once got through (issue 19), each with
# real pushes to a server guarded by the pre-receive hook:
# - freeze.docs_paths globs: many `**` on a deep path are matched without
#   backtracking; a glob over 256 bytes is refused where it is written.
# - deep trees: a change deeper than 4096 directories is refused with one
#   line (fail closed); within the bound it is judged; a commit 30,000
#   directories deep already on main (it crashed the hook) does not stop
#   backports proven by patch id; a merge whose sides are that deep is
#   refused with one line (the clean-merge check, libgit2's merge).
# - wide trees (one subtree named many times: 100^4 paths in six objects):
#   past 1,000,000 entries a walk refuses with one line, and a push's walks
#   together past 16,000,000 (both host limits, tested lower); 250,000 real
#   docs files are judged.
# - look-alike release names (invisible prefixes, mathematical letters and
#   digits, digits of other scripts, ʋ, the Arabic decimal separator, vO,
#   a Cyrillic е) are refused as tags (T1) and as branches (B1); other
#   names outside ASCII are not.
# - T6 when the last rc is a legacy tag at a tree: the final tag is refused
#   (it was accepted at any commit, even one not on main).
# - the audit log: a short write (a file size limit) leaves no fragment;
#   bytes that are not UTF-8 (a ref name, an override's reason) are written
#   as valid JSON; an override needs a reason; a push relgate accepted but
#   that was refused after (the chained hook, the journal) is logged as
#   refused, with why.
#
#   bash tests/blackbox/hostile_input.sh [path/to/relgate]

. "$(dirname "$0")/lib.sh" "$@"

# expect_hook_error TEXT CMD...: CMD (a push) is refused and the hook said
# exactly one thing, a `relgate: error:` line containing TEXT: no crash, no
# second line.
expect_hook_error() {
    local text=$1
    shift
    expect_fail "$text" "$@" || return 1
    local remote
    remote=$(grep -c '^remote: ' "$LAST_OUTPUT")
    [ "$remote" -eq 1 ] || fail "expected exactly one line from the hook, got $remote"
    grep -q '^remote: relgate: error: ' "$LAST_OUTPUT" || fail "the hook's line is not 'relgate: error: ...'"
}

# deep_dir N: the relative path d1/d2/.../dN.
deep_dir() {
    local i out=d1
    for ((i = 2; i <= $1; i++)); do out+=/d$i; done
    printf '%s' "$out"
}

# --- 1. globs ---------------------------------------------------------------

# Twelve `**` against a 40-deep path: a backtracking matcher tries every way
# to split the path among them (8 took 7.5 s; 12 never finished, and the
# hook held relgate.lock all the while). Main is frozen (rc1), so F1 asks
# the glob about each changed path.
glob_with_many_double_stars() {
    use_fixture rc1
    local stars='' dir
    for _ in 1 2 3 4 5 6 7 8 9 10 11 12; do stars+='**/'; done
    printf '[freeze]\ndocs_paths = ["%sx.md"]\n' "$stars" >"$SERVER/relgate.toml"
    dir=$(deep_dir 40)
    mkdir -p "$dir"
    echo code >"$dir/y.txt"
    must git add "$dir/y.txt"
    must git commit -q -m "feat: deep code"
    expect_reject "F1 freeze-fixes-only" git push origin main
    # The same glob still says yes where it should.
    must git reset -q --hard HEAD~1
    mkdir -p "$dir"
    echo docs >"$dir/x.md"
    must git add "$dir/x.md"
    must git commit -q -m "feat: deep docs"
    expect_accept git push origin main
}

glob_over_256_bytes_refused() {
    use_fixture rc1
    printf '[freeze]\ndocs_paths = ["docs/%s/**"]\n' "$(printf 'a%.0s' $(seq 300))" >"$SERVER/relgate.toml"
    commit_file "fix: anything"
    expect_hook_error "freeze.docs_paths: a glob of 308 bytes; at most 256 are allowed" git push origin main
}

# --- 2. deep trees -----------------------------------------------------------

# The release build puts 30,000 levels on main (the recursive walk crashed
# at about 27,000); under the sanitizers (CTest sets RELGATE_SANITIZED)
# 5,000 take relgate down the same path (it stops at 4,096).
DEEP=30000
[ -n "${RELGATE_SANITIZED:-}" ] && DEEP=5000

# deep_tree DEPTH LEAF: writes a chain of DEPTH directories d/d/.../d holding
# the file LEAF into the repository of the current directory (one pack,
# through git index-pack: 30,000 loose objects took 11 s to write here) and
# prints the id of its top tree.
deep_tree() {
    python3 - "$1" "$2" "$SCENARIO_DIR/deep.pack" <<'PY' || return 1
import hashlib, struct, sys, zlib
depth, leaf, out = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[3]
objects = []
def add(kind, body):
    objects.append((kind, body))
    return hashlib.sha1(b"%s %d\0" % (kind, len(body)) + body).digest()
sha = add(b"blob", b"deep\n")
sha = add(b"tree", b"100644 " + leaf + b"\0" + sha)
for _ in range(depth - 1):
    sha = add(b"tree", b"40000 d\0" + sha)
pack = bytearray(b"PACK" + struct.pack(">II", 2, len(objects)))
for kind, body in objects:
    n = len(body)
    byte = ({b"tree": 2, b"blob": 3}[kind] << 4) | (n & 15)
    n >>= 4
    while n:
        pack.append(byte | 0x80)
        byte = n & 0x7f
        n >>= 7
    pack.append(byte)
    pack += zlib.compress(body, 1)
pack += hashlib.sha1(pack).digest()
open(out, "wb").write(pack)
print(sha.hex())
PY
    git index-pack --stdin <"$SCENARIO_DIR/deep.pack" >/dev/null || return 1
}

# deep_commit DEPTH DIR SUBJECT: a commit on top of HEAD (not checked out:
# no file system holds such a path) that adds DIR/d/d/.../f.txt, DEPTH
# directories below DIR; prints its id.
deep_commit() {
    local top tree
    top=$(deep_tree "$1" f.txt) || return 1
    tree=$( { git ls-tree HEAD | grep -v "	$2\$"; printf '040000 tree %s\t%s\n' "$top" "$2"; } | git mktree) || return 1
    git commit-tree "$tree" -p HEAD -m "$3"
}

# On a frozen main F1 reads the paths of a feature commit: 5,000 levels is
# past the bound, and the hook refuses with one line (an earlier relgate
# walked it, recursively, and crashed past about 27,000).
deep_change_on_frozen_main_refused() {
    use_fixture rc1
    local c
    c=$(deep_commit 5000 docs "feat: deep docs") || { fail "could not make the deep commit"; return; }
    must git update-ref refs/heads/main "$c"
    expect_hook_error "changes a path more than 4096 directories deep" git push origin main
}

# 4,000 levels is within the bound: judged (docs only, so allowed).
deep_change_within_bound_judged() {
    use_fixture rc1
    local c
    c=$(deep_commit 4000 docs "feat: deep docs") || { fail "could not make the deep commit"; return; }
    must git update-ref refs/heads/main "$c"
    expect_accept git push origin main
}

# A commit $DEEP directories deep is on main (it came before the hook, or
# while main was not frozen, when nothing reads its paths). A later
# backport proven by patch id (a plain cherry-pick) makes B4 read the paths
# of main's newest commits: the deep one proves nothing and is passed over.
deep_commit_on_main_does_not_stop_backports() {
    use_fixture released
    commit_file "fix: crash on start"
    must git push -q origin main
    local fix c
    fix=$(git rev-parse HEAD)
    c=$(cd "$SERVER" && git update-ref refs/heads/scratch main && git symbolic-ref HEAD refs/heads/scratch &&
        deep_commit "$DEEP" deep "feat: deep") || { fail "could not make the deep commit"; return; }
    must git -C "$SERVER" symbolic-ref HEAD refs/heads/main
    must git -C "$SERVER" update-ref -d refs/heads/scratch
    must git -C "$SERVER" update-ref refs/heads/main "$c" "$fix"
    must git checkout -q release/v0.1
    must git cherry-pick "$fix"
    expect_accept git push origin release/v0.1
}

# --- 2c. wide trees: one subtree named many times -------------------------------

# wide_tree FANOUT LEVELS: a tree whose every level names the one tree below
# it FANOUT times (d00 ... d99), over FANOUT files f00.md ...: FANOUT^(LEVELS+1)
# paths in LEVELS + 2 small objects; prints its id.
wide_tree() {
    local fanout=$1 levels=$2 blob t i
    blob=$(echo wide | git hash-object -w --stdin) || return 1
    t=$(for ((i = 0; i < fanout; i++)); do printf '100644 blob %s\tf%05d.md\n' "$blob" "$i"; done | git mktree) || return 1
    for ((l = 0; l < levels; l++)); do
        t=$(for ((i = 0; i < fanout; i++)); do printf '040000 tree %s\td%05d\n' "$t" "$i"; done | git mktree) || return 1
    done
    echo "$t"
}

# wide_commit PARENT DIR TREE SUBJECT: a commit whose tree is PARENT's with
# DIR set to TREE (or without DIR when TREE is "-"); prints its id.
wide_commit() {
    local tree
    tree=$( { git ls-tree "$1" | grep -v "	$2\$"; [ "$3" = - ] || printf '040000 tree %s\t%s\n' "$3" "$2"; } |
        git mktree) || return 1
    git commit-tree "$tree" -p "$1" -m "$4"
}

# A feature commit whose only change is docs/, a tree of 100^4 paths in six
# objects, on a frozen main: F1 reads its paths to see whether they are all
# docs. Walked whole, that took 15 s (and a fanout of 1,000 takes hours);
# past 1,000,000 entries the hook refuses with one line (fail closed).
tree_bomb_on_frozen_main_refused() {
    use_fixture rc1
    local t c
    t=$(wide_tree 100 3) || { fail "could not make the wide tree"; return; }
    c=$(wide_commit HEAD docs "$t" "feat: only docs, in a way") || { fail "commit-tree failed"; return; }
    must git update-ref refs/heads/main "$c"
    expect_hook_error "in a tree of more than 1000000 entries" git push origin main
}

# A large real change within the bound: 250,000 docs files (500 x 500) on a
# frozen main are read and judged docs-only.
wide_docs_within_bound_judged() {
    use_fixture rc1
    local t c
    t=$(wide_tree 500 1) || { fail "could not make the wide tree"; return; }
    c=$(wide_commit HEAD docs "$t" "feat: the docs site, generated") || { fail "commit-tree failed"; return; }
    must git update-ref refs/heads/main "$c"
    expect_accept git push origin main
}

# Many commits, each within the bound but together past what one push may
# read: the host allows 2,000,000 entries a push (limits.push_tree_entries;
# 16,000,000 by default, two seconds of walking), and docs/ of 512,000
# paths is added and removed four times (the same few objects each time).
# Refused with one line; the host file decides, a pushed policy cannot.
many_wide_commits_refused() {
    use_fixture rc1
    printf '[limits]\npush_tree_entries = 2000000\n' >"$SERVER/relgate.toml"
    local t c i
    t=$(wide_tree 80 2) || { fail "could not make the wide tree"; return; }
    c=$(git rev-parse HEAD)
    for ((i = 0; i < 4; i++)); do
        c=$(wide_commit "$c" docs "$t" "feat: docs $i, added") || { fail "commit-tree failed"; return; }
        c=$(wide_commit "$c" docs - "feat: docs $i, removed") || { fail "commit-tree failed"; return; }
    done
    must git update-ref refs/heads/main "$c"
    expect_hook_error "more tree entries than a push may (limits.push_tree_entries)" git push origin main
    # The first two (1,024,000 entries: added, removed) are within it.
    must git update-ref refs/heads/main "$(git rev-parse "$c~6")"
    expect_accept git push origin main
}

# A host whose trees are smaller sets limits.tree_entries lower: the
# 250,000 docs files of a commit are then past it, refused with one line.
host_tree_entries_bound() {
    use_fixture rc1
    printf '[limits]\ntree_entries = 100000\n' >"$SERVER/relgate.toml"
    local t c
    t=$(wide_tree 500 1) || { fail "could not make the wide tree"; return; }
    c=$(wide_commit HEAD docs "$t" "feat: the docs site, generated") || { fail "commit-tree failed"; return; }
    must git update-ref refs/heads/main "$c"
    expect_hook_error "in a tree of more than 100000 entries" git push origin main
}

# A merge on a frozen main whose second side brings the 100^4 tree: the
# clean-merge check compares the trees where they differ, within the bound.
tree_bomb_side_of_a_merge_refused() {
    use_fixture rc1
    local t side ours tree merge
    t=$(wide_tree 100 3) || { fail "could not make the wide tree"; return; }
    side=$(wide_commit HEAD docs "$t" "docs: generated") || { fail "commit-tree failed"; return; }
    ours=$(plumb_commit HEAD -- fix.txt 'fixed\n' "fix: on main") || { fail "plumbing failed"; return; }
    tree=$( { git ls-tree "$ours"; git ls-tree "$side" | grep '	docs$'; } | git mktree) || { fail "mktree failed"; return; }
    merge=$(git commit-tree "$tree" -p "$ours" -p "$side" -m "Merge branch 'docs'") || { fail "commit-tree failed"; return; }
    must git update-ref refs/heads/main "$merge"
    expect_hook_error "in a tree of more than 1000000 entries" git push origin main
}

# --- 3. look-alike names -------------------------------------------------------

# u HEX...: the UTF-8 bytes of the code points HEX (printf's \u needs a
# UTF-8 locale; the suites run with LC_ALL=C).
u() {
    python3 -c 'import sys; sys.stdout.buffer.write("".join(chr(int(h, 16)) for h in sys.argv[1:]).encode())' "$@"
}

lookalike_tags_refused() {
    use_fixture fresh
    local name names=(
        "$(u 200b)v0.1.0" "$(u 2060)v0.1.0" "$(u feff)v0.1.0"
        "$(u 1d42f)0.1.0" "v$(u 1d7ce).$(u 1d7cf).$(u 1d7ce)"
        "v$(u 660).$(u 661).$(u 660)" "$(u 28b)0.1.0" "v0$(u 66b)1$(u 66b)0" "vO.1.0"
    )
    for name in "${names[@]}"; do
        must git tag "$name" main
        expect_reject "T1 tag-name" git push origin "refs/tags/$name"
    done
    assert_output_contains "imitates a version with look-alike characters (it reads as \"v0.1.0\")"
}

lookalike_branches_refused() {
    use_fixture released
    local name
    for name in "r$(u 435)lease/v0.1" "$(u 200b)release/v0.1" "release/vO.2"; do
        expect_reject "B1 branch-name" git push origin "main:refs/heads/$name"
    done
    assert_output_contains "imitates a release branch with look-alike characters (it reads as \"release/v0.2\")"
}

# Names outside ASCII that imitate nothing, and release names, are as before.
other_names_accepted() {
    use_fixture fresh
    must git tag "caf$(u e9)" main
    expect_accept git push origin "refs/tags/caf$(u e9)"
    expect_accept git push origin "main:refs/heads/$(u 65e5 672c)/topic"
    must git tag v0.1.0-rc1 main
    expect_accept git push origin v0.1.0-rc1
}

# --- 4. T6 fails closed -----------------------------------------------------------

# v0.1.0-rc1 names a tree (a tag from before relgate guarded the server,
# written there directly); a final tag at a commit that is not on main.
final_after_rc_at_a_tree_refused() {
    use_fixture fresh
    must git -C "$SERVER" update-ref refs/tags/v0.1.0-rc1 "$(git rev-parse 'main^{tree}')"
    must git checkout -q -b topic
    commit_file "feat: never on main"
    must git tag v0.1.0 topic
    expect_reject "T6 final-is-last-rc" git push origin v0.1.0
    assert_output_contains "v0.1.0-rc1, which does not point at a commit"
}

# --- 5. the audit log ------------------------------------------------------------

# assert_audit_valid: every line of the server's audit log is whole JSON, in
# UTF-8, with every field.
assert_audit_valid() {
    python3 - "$SERVER/relgate-audit.log" <<'PY' || fail "the audit log has a line that is not whole JSON"
import json, sys
data = open(sys.argv[1], "rb").read()
assert data.endswith(b"\n"), "no newline at the end"
fields = {"time", "hook", "pusher", "ref", "old", "new", "verdict", "rules", "override", "refused_by"}
for n, raw in enumerate(data.split(b"\n")[:-1], 1):
    try:
        line = json.loads(raw.decode("utf-8"))
        assert fields <= set(line), "fields missing"
    except Exception as e:
        sys.exit("line %d: %s: %r" % (n, e, raw[:200]))
PY
}

# audit_last FIELD: FIELD of the audit log's last line.
audit_last() {
    python3 -c 'import json, sys; print(json.loads(open(sys.argv[1], "rb").read().decode().splitlines()[-1])[sys.argv[2]])' \
        "$SERVER/relgate-audit.log" "$1"
}

# expect_audit_last FIELD VALUE
expect_audit_last() {
    local got
    got=$(audit_last "$1")
    [ "$got" = "$2" ] || fail "the audit log's last line has $1 = '$got', expected '$2'"
}

maintainers_alice() { printf '[access]\nmaintainers = ["alice"]\n' >"$SERVER/relgate.toml"; }

# The disk fills up while the hook writes its line (played by a file size
# limit of 2048 bytes on a log of 1948): the write fails part way, the push
# is refused, and the log is as it was; the next decision is a line of its
# own. (The hook once died of SIGXFSZ mid-line, and the next line was glued
# onto the fragment.)
audit_short_write_leaves_no_fragment() {
    use_fixture fresh
    python3 - "$SERVER/relgate-audit.log" <<'PY'
import json, sys
line = {"time": "2024-01-01T00:00:00Z", "hook": "pre-receive", "pusher": None, "ref": "refs/heads/pad",
        "old": "0" * 40, "new": "0" * 40, "verdict": "accepted", "rules": [], "override": "", "refused_by": None}
text = json.dumps(line, separators=(",", ":"))
line["override"] = "x" * (1947 - len(text))
open(sys.argv[1], "w").write(json.dumps(line, separators=(",", ":")) + "\n")
PY
    [ "$(wc -c <"$SERVER/relgate-audit.log")" -eq 1948 ] || fail "the padded log is not 1948 bytes"
    must git checkout -q -b topic
    commit_file "feat: topic"
    expect_hook_error "cannot write the audit log" bash -c 'ulimit -f 2 && exec git push origin topic'
    [ "$(wc -c <"$SERVER/relgate-audit.log")" -eq 1948 ] || fail "the refused write left part of a line"
    expect_accept git push origin topic
    assert_audit_valid
    expect_audit_last ref refs/heads/topic
}

# A ref name and an override's reason with bytes that are not UTF-8: the
# lines are valid JSON in UTF-8, each such byte written as \xNN.
audit_bytes_not_utf8_escaped() {
    use_fixture fresh
    maintainers_alice
    local bad
    bad=$(printf 'build-\377')
    must git tag "$bad" main
    GL_USERNAME=alice expect_reject "T1 tag-name" git push origin "refs/tags/$bad"
    assert_audit_valid
    expect_audit_last ref 'refs/tags/build-\xff'
    must git tag v0.2.0 main
    GL_USERNAME=alice expect_accept git push -o "relgate.override=$(printf 'rc lost \376 in the outage')" origin v0.2.0
    assert_audit_valid
    expect_audit_last verdict overridden
    expect_audit_last override 'rc lost \xfe in the outage'
}

# An override is kept in the audit log by its reason: none, or a blank one,
# is refused with one line.
override_needs_a_reason() {
    use_fixture fresh
    maintainers_alice
    must git tag v0.2.0 main
    GL_USERNAME=alice expect_hook_error "an override needs a reason" git push -o relgate.override= origin v0.2.0
    GL_USERNAME=alice expect_hook_error "an override needs a reason" git push -o 'relgate.override=   ' origin v0.2.0
}

# chained_server KIND: a server whose KIND hook (pre-receive or update) was
# there before relgate's, and refuses everything.
chained_server() {
    make_server none
    mkdir -p "$SERVER/hooks"
    printf '#!/bin/sh\necho foreign-hook-refused >&2\nexit 1\n' >"$SERVER/hooks/$1"
    chmod +x "$SERVER/hooks/$1"
    must "$RELGATE_BIN" install --repo "$SERVER" --hook "$1"
    make_clone work
    cd work || exit 1
    commit_file "feat: initial commit"
}

# relgate accepts, the chained hook refuses: the log says refused, and why.
chained_refusal_logged() {
    local hook
    for hook in pre-receive update; do
        (
            mkdir "$hook" && cd "$hook" || exit 1
            chained_server "$hook"
            expect_fail "foreign-hook-refused" git push origin main
            expect_audit_last hook "$hook"
            expect_audit_last verdict refused
            expect_audit_last refused_by "the chained hook $hook.relgate-chained exited 1"
            assert_audit_valid
            exit "$SCEN_FAILED"
        ) || SCEN_FAILED=1
    done
}

# relgate accepts, recording the push in the journal fails (relgate-pending
# is a file, not a directory): one line, and the log says refused, and why.
journal_error_logged() {
    use_fixture fresh
    rm -rf "$SERVER/relgate-pending"
    : >"$SERVER/relgate-pending"
    commit_file "feat: more"
    expect_hook_error "relgate-pending/" git push origin main
    expect_audit_last verdict refused
    [[ $(audit_last refused_by) == "cannot write $SERVER/relgate-pending/"* ]] || fail "refused_by does not name the journal"
    assert_audit_valid
}

# --- 2b. deep trees in merges (F1 and B4 judge merges) ---------------------------

# plumb_commit PARENT... -- FILE TEXT SUBJECT: a commit (made without a work
# tree, which cannot hold a path 5,000 directories deep) whose tree is the
# first parent's with the top-level FILE holding TEXT; prints its id.
plumb_commit() {
    local parents=() blob tree
    while [ "$1" != -- ]; do parents+=(-p "$1"); shift; done
    shift
    blob=$(printf '%b' "$2" | git hash-object -w --stdin) || return 1
    tree=$( { git ls-tree "${parents[1]}" | grep -v "	$1\$"; printf '100644 blob %s\t%s\n' "$blob" "$1"; } | git mktree) || return 1
    git commit-tree "$tree" "${parents[@]}" -m "$3"
}

# A merge whose second parent adds a path 5,000 directories deep, on a
# frozen main: the clean-merge check compares the trees where they differ,
# and refuses past the bound (it recursed, without one).
deep_side_of_a_merge_refused() {
    use_fixture rc1
    local side ours merge tree
    side=$(deep_commit 5000 docs "docs: deep") || { fail "could not make the deep commit"; return; }
    ours=$(plumb_commit HEAD -- fix.txt 'fixed\n' "fix: on main") || { fail "plumbing failed"; return; }
    tree=$( { git ls-tree "$ours"; git ls-tree "$side" | grep '	docs$'; } | git mktree) || { fail "mktree failed"; return; }
    merge=$(git commit-tree "$tree" -p "$ours" -p "$side" -m "Merge branch 'docs'") || { fail "commit-tree failed"; return; }
    must git update-ref refs/heads/main "$merge"
    expect_hook_error "'s second parent changes a path more than 4096 directories deep" git push origin main
}

# Both parents of a merge hold a directory 5,000 deep (it landed before the
# freeze); one file changed on both sides sends the check to libgit2's
# merge, which indexes every path and writes its result recursively: the
# parents' depth is checked first, and the push refused with one line.
deep_parents_of_a_content_merge_refused() {
    use_fixture released
    local deep base ours theirs merge tree
    base=$(plumb_commit HEAD -- x.txt '1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n' "feat: x") || { fail "plumbing failed"; return; }
    must git update-ref refs/heads/main "$base"
    deep=$(deep_commit 5000 deep "feat: deep") || { fail "could not make the deep commit"; return; }
    must git update-ref refs/heads/main "$deep"
    expect_accept git push origin main # not frozen: nothing reads the paths
    must git tag v0.2.0-rc1 main
    expect_accept git push origin v0.2.0-rc1 # main is frozen from here
    ours=$(plumb_commit main -- x.txt 'one\n2\n3\n4\n5\n6\n7\n8\n9\n10\n' "fix: one") || { fail "plumbing failed"; return; }
    theirs=$(plumb_commit main -- x.txt '1\n2\n3\n4\n5\n6\n7\n8\n9\nten\n' "fix: ten") || { fail "plumbing failed"; return; }
    tree=$(plumb_commit "$ours" -- x.txt 'one\n2\n3\n4\n5\n6\n7\n8\n9\nten\n' "merged") || { fail "plumbing failed"; return; }
    merge=$(git commit-tree "$tree^{tree}" -p "$ours" -p "$theirs" -m "Merge branch 'ten'") || { fail "commit-tree failed"; return; }
    must git update-ref refs/heads/main "$merge"
    expect_hook_error "a parent of merge" git push origin main
}

run_scenario "12 ** in a docs glob on a 40-deep path: judged, not backtracked" glob_with_many_double_stars
run_scenario "a docs glob over 256 bytes is refused where it is written" glob_over_256_bytes_refused
run_scenario "a change 5,000 directories deep on a frozen main: one line, refused" deep_change_on_frozen_main_refused
run_scenario "a change 4,000 directories deep is judged" deep_change_within_bound_judged
run_scenario "a commit $DEEP directories deep on main does not stop patch-id backports" deep_commit_on_main_does_not_stop_backports
run_scenario "a merge whose side is 5,000 directories deep: one line, refused" deep_side_of_a_merge_refused
run_scenario "a content merge of parents 5,000 directories deep: one line, refused" deep_parents_of_a_content_merge_refused
run_scenario "a tree of 100^4 paths in six objects on a frozen main: one line, refused" tree_bomb_on_frozen_main_refused
run_scenario "250,000 docs files on a frozen main are judged" wide_docs_within_bound_judged
run_scenario "8 commits of 512,000 paths each: past the host's bound for a push, refused" many_wide_commits_refused
run_scenario "limits.tree_entries = 100000: 250,000 docs files refused" host_tree_entries_bound
run_scenario "a merge whose side is a tree of 100^4 paths: one line, refused" tree_bomb_side_of_a_merge_refused
run_scenario "look-alikes of v0.1.0 are refused as tags (T1)" lookalike_tags_refused
run_scenario "look-alikes of release/vX.Y are refused as branches (B1)" lookalike_branches_refused
run_scenario "other names outside ASCII, and release names, are accepted" other_names_accepted
run_scenario "a final tag after an rc that names a tree is refused (T6)" final_after_rc_at_a_tree_refused
run_scenario "audit log: a short write leaves no fragment" audit_short_write_leaves_no_fragment
run_scenario "audit log: bytes that are not UTF-8 are escaped into valid JSON" audit_bytes_not_utf8_escaped
run_scenario "an override needs a reason" override_needs_a_reason
run_scenario "audit log: a refusal by the chained hook is logged as refused" chained_refusal_logged
run_scenario "audit log: a journal that cannot be written is logged as refused" journal_error_logged

finish
