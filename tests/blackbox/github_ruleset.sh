#!/usr/bin/env bash
# `relgate export github-ruleset` as a maintainer runs it: in a clone, the
# policy read the way every command reads it (the versioned policy at
# refs/meta/relgate included); stdout is JSON to pipe into `gh api`, the
# apply commands go to stderr. The fields against GitHub's documentation:
# tests/unit/export_test.cpp.
#
#   bash tests/blackbox/github_ruleset.sh [path/to/relgate]

. "$(dirname "$0")/lib.sh" "$@"

command -v python3 >/dev/null || { echo "# python3 missing: skipped"; rm -rf "$SUITE_TMP"; exit 125; }

# json_check PY: runs the Python expression PY with `j` the last stdout's
# JSON; fails the scenario when it is false or the JSON does not parse.
json_check() {
    if ! python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' \
        "$LAST_STDOUT" "$1"; then
        fail "JSON check failed: $1"
    fi
}

# A versioned policy (refs/meta/relgate) with the given relgate.toml.
push_policy() {
    local blob tree commit
    blob=$(printf '%s' "$1" | git hash-object -w --stdin)
    tree=$(printf '100644 blob %s\trelgate.toml\n' "$blob" | git mktree)
    commit=$(git commit-tree "$tree" -m "relgate policy")
    must git update-ref refs/meta/relgate "$commit"
}

scenario_builtin() {
    must git init -q -b main repo
    cd repo || exit 1
    commit_file "feat: first"
    expect_accept "$RELGATE_BIN" export github-ruleset --team-id 4242
    json_check 'isinstance(j, list) and [r["name"] for r in j] == ["relgate: release tags", "relgate: main and release branches", "relgate: release branch creation"]'
    json_check 'j[0]["conditions"]["ref_name"]["include"] == ["refs/tags/v*"] and j[0]["target"] == "tag"'
    json_check 'j[1]["conditions"]["ref_name"]["include"] == ["refs/heads/main", "refs/heads/release/v*"]'
    json_check 'j[0]["bypass_actors"] == [{"actor_id": 4242, "actor_type": "Team", "bypass_mode": "always"}]'
    # stderr: how to apply, one gh api command per ruleset.
    [ "$(grep -c "gh api --method POST 'repos/{owner}/{repo}/rulesets' --input -" "$LAST_STDERR")" = 3 ] ||
        fail "expected three gh api commands on stderr"
    grep -qF -- "export github-ruleset --team-id 4242 --only branches |" "$LAST_STDERR" ||
        fail "the commands should repeat --team-id"
}

scenario_versioned_policy() {
    must git init -q -b trunk repo
    cd repo || exit 1
    commit_file "feat: first"
    push_policy '[branches]
main = "trunk"
release = "stable/{major}.{minor}"
[tags]
final = "rel-{major}.{minor}.{patch}"
rc = "rel-{major}.{minor}.{patch}-rc{rc}"
'
    expect_accept "$RELGATE_BIN" export github-ruleset --team maintainers --check-name release-gate
    json_check 'j[0]["conditions"]["ref_name"]["include"] == ["refs/tags/rel-*"]'
    json_check 'j[1]["conditions"]["ref_name"]["include"] == ["refs/heads/trunk", "refs/heads/stable/*"]'
    json_check 'j[2]["conditions"]["ref_name"]["include"] == ["refs/heads/stable/*"]'
    json_check 'j[1]["rules"][2]["parameters"]["required_status_checks"][0]["context"] == "release-gate"'
    json_check 'j[0]["bypass_actors"][0]["actor_id"] is None'
    grep -qF -- "--team-id \"\$(gh api 'orgs/{owner}/teams/maintainers' --jq .id)\"" "$LAST_STDERR" ||
        fail "the commands should look the team's id up"
    assert_output_contains "refs/meta/relgate:relgate.toml"
}

scenario_only_pipes_one_object() {
    must git init -q -b main repo
    cd repo || exit 1
    expect_accept "$RELGATE_BIN" export github-ruleset --only tags
    json_check 'isinstance(j, dict) and j["name"] == "relgate: release tags"'
    [ -s "$LAST_STDERR" ] && fail "--only should print nothing on stderr (it is the piped form)"
    expect_fail "tag not in {tags,branches,branch-creation}" "$RELGATE_BIN" export github-ruleset --only tag
    [ "$LAST_RC" = 2 ] || fail "an unknown ruleset is bad input: exit 2, got $LAST_RC"
    expect_fail "--team-id" "$RELGATE_BIN" export github-ruleset --team-id 0
    [ "$LAST_RC" = 2 ] || fail "a team id is a positive number: exit 2, got $LAST_RC"
}

scenario_outside_a_repository() {
    expect_fail "not a git repository" "$RELGATE_BIN" export github-ruleset
    [ "$LAST_RC" = 2 ] || fail "expected exit 2, got $LAST_RC"
    [ -s "$LAST_STDOUT" ] && fail "nothing should be printed on stdout"
}

run_scenario "built-in policy: v* tags, main and release/v*, the team" scenario_builtin
run_scenario "versioned policy with other names: other conditions" scenario_versioned_policy
run_scenario "--only: one ruleset, the body gh api takes" scenario_only_pipes_one_object
run_scenario "outside a repository: one line, exit 2" scenario_outside_a_repository
finish
