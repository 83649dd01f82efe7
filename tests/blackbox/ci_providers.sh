#!/usr/bin/env bash
# Black-box suite: the CI providers of T8 (RULEBOOK "CI") against a local
# fake of the GitHub and GitLab APIs (tests/support/fake_ci_server.py on
# 127.0.0.1): statuses and check runs over several pages, pipelines, every
# fault (refused, 500, rate limits, truncated JSON, a huge body, a slow drip,
# a hang) bounded by ci.timeout_ms; patch tags through the real pre-receive
# hook with the github and command providers; `relgate ci record --push`
# from two jobs at once.
#
#   bash tests/blackbox/ci_providers.sh [path/to/relgate]

. "$(dirname "$0")/lib.sh" "$@"

FAKE_SERVER=$(cd "$(dirname "$0")/../support" && pwd)/fake_ci_server.py
command -v python3 >/dev/null || { echo "# python3 missing: skipped"; exit 125; }
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
unset GITHUB_TOKEN GITLAB_TOKEN
TOKEN=s3cr3t-token-value

# start_fake: the fake API for this scenario (scenario.json in the scenario
# dir; rewrite it to change the answers). Sets FAKE_URL and FAKE_PID.
start_fake() {
    [ -f "$SCENARIO_DIR/scenario.json" ] || echo '{"routes": []}' >"$SCENARIO_DIR/scenario.json"
    timeout 120 python3 "$FAKE_SERVER" "$SCENARIO_DIR/scenario.json" "$SCENARIO_DIR/port" \
        "$SCENARIO_DIR/requests.log" >"$SCENARIO_DIR/fake.log" 2>&1 &
    FAKE_PID=$!
    local i
    for i in $(seq 100); do
        [ -s "$SCENARIO_DIR/port" ] && break
        sleep 0.05
    done
    [ -s "$SCENARIO_DIR/port" ] || { echo "FAIL: the fake CI server did not start"; cat "$SCENARIO_DIR/fake.log"; exit 1; }
    FAKE_URL=http://127.0.0.1:$(cat "$SCENARIO_DIR/port")
}
stop_fake() { kill "$FAKE_PID" 2>/dev/null; wait "$FAKE_PID" 2>/dev/null; }

# scenario JSON...: write the routes (JSON array) of the fake API.
scenario() { printf '{"routes": %s}\n' "$1" >"$SCENARIO_DIR/scenario.json.new" && mv "$SCENARIO_DIR/scenario.json.new" "$SCENARIO_DIR/scenario.json"; }

# github_policy FILE [timeout_ms]: a policy file for the github provider.
github_policy() {
    printf '[ci]\nprovider = "github"\ntimeout_ms = %s\n[ci.github]\napi_url = "%s"\nrepository = "acme/widget"\ntoken_env = "GH_TEST_TOKEN"\n' \
        "${2:-3000}" "$FAKE_URL" >"$1"
}

# github_routes SHA STATUS_STATE RUN_STATUS RUN_CONCLUSION: one status, check
# runs over two pages (the second via the Link header).
github_routes() {
    local sha=$1 st=$2 rs=$3 rc=$4
    scenario '[
 {"path": "/repos/acme/widget/commits/'"$sha"'/status", "json": {"state": "'"$st"'", "statuses": [
   {"id": 1, "state": "'"$st"'", "context": "ci/jenkins", "target_url": "https://jenkins/1"}]}},
 {"path": "/repos/acme/widget/commits/'"$sha"'/check-runs", "query": {"page": "2"}, "json": {"total_count": 2, "check_runs": [
   {"id": 31, "name": "e2e", "status": "'"$rs"'", "conclusion": '"$rc"', "started_at": "2024-05-01T11:00:00Z", "html_url": "https://gh/runs/31"}]}},
 {"path": "/repos/acme/widget/commits/'"$sha"'/check-runs",
  "headers": {"Link": "<{base}/repos/acme/widget/commits/'"$sha"'/check-runs?per_page=100&page=2>; rel=\"next\""},
  "json": {"total_count": 2, "check_runs": [
   {"id": 30, "name": "build", "status": "completed", "conclusion": "success", "started_at": "2024-05-01T10:00:00Z", "html_url": "https://gh/runs/30"}]}}
]'
}

