#!/usr/bin/env bash
# relgate's walks read parents and commit times from git's commit-graph, as
# git does; these scenarios put real graphs (single file, split chains,
# corrupt ones) on the server and push through the real pre-receive hook.
# RELGATE_LOG=debug makes relgate say which graph it read: that is how the
# scenarios see that the graph was found while the push's objects were in
# git's quarantine (where libgit2 alone would look for it first).
. "$(dirname "$0")/lib.sh" "$@"

# A history with merges and an octopus, pushed to the server's main (not
# frozen); MH_BASE is the commit the side branches start from. Over 64
# commits: relgate's walks take parents from the graph after their first 64.
merge_history() {
    commit_file "feat: base"
    must git push -q origin main
    MH_BASE=$(git rev-parse main)
    for b in a b c; do
        must git checkout -q -b "side-$b" "$MH_BASE"
        if [ "$b" = c ]; then commit_file "feat: on side c"; else commit_file "fix: on side $b"; fi
        empty_commits "fix: more on side $b" $(seq 1 25)
    done
    must git checkout -q main
    commit_file "fix: on main"
    must git merge -q --no-edit side-a
    must git merge -q --no-edit side-b side-c
    must git push -q origin main
}

graph_found_during_quarantine() {
    use_fixture fresh
    merge_history
    must git -C "$SERVER" commit-graph write --reachable
    [ -f "$SERVER/objects/info/commit-graph" ] || { fail "git wrote no commit-graph"; return; }
    local count
    count=$(git -C "$SERVER" rev-list --all --count)
    commit_file "fix: after the graph"
    RELGATE_LOG=debug expect_accept git push origin main
    assert_output_matches "commit-graph of $SERVER/(\\./)?objects: $count commits"
    # The freeze still sees every new commit, the merged ones too.
    must git tag v0.1.0-rc1 main
    must git push -q origin v0.1.0-rc1
    must git checkout -q -b feature main
    commit_file "feat: frozen out"
    must git checkout -q main
    commit_file "fix: allowed"
    must git merge -q --no-edit feature
    RELGATE_LOG=debug expect_reject "F1 freeze-fixes-only" git push origin main
    assert_output_contains "feat: frozen out"
    assert_output_lacks "fix: allowed"
    assert_output_contains "commit-graph of $SERVER/"
}

# The same verdicts and messages with the graph, with a split chain of
# graphs, and without any: the walks must not depend on where parents come from.
same_answers_with_and_without() {
    use_fixture fresh
    merge_history
    local old=$MH_BASE new
    new=$(git -C "$SERVER" rev-parse main)
    cd "$SERVER" || exit 1
    # rc1 at the base: main is frozen, and the side branch's feature is refused.
    must git tag v0.1.0-rc1 "$MH_BASE"
    run_cmd "$RELGATE_BIN" check refs/heads/main "$old" "$new"
    local without=$LAST_RC
    [ "$without" = 1 ] || fail "expected F1 to refuse the range"
    assert_output_contains "feat: on side c"
    cp "$LAST_OUTPUT" without.out
    must git commit-graph write --reachable
    RELGATE_LOG=debug run_cmd "$RELGATE_BIN" check refs/heads/main "$old" "$new"
    [ "$LAST_RC" = "$without" ] || fail "exit $LAST_RC with the graph, $without without"
    grep -v 'commit-graph' "$LAST_OUTPUT" | diff - without.out || fail "output differs with the graph"
    assert_output_contains "commit-graph of"
    # A split chain: one layer per write, new commits in between.
    must rm -f objects/info/commit-graph
    must git commit-graph write --reachable --split=no-merge --size-multiple=1000
    cd "$SCENARIO_DIR/work" || exit 1
    commit_file "fix: one more"
    must git push -q origin main
    cd "$SERVER" || exit 1
    must git commit-graph write --reachable --split=no-merge --size-multiple=1000
    [ "$(wc -l < objects/info/commit-graphs/commit-graph-chain)" -ge 2 ] || fail "no chain of two layers"
    RELGATE_LOG=debug run_cmd "$RELGATE_BIN" check refs/heads/main "$old" "$new"
    [ "$LAST_RC" = "$without" ] || fail "exit $LAST_RC with a chain, $without without"
    grep -v 'commit-graph' "$LAST_OUTPUT" | diff - without.out || fail "output differs with a chain"
    assert_output_contains "commit-graph of $SERVER/objects: $(git rev-list --all --count) commits"
    assert_output_contains "feat: on side c"
    # Turned off by git's own switch.
    must git config core.commitGraph false
    RELGATE_LOG=debug run_cmd "$RELGATE_BIN" check refs/heads/main "$old" "$new"
    assert_output_lacks "commit-graph of"
}

