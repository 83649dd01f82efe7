#!/usr/bin/env bash
# The ready CI workflows a project copies (install/github/relgate.yml,
# install/gitlab/relgate.gitlab-ci.yml), checked offline: the GitHub
# workflow against GitHub's workflow schema by action-validator (from npm;
# install/deps.sh test puts it in build/tools/), both read as YAML for
# what relgate's trust model needs. GitLab has no offline linter (its
# lint is an API of a GitLab instance): the GitLab job is checked as YAML
# with the expected keys only. Neither can be run here (no runner).
#
#   bash tests/blackbox/ci_workflows.sh [path/to/relgate]

. "$(dirname "$0")/lib.sh" "$@"

SRC=$(cd "$(dirname "$0")/../.." && pwd)
GITHUB_WF=$SRC/install/github/relgate.yml
GITLAB_JOB=$SRC/install/gitlab/relgate.gitlab-ci.yml
VALIDATOR=${RELGATE_ACTION_VALIDATOR:-$SRC/build/tools/node_modules/.bin/action-validator}
[ -x "$VALIDATOR" ] || VALIDATOR=$(command -v action-validator || true)
for need in "$VALIDATOR" node; do
    if [ -z "$need" ] || ! command -v "$need" >/dev/null; then
        echo "not ok - ci_workflows: action-validator or node is missing (install/deps.sh test installs them)"
        echo "0 passed, 1 failed"
        rm -rf "$SUITE_TMP"
        exit 1
    fi
done
python3 -c 'import yaml' 2>/dev/null || {
    echo "not ok - ci_workflows: python3-yaml is missing (install/deps.sh test installs it)"
    echo "0 passed, 1 failed"
    rm -rf "$SUITE_TMP"
    exit 1
}

# yaml_check FILE PY: the Python expression PY holds for `d`, FILE's YAML
# (with `on`, which YAML 1.1 reads as true, under "on").
yaml_check() {
    if ! python3 - "$1" "$2" <<'PY'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
if isinstance(d, dict) and True in d:
    d["on"] = d.pop(True)
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
    then
        fail "$(basename "$1"): check failed: $2"
    fi
}

scenario_github_schema() {
    expect_accept "$VALIDATOR" "$GITHUB_WF"
    # The validator is alive: a misspelt key is refused.
    sed 's/^    runs-on:/    runs_on:/' "$GITHUB_WF" >broken.yml
    cmp -s "$GITHUB_WF" broken.yml && fail "the broken copy is not broken"
    expect_fail "runs_on" "$VALIDATOR" broken.yml
}

scenario_github_trust() {
    local wf=$GITHUB_WF
    # pull_request_target (the base's workflow: a pull request cannot edit
    # the check away) and the merge queue; never pull_request.
    yaml_check "$wf" 'sorted(d["on"]) == ["merge_group", "pull_request_target"]'
    yaml_check "$wf" '{"opened", "edited", "synchronize", "reopened"} <= set(d["on"]["pull_request_target"]["types"])'
    # One job, its check named relgate (what the ruleset requires).
    yaml_check "$wf" 'list(d["jobs"]) == ["relgate"] and d["jobs"]["relgate"]["name"] == "relgate"'
    # The merge ref (or the merge queue's commit), every commit, no
    # credentials left behind.
    yaml_check "$wf" '[s["with"] for s in d["jobs"]["relgate"]["steps"] if s.get("uses", "").startswith("actions/checkout@")] and all(w["fetch-depth"] == 0 and w["persist-credentials"] is False and "refs/pull/{0}/merge" in w["ref"] and "merge_group" in w["ref"] for w in [s["with"] for s in d["jobs"]["relgate"]["steps"] if s.get("uses", "").startswith("actions/checkout@")])'
    # relgate is installed before the pull request is checked out, and
    # after it nothing runs but git, relgate and curl (the verdict posted
    # as a commit status): its code is data.
    yaml_check "$wf" '(lambda st: min(i for i, s in enumerate(st) if "uses" in s) > max(i for i, s in enumerate(st) if "relgate --version" in s.get("run", "")))(d["jobs"]["relgate"]["steps"])'
    yaml_check "$wf" '(lambda st, k: all(l.split()[0] in ("git", "relgate", "curl") or l.strip().startswith(("auth=", "'"'"'+refs/", "\"$GITHUB_API_URL/", "-d ")) for s in st[k:] for l in s.get("run", "").splitlines() if l.strip()))(d["jobs"]["relgate"]["steps"], min(i for i, s in enumerate(d["jobs"]["relgate"]["steps"]) if "uses" in s))'
    yaml_check "$wf" '[s["run"].strip() for s in d["jobs"]["relgate"]["steps"] if s.get("id") == "judge"] == ["relgate pr --no-fetch"]'
    # The verdict reaches the pull request's head as the status `relgate`,
    # refused or not.
    yaml_check "$wf" '(lambda s: s["if"].startswith("always()") and "statuses/$HEAD_SHA" in s["run"] and "\"context\": \"relgate\"" in s["run"].replace("\\", "") and s["env"]["HEAD_SHA"] == "${{ github.event.pull_request.head.sha }}")(d["jobs"]["relgate"]["steps"][-1])'
    yaml_check "$wf" 'd["permissions"] == {"contents": "read", "statuses": "write"}'
    # The release process refs the rules read beyond branches and tags.
    yaml_check "$wf" 'all(r in open(sys.argv[1]).read() for r in ("+refs/meta/*:refs/meta/*", "+refs/freeze/*:refs/freeze/*", "+refs/notes/*:refs/notes/*"))'
}

scenario_gitlab_job() {
    local job=$GITLAB_JOB
    yaml_check "$job" 'list(d) == ["relgate"]'
    yaml_check "$job" 'd["relgate"]["rules"] == [{"if": "$CI_PIPELINE_SOURCE == \"merge_request_event\""}]'
    yaml_check "$job" 'd["relgate"]["variables"]["GIT_DEPTH"] == "0"'
    yaml_check "$job" '"relgate pr --report relgate-report.xml" in d["relgate"]["script"]'
    yaml_check "$job" 'd["relgate"]["artifacts"]["reports"]["junit"] == "relgate-report.xml" and d["relgate"]["artifacts"]["when"] == "always"'
    yaml_check "$job" 'any("$CI_MERGE_REQUEST_TARGET_BRANCH_NAME" in l and "+refs/freeze/*:refs/freeze/*" in l for l in d["relgate"]["script"])'
}

run_scenario "GitHub workflow: valid for action-validator, which refuses a broken copy" scenario_github_schema
run_scenario "GitHub workflow: pull_request_target and merge_group, the PR as data, check relgate" scenario_github_trust
run_scenario "GitLab job: merge_request_event pipelines, relgate pr and its report (YAML only)" scenario_gitlab_job
finish