# --- github ----------------------------------------------------------------------

github_pages_combined() {
    use_fixture patch
    start_fake
    local sha; sha=$(git rev-parse release/v0.1)
    github_policy ../p.toml
    github_routes "$sha" success completed '"success"'
    expect_accept env GH_TEST_TOKEN=$TOKEN "$RELGATE_BIN" --config ../p.toml ci status release/v0.1
    assert_output_contains "decision: green"
    assert_output_contains "check: success e2e https://gh/runs/31"
    assert_output_contains "check: success ci/jenkins https://jenkins/1"
    assert_output_lacks "$TOKEN"
    grep -q "Bearer $TOKEN" "$SCENARIO_DIR/requests.log" || fail "the token was not sent"
    github_routes "$sha" success in_progress null
    run_cmd env GH_TEST_TOKEN=$TOKEN "$RELGATE_BIN" --config ../p.toml ci status release/v0.1
    [ "$LAST_RC" = 1 ] || fail "ci status should exit 1 when not green"
    assert_output_contains "decision: pending"
    assert_output_contains "reason: e2e pending"
    # Nothing reported at all (an Actions-only repository without runs): unknown.
    scenario '[{"path": "/repos/acme/widget/commits/'"$sha"'/status", "json": {"state": "pending", "statuses": []}},
               {"path": "/repos/acme/widget/commits/'"$sha"'/check-runs", "json": {"total_count": 0, "check_runs": []}}]'
    run_cmd "$RELGATE_BIN" --config ../p.toml ci status release/v0.1
    assert_output_contains "decision: unknown"
    assert_output_contains "no CI result"
    stop_fake
}

# Patch tag through the pre-receive hook: refused while a check runs, then
# accepted once it is green.
github_patch_push() {
    use_fixture patch
    start_fake
    local sha; sha=$(git rev-parse release/v0.1)
    github_policy "$SERVER/relgate.toml"
    github_routes "$sha" success in_progress null
    must git tag v0.1.1 release/v0.1
    expect_reject "T8 ci-green" env GH_TEST_TOKEN=$TOKEN git push origin v0.1.1
    assert_output_contains "(github): e2e pending"
    assert_output_contains "check e2e: pending https://gh/runs/31"
    assert_output_contains "relgate ci status"
    assert_output_lacks "$TOKEN"
    github_routes "$sha" success completed '"failure"'
    expect_reject "T8 ci-green" env GH_TEST_TOKEN=$TOKEN git push origin v0.1.1
    assert_output_contains "e2e failed"
    github_routes "$sha" success completed '"success"'
    expect_accept env GH_TEST_TOKEN=$TOKEN git push origin v0.1.1
    assert_remote_ref refs/tags/v0.1.1 v0.1.1
    stop_fake
}

# fault NAME ROUTE-FIELDS TEXT: ci status answers "not green" with TEXT,
# within the 1500 ms budget (plus process start-up).
fault_case() {
    local routes=$1 text=$2
    local sha; sha=$(git rev-parse release/v0.1)
    scenario '[{"path": "/repos/acme/widget/commits/'"$sha"'/status", '"$routes"'},
               {"path": "/repos/acme/widget/commits/'"$sha"'/check-runs", "json": {"check_runs": []}}]'
    local start end
    start=$(date +%s%N)
    run_cmd env GH_TEST_TOKEN=$TOKEN "$RELGATE_BIN" --config ../p.toml ci status release/v0.1
    end=$(date +%s%N)
    [ "$LAST_RC" = 1 ] || fail "expected exit 1 (not green), got $LAST_RC"
    assert_output_contains "decision: unknown"
    assert_output_contains "reason: not green: "
    assert_output_contains "$text"
    assert_output_lacks "$TOKEN"
    local ms=$(( (end - start) / 1000000 ))
    echo "    (took $ms ms)"
    # The policy's budget is 1.5 s; a client without a deadline would wait
    # 60 s (Retry-After) or 120 s (a hanging server). The margin is wide:
    # this also runs under the sanitizers on a busy CI machine.
    [ "$ms" -lt 15000 ] || fail "took $ms ms: the 1.5 s budget was not kept"
}