# A graph that is not a commit-graph is not used; one whose data names a
# parent it does not have fails the push closed, in one line.
broken_graphs() {
    use_fixture rc1
    empty_commits "fix: number {}" $(seq 1 80)
    must git push -q origin main
    must git -C "$SERVER" commit-graph write --reachable
    # A range of 80 commits in the graph (walks read the graph past their
    # first 64), named now: git's own commands die on the graph corrupted below.
    local old new
    old=$(git -C "$SERVER" rev-parse main~80)
    new=$(git -C "$SERVER" rev-parse main)
    local graph=$SERVER/objects/info/commit-graph good
    good=$(mktemp "$SCENARIO_DIR/graph.XXXXXX")
    cp "$graph" "$good"
    chmod u+w "$graph"
    # Truncated: not used, the push is judged from the objects.
    head -c 100 "$good" >"$graph"
    commit_file "fix: three"
    RELGATE_LOG=debug expect_accept git push origin main
    assert_output_matches "commit-graph not used: $SERVER/(\\./)?objects/info/commit-graph: "
    # Every parent position made 0x6fffffff: past the end of the graph.
    python3 - "$good" "$graph" <<'EOF' || fail "could not corrupt the graph"
import struct, sys
data = bytearray(open(sys.argv[1], "rb").read())
n = data[6]
for i in range(n):
    cid, off = struct.unpack(">4sQ", data[8 + 12 * i: 20 + 12 * i])
    if cid == b"CDAT":
        count = (struct.unpack(">Q", data[20 + 12 * i + 4: 20 + 12 * i + 12])[0] - off) // 36
        for k in range(count):
            at = off + 36 * k + 20
            if struct.unpack(">I", data[at:at + 4])[0] != 0x70000000:
                data[at:at + 4] = struct.pack(">I", 0x6FFFFFFF)
open(sys.argv[2], "wb").write(data)
EOF
    # git's own commands die on this graph ("invalid parent position"), so
    # the push itself never reaches the hook; relgate's hook, run as git
    # runs it, refuses in one line and blames the server, not the pusher.
    echo "$old $new refs/heads/main" >"$SCENARIO_DIR/stdin"
    cd "$SERVER" || exit 1
    STDIN_FILE=$SCENARIO_DIR/stdin run_cmd "$RELGATE_BIN" pre-receive
    [ "$LAST_RC" = 2 ] || fail "expected exit 2, got $LAST_RC"
    assert_output_contains "relgate: error: $graph is corrupt (a parent position out of range)"
    assert_output_contains "not your fault"
    [ "$(wc -l <"$LAST_OUTPUT")" = 1 ] || fail "expected one line"
}

# Squash backports are proven by the pull-request numbers main's subjects
# end in; with a commit-graph relgate finds them by a binary search of
# main's first-parent chain (numbers in order), else it walks: the verdicts
# are the same either way, numbers in order or not.
pr_numbers_found_by_search() {
    use_fixture released
    empty_commits "fix: change {} (#{})" $(seq 101 140) 60 $(seq 141 150)
    must git push -q origin main
    must git -C "$SERVER" commit-graph write --reachable
    must git checkout -q release/v0.1
    commit_file "backport: fix: change 117 (#117) (#900)"
    commit_file "backport: fix: change 60 (#901) (#60)"
    RELGATE_LOG=debug expect_accept git push origin release/v0.1
    assert_output_contains "commit-graph of"
    assert_output_lacks "B4"
    commit_file "backport: fix: change 99 (#99) (#902)"
    expect_reject "B4 backport-provenance" git push origin release/v0.1
    assert_output_contains "fix: change 99 (#99) (#902)"
    # The same answers without the graph.
    must rm -f "$SERVER/objects/info/commit-graph"
    expect_reject "B4 backport-provenance" git push origin release/v0.1
    must git reset -q --hard HEAD~1
    commit_file "backport: fix: change 142 (#142) (#903)"
    expect_accept git push origin release/v0.1
}

# A release tagged on a commit main has through a merge, not on its
# first-parent chain: the search gives up (generation numbers say the chain
# has passed it) and the walk decides.
release_on_merged_branch() {
    use_fixture fresh
    local base
    base=$(git rev-parse main)
    must git checkout -q -b side "$base"
    commit_file "feat: made on a branch"
    must git checkout -q main
    commit_file "fix: on main meanwhile"
    must git merge -q --no-ff --no-edit side
    must git push -q origin main
    must git tag v0.1.0-rc1 side
    must git push -q origin v0.1.0-rc1
    must git tag v0.1.0 side
    must git push -q origin v0.1.0
    must git branch release/v0.1 side
    must git push -q origin release/v0.1
    empty_commits "fix: change {} (#{})" $(seq 201 230)
    must git push -q origin main
    must git -C "$SERVER" commit-graph write --reachable
    must git checkout -q release/v0.1
    commit_file "backport: fix: change 205 (#205) (#999)"
    RELGATE_LOG=debug expect_accept git push origin release/v0.1
    assert_output_contains "commit-graph of"
    commit_file "backport: fix: change 150 (#150) (#998)"
    expect_reject "B4 backport-provenance" git push origin release/v0.1
}

run_scenario graph_found_during_quarantine graph_found_during_quarantine
run_scenario same_answers_with_and_without same_answers_with_and_without
run_scenario broken_graphs broken_graphs
run_scenario pr_numbers_found_by_search pr_numbers_found_by_search
run_scenario release_on_merged_branch release_on_merged_branch
finish