github_faults() {
    use_fixture patch
    start_fake
    github_policy ../p.toml 1500
    fault_case '"status": 500, "json": {"message": "oops"}' "GitHub answered HTTP 500"
    fault_case '"status": 429, "headers": {"Retry-After": "60"}, "json": {}' "GitHub rate limit reached (HTTP 429), retry in 60 s"
    fault_case '"status": 403, "headers": {"X-RateLimit-Remaining": "0"}, "json": {}' "GitHub rate limit reached (HTTP 403)"
    fault_case '"status": 401, "json": {}' "token in \$GH_TEST_TOKEN"
    fault_case '"text": "{\"state\": \"success\", \"statuses\": [{\"id\": 1, \"state\": \"success\"}, {\"id\": 2}]}", "fault": "truncate"' ""
    fault_case '"text": "{\"state\": \"success\", \"statu", "status": 200' "malformed or truncated JSON"
    fault_case '"json": {}, "fault": "huge"' "larger than 8 MiB"
    fault_case '"json": {"state": "success", "statuses": []}, "fault": "drip"' "no complete answer in time"
    fault_case '"json": {}, "fault": "hang"' "no complete answer in time"
    fault_case '"json": {}, "fault": "close"' ""
    fault_case '"status": 200, "headers": {"Link": "<http://evil.invalid/x>; rel=\"next\""}, "json": {"statuses": []}' "a pagination link leads away from"
    stop_fake
    # Nobody listening on the port any more: connection refused.
    fault_case '"json": {}' ""
    assert_output_contains "onnect"
}

# --- gitlab ----------------------------------------------------------------------

gitlab_pipelines() {
    use_fixture patch
    start_fake
    local sha; sha=$(git rev-parse release/v0.1)
    printf '[ci]\nprovider = "gitlab"\ntimeout_ms = 2000\n[ci.gitlab]\napi_url = "%s"\nproject = "acme/widget"\n' "$FAKE_URL" >../p.toml
    scenario '[{"path": "/projects/acme%2Fwidget/pipelines", "query": {"sha": "'"$sha"'"}, "json": [
       {"id": 12, "ref": "release/v0.1", "status": "running", "web_url": "https://gl/p/12"},
       {"id": 11, "ref": "release/v0.1", "status": "failed", "web_url": "https://gl/p/11"}]}]'
    run_cmd env GITLAB_TOKEN=$TOKEN "$RELGATE_BIN" --config ../p.toml ci status release/v0.1
    assert_output_contains "decision: pending"
    assert_output_contains "check: pending release/v0.1 https://gl/p/12"
    assert_output_lacks "$TOKEN"
    grep -q "\"Private-Token\": \"$TOKEN\"\|\"PRIVATE-TOKEN\": \"$TOKEN\"" "$SCENARIO_DIR/requests.log" || fail "PRIVATE-TOKEN not sent"
    scenario '[{"path": "/projects/acme%2Fwidget/pipelines", "json": [
       {"id": 13, "ref": "release/v0.1", "status": "success", "web_url": "https://gl/p/13"},
       {"id": 12, "ref": "release/v0.1", "status": "failed", "web_url": "https://gl/p/12"}]}]'
    expect_accept "$RELGATE_BIN" --config ../p.toml ci status release/v0.1
    assert_output_contains "decision: green"
    scenario '[{"path": "/projects/acme%2Fwidget/pipelines", "json": [{"id": 14, "ref": "release/v0.1", "status": "manual"}]}]'
    run_cmd "$RELGATE_BIN" --config ../p.toml ci status release/v0.1
    assert_output_contains "decision: red"
    scenario '[{"path": "/projects/acme%2Fwidget/pipelines", "json": []}]'
    run_cmd "$RELGATE_BIN" --config ../p.toml ci status release/v0.1
    assert_output_contains "no CI result: GitLab has no pipeline"
    scenario '[{"path": "/projects/acme%2Fwidget/pipelines", "status": 404, "json": {"message": "404 Project Not Found"}}]'
    run_cmd "$RELGATE_BIN" --config ../p.toml ci status release/v0.1
    assert_output_contains "reason: not green: GitLab answered HTTP 404"
    stop_fake
}

# --- command ---------------------------------------------------------------------

command_patch_push() {
    use_fixture patch
    local check=$SCENARIO_DIR/ci-check
    # Answers from a file: 0 green, 1 red, hang.
    printf '#!/bin/sh\nread mode <"%s/mode"\necho "checked $1: $mode"\ncase $mode in green) exit 0;; red) exit 1;; hang) sleep 30;; *) exit 7;; esac\n' \
        "$SCENARIO_DIR" >"$check"
    chmod +x "$check"
    printf '[ci]\nprovider = "command"\ntimeout_ms = 1500\n[ci.command]\nargv = ["%s"]\n' "$check" >"$SERVER/relgate.toml"
    must git tag v0.1.1 release/v0.1
    echo red >"$SCENARIO_DIR/mode"
    expect_reject "T8 ci-green" git push origin v0.1.1
    assert_output_contains "it is red (command): ci-check exited 1: \"checked $(git rev-parse release/v0.1): red\""
    echo hang >"$SCENARIO_DIR/mode"
    expect_reject "T8 ci-green" git push origin v0.1.1
    assert_output_contains "not green: ci-check did not finish within 1500 ms"
    echo odd >"$SCENARIO_DIR/mode"
    expect_reject "T8 ci-green" git push origin v0.1.1
    assert_output_contains "not green: ci-check exited 7"
    echo green >"$SCENARIO_DIR/mode"
    expect_accept git push origin v0.1.1
    assert_remote_ref refs/tags/v0.1.1 v0.1.1
}

# --- notes: relgate ci record --push from concurrent jobs ---------------------------

notes_concurrent_record() {
    use_fixture patch
    cd .. || exit 1
    make_clone job1
    make_clone job2
    make_clone job3
    local sha; sha=$(git -C work rev-parse release/v0.1)
    # One after the other: job2 does not have job1's notes.
    (cd job1 && run_cmd "$RELGATE_BIN" ci record "$sha" build pending --url https://ci/b/1 --push origin)
    cd job2 || exit 1
    run_cmd "$RELGATE_BIN" ci record "$sha" lint success --push origin
    # Losing that race is expected: git's "! [rejected] (fetch first)" is not shown.
    assert_output_lacks "[rejected]"
    assert_output_contains "moved on; merged its lines, pushing again"
    cd .. || exit 1
    # At the same time, several rounds.
    local i
    for i in 1 2 3; do
        (cd job1 && "$RELGATE_BIN" ci record "$sha" "unit-$i" success --push origin) >job1.out 2>&1 &
        local p1=$!
        (cd job2 && "$RELGATE_BIN" ci record "$sha" "e2e-$i" success --push origin) >job2.out 2>&1 &
        local p2=$!
        (cd job3 && "$RELGATE_BIN" ci record "$sha" "docs-$i" success --push origin) >job3.out 2>&1 &
        local p3=$!
        wait $p1 || { fail "job1 failed"; cat job1.out; }
        wait $p2 || { fail "job2 failed"; cat job2.out; }
        wait $p3 || { fail "job3 failed"; cat job3.out; }
    done
    (cd job1 && run_cmd "$RELGATE_BIN" ci record "$sha" build success --url https://ci/b/2 --push origin)
    local note; note=$(git -C "$SERVER" notes --ref=ci show "$sha")
    echo "$note" | sed 's/^/    note| /'
    for line in "success build https://ci/b/2" "success lint" success\ {unit,e2e,docs}-{1,2,3}; do
        printf '%s\n' "$note" | grep -qxF "$line" || fail "note lacks '$line'"
    done
    # Append-only (A3): build's earlier line stays, the later one counts.
    [ "$(printf '%s\n' "$note" | grep ' build' | tr '\n' '|')" = "pending build https://ci/b/1|success build https://ci/b/2|" ] ||
        fail "build should have its pending line, then its success line"
    cd work || exit 1
    must git tag v0.1.1 release/v0.1
    must git fetch -q origin refs/notes/ci:refs/notes/ci
    expect_accept git push origin v0.1.1
}

run_scenario github_pages_combined github_pages_combined
run_scenario github_patch_push github_patch_push
run_scenario github_faults github_faults
run_scenario gitlab_pipelines gitlab_pipelines
run_scenario command_patch_push command_patch_push
run_scenario notes_concurrent_record notes_concurrent_record
finish
