#!/usr/bin/env bash
# Black-box suite: `relgate pr` on pull and merge requests, in checkouts
# shaped like the CI platforms' and with their event data.
#
#   bash tests/blackbox/pr_checks.sh [path/to/relgate]
#
# The platform is a bare repository without hooks (github.com runs none):
# main, v0.1 released (rc1, v0.1.0, release/v0.1), the fix
# "fix: crash on start (#21)" on main, then v0.2.0-rc1: main is frozen.
# A pull request N is its head at refs/pull/N/head and GitHub's test merge
# at refs/pull/N/merge (GitLab: refs/merge-requests/N/head).
#
# Checkouts, as the platforms make them:
# - GitHub: actions/checkout with `ref: refs/pull/N/merge` and
#   `fetch-depth: 0` fetches '+refs/heads/*:refs/remotes/origin/*' and
#   '+refs/tags/*:refs/tags/*' (src/ref-helper.ts, getRefSpecForAllHistory,
#   tagsRefSpec), then the merge ref into refs/remotes/pull/N/merge, and
#   checks it out detached.
# - GitLab: the runner fetches the merge request's head
#   (refs/merge-requests/<iid>/head) and the target branch into
#   refs/remotes/origin/<branch>, and checks the head's sha out detached;
#   here without tags (--no-tags: the project's refspecs setting decides
#   whether a runner fetches them): relgate pr fetches them, with the freeze
#   declarations and the policy ref.
# Event data, field names from the platforms' documentation:
# - GitHub "Webhook events and payloads": pull_request(_target) has
#   `number` and the `pull_request` object (number, title, body, base.ref,
#   base.sha, head.ref, head.sha); merge_group has `merge_group` (head_sha,
#   head_ref, base_sha, base_ref, head_commit.message). Actions sets
#   GITHUB_ACTIONS=true, GITHUB_EVENT_NAME, GITHUB_EVENT_PATH and
#   GITHUB_STEP_SUMMARY ("Variables" reference); annotations are workflow
#   commands `::error title=...::message` ("Workflow commands").
# - GitLab "Predefined CI/CD variables": CI_MERGE_REQUEST_IID,
#   CI_MERGE_REQUEST_TITLE, CI_MERGE_REQUEST_DESCRIPTION,
#   CI_MERGE_REQUEST_TARGET_BRANCH_NAME, CI_MERGE_REQUEST_DIFF_BASE_SHA,
#   CI_COMMIT_SHA; the JUnit report is `artifacts: reports: junit`.

. "$(dirname "$0")/lib.sh" "$@"

# --- the platform and the pull requests -------------------------------------------

fixture_platform() {
    make_server none
    make_clone work
    cd work || exit 1
    commit_file "feat: initial commit (#1)"
    must git push -q origin main
    cut_release 0.1
    commit_file "fix: crash on start (#21)"
    must git push -q origin main
    must git tag v0.2.0-rc1 main
    must git push -q origin v0.2.0-rc1
}

# open_pr N BASE SUBJECT...: a branch from the platform's BASE with one
# commit per SUBJECT (a fresh file each; a SUBJECT "docs:PATH:subject"
# changes PATH only), pushed as refs/pull/N/head and, for GitHub's test
# merge, refs/pull/N/merge (BASE's tip merged with the head). Sets HEAD_SHA
# and BASE_SHA. Runs in `work`.
open_pr() {
    local n=$1 base=$2 s path tree merge
    shift 2
    must git fetch -q origin
    must git checkout -q -B "pr-$n" "origin/$base"
    for s in "$@"; do
        case $s in
            docs:*) path=${s#docs:}; path=${path%%:*}; s=${s#docs:*:}
                    mkdir -p "$(dirname "$path")"; echo "$s $RANDOM" >>"$path"
                    must git add "$path"; must git commit -q -m "$s" ;;
            *) commit_file "$s" ;;
        esac
    done
    HEAD_SHA=$(git rev-parse HEAD) BASE_SHA=$(git rev-parse "origin/$base")
    tree=$(git merge-tree --write-tree "$BASE_SHA" "$HEAD_SHA") || { fail "open_pr: no clean merge"; exit 1; }
    merge=$(git commit-tree "$tree" -p "$BASE_SHA" -p "$HEAD_SHA" -m "Merge $HEAD_SHA into $BASE_SHA") || exit 1
    must git push -q -f origin "HEAD:refs/pull/$n/head" "$merge:refs/pull/$n/merge"
    must git checkout -q main
}

# gh_checkout N: the checkout actions/checkout makes of refs/pull/N/merge
# with fetch-depth 0, in $SCENARIO_DIR/gh-N (entered).
gh_checkout() {
    local dir=$SCENARIO_DIR/gh-$1
    rm -rf "$dir"
    must git init -q "$dir"
    cd "$dir" || exit 1
    must git remote add origin "$SERVER"
    must git -c protocol.version=2 fetch -q --prune --no-recurse-submodules origin \
        '+refs/heads/*:refs/remotes/origin/*' '+refs/tags/*:refs/tags/*'
    must git fetch -q origin "+refs/pull/$1/merge:refs/remotes/pull/$1/merge"
    must git checkout -q --force "refs/remotes/pull/$1/merge"
}

# gl_checkout IID TARGET: a GitLab runner's checkout of the merge request's
# head with the target branch fetched, in $SCENARIO_DIR/gl-IID (entered).
gl_checkout() {
    local dir=$SCENARIO_DIR/gl-$1
    rm -rf "$dir"
    must git init -q "$dir"
    cd "$dir" || exit 1
    must git remote add origin "$SERVER"
    must git fetch -q --no-tags origin "+refs/merge-requests/$1/head:refs/merge-requests/$1/head" \
        "+refs/heads/$2:refs/remotes/origin/$2"
    must git checkout -q --force "$(git rev-parse "refs/merge-requests/$1/head")"
}

# json_string TEXT: TEXT as a JSON string.
json_string() {
    python3 -c 'import json, sys; print(json.dumps(sys.argv[1]))' "$1"
}

# gh_event NAME N BASE TITLE [BODY]: the payload of a pull_request or
# pull_request_target event in $SCENARIO_DIR/event-N.json (BODY absent:
# null, as GitHub sends an empty description).
gh_event() {
    local body=null
    [ $# -ge 5 ] && body=$(json_string "$5")
    cat >"$SCENARIO_DIR/event-$2.json" <<EOF
{
  "action": "synchronize",
  "number": $2,
  "pull_request": {
    "number": $2,
    "state": "open",
    "title": $(json_string "$4"),
    "body": $body,
    "base": {"label": "o:$3", "ref": "$3", "sha": "$BASE_SHA"},
    "head": {"label": "fork:pr-$2", "ref": "pr-$2", "sha": "$HEAD_SHA"}
  },
  "repository": {"full_name": "o/r", "default_branch": "main"}
}
EOF
    EVENT_NAME=$1 EVENT=$SCENARIO_DIR/event-$2.json
}

# gh_pr: relgate pr as the workflow runs it (no options), in the checkout.
gh_pr() {
    SUMMARY=$SCENARIO_DIR/summary.md
    : >"$SUMMARY"
    run_cmd env GITHUB_ACTIONS=true GITHUB_EVENT_NAME="$EVENT_NAME" GITHUB_EVENT_PATH="$EVENT" \
        GITHUB_STEP_SUMMARY="$SUMMARY" "$RELGATE_BIN" pr "$@"
}

expect_exit() {   # CODE: the last run_cmd's exit status
    [ "$LAST_RC" -eq "$1" ] || fail "expected exit $1, got $LAST_RC"
}

# expect_annotation RULE: an `::error title=relgate RULE::` line on stdout.
expect_annotation() {
    grep -qE "^::error title=relgate $1::.+" "$LAST_STDOUT" || fail "no '::error title=relgate $1::' annotation on stdout"
}

summary_has() {
    grep -qF -- "$1" "$SUMMARY" || { fail "the job summary lacks '$1'"; sed 's/^/    summary| /' "$SUMMARY"; }
}

# --- scenarios --------------------------------------------------------------------

feat_to_frozen_main_refused() {
    use_fixture platform
    open_pr 30 main "feat: add priority to backendRef" "wip"
    gh_event pull_request_target 30 main "feat: add priority to backendRef"
    gh_checkout 30
    gh_pr
    expect_exit 1
    expect_annotation "F1 freeze-fixes-only"
    assert_output_contains "main is frozen (v0.2.0-rc1 is out and v0.2.0 is not)"
    assert_output_contains '"feat: add priority to backendRef (#30)"'
    assert_output_contains "relgate pr: pull request #30 is refused (F1)"
    summary_has "## relgate: Pull request #30 is refused"
    summary_has "the squash commit \`feat: add priority to backendRef (#30)\` onto main at ${BASE_SHA:0:9}"
    summary_has "### F1 freeze-fixes-only (error)"
    summary_has "**Why:** main is frozen (v0.2.0-rc1 is out and v0.2.0 is not)"
    summary_has "- if it fixes a bug, retitle the pull request \"fix: <what it fixes>\""
    summary_has "- otherwise wait until v0.2.0 is released, then run this check again"

    # The fixes the summary names work: retitled as a fix, it passes ...
    gh_event pull_request_target 30 main "fix(api): keep the priority of backendRef"
    gh_pr
    expect_exit 0
    summary_has "## relgate: Pull request #30 is accepted"
    # ... and so does the feature once v0.2.0 is released.
    (cd "$SCENARIO_DIR/work" && must git tag v0.2.0 v0.2.0-rc1 && must git push -q origin v0.2.0) || exit 1
    gh_event pull_request_target 30 main "feat: add priority to backendRef"
    gh_pr
    expect_exit 0
}

fix_with_scope_accepted() {
    use_fixture platform
    open_pr 31 main "wip" "address review"
    gh_event pull_request 31 main "fix(extproc): return 404 when no route matches"
    gh_checkout 31
    gh_pr
    expect_exit 0
    assert_output_lacks "::error"
    assert_output_contains "relgate pr: pull request #31 is accepted"
    summary_has "The release policy allows this change."
    # The project's own convention (freeze.fix_words): an area-typed fix.
    gh_event pull_request 31 main "extproc: fix openai response choice conversion for tool use"
    gh_pr
    expect_exit 0
    gh_event pull_request 31 main "extproc: add tool use"
    gh_pr
    expect_exit 1
    expect_annotation "F1 freeze-fixes-only"
}

# GitHub titles the squash of a one-commit pull request with the commit's
# subject: a fix title over a feature commit is refused for the commit.
one_commit_subject_judged_too() {
    use_fixture platform
    open_pr 32 main "feat: add a flag"
    gh_event pull_request_target 32 main "fix: the flag's default"
    gh_checkout 32
    gh_pr
    expect_exit 1
    expect_annotation "F1 freeze-fixes-only"
    assert_output_contains '"feat: add a flag (#32)"'
    summary_has "the squash commit titled by its one commit, \`feat: add a flag (#32)\`"
    summary_has "reword the commit too"
    # Following it: the commit reworded (git commit --amend), pushed again.
    (cd "$SCENARIO_DIR/work" && must git checkout -q pr-32 && must git commit -q --amend -m "fix: the flag's default" &&
        must git push -q -f origin "HEAD:refs/pull/32/head" && must git checkout -q main) || exit 1
    HEAD_SHA=$(git -C "$SCENARIO_DIR/work" rev-parse pr-32)
    gh_event pull_request_target 32 main "fix: the flag's default"
    cd "$SCENARIO_DIR" || exit 1
    gh_checkout 32
    gh_pr
    expect_exit 0
}

docs_only_accepted() {
    use_fixture platform
    open_pr 33 main "docs:site/docs/guide.md:reword the guide" "docs:README.md:typo"
    gh_event pull_request_target 33 main "chore: reword the getting-started guide"
    gh_checkout 33
    gh_pr
    expect_exit 0
    assert_output_contains "relgate pr: pull request #33 is accepted"
    # The same title over a change to code is refused: the paths decided.
    open_pr 34 main "docs:README.md:typo" "wip"
    gh_event pull_request_target 34 main "chore: reword the getting-started guide"
    gh_checkout 34
    gh_pr
    expect_exit 1
}

# Freeze-Exception in a description counts only with
# pr.exception_in_description (anyone writes a description).
exception_in_description() {
    use_fixture platform
    open_pr 35 main "feat: needed for rc2" "more"
    gh_event pull_request_target 35 main "feat: needed for rc2" $'Blocks rc2.\n\nFreeze-Exception: the release needs it'
    gh_checkout 35
    gh_pr
    expect_exit 1
    summary_has "Freeze-Exception trailers in a description do not count (pr.exception_in_description)"
    printf '[pr]\nexception_in_description = true\n' >"$SCENARIO_DIR/trust.toml"
    gh_pr --config "$SCENARIO_DIR/trust.toml"
    expect_exit 0
}

backport_with_reference_accepted() {
    use_fixture platform
    # Two commits of its own (no cherry-pick line, no equal patch id): the
    # title's reference to the fix's pull request on main is the proof.
    open_pr 40 release/v0.1 "fix crash" "address review"
    gh_event pull_request_target 40 release/v0.1 "backport: fix: crash on start (#21)"
    gh_checkout 40
    gh_pr
    expect_exit 0
    assert_output_contains "relgate pr: pull request #40 is accepted"
    summary_has "the squash commit \`backport: fix: crash on start (#21) (#40)\` onto release/v0.1"
}

backport_cherry_picked_accepted() {
    use_fixture platform
    local fix
    fix=$(git rev-parse main)
    must git checkout -q -B pr-41 origin/release/v0.1
    must git cherry-pick -x "$fix"
    # Changed after the pick, so that only the cherry-pick line proves it.
    echo "more $RANDOM" >>"file-extra.txt" && must git add file-extra.txt && must git commit -q --amend --no-edit
    must git checkout -q main
    must git push -q -f origin "pr-41:refs/pull/41/head"
    HEAD_SHA=$(git rev-parse pr-41) BASE_SHA=$(git rev-parse origin/release/v0.1)
    local tree merge
    tree=$(git merge-tree --write-tree "$BASE_SHA" "$HEAD_SHA") &&
        merge=$(git commit-tree "$tree" -p "$BASE_SHA" -p "$HEAD_SHA" -m merge) || exit 1
    must git push -q -f origin "$merge:refs/pull/41/merge"
    gh_event pull_request_target 41 release/v0.1 "fix: crash on start"
    gh_checkout 41
    gh_pr
    expect_exit 0
}

backport_without_reference_refused() {
    use_fixture platform
    open_pr 42 release/v0.1 "fix crash" "address review"
    gh_event pull_request_target 42 release/v0.1 "fix: crash on start"
    gh_checkout 42
    gh_pr
    expect_exit 1
    expect_annotation "B4 backport-provenance"
    summary_has "### B4 backport-provenance (error)"
    summary_has "name the pull request on main that this backports in the title or description"
    # Following it: the reference in the description.
    gh_event pull_request_target 42 release/v0.1 "fix: crash on start" "Backports #21."
    gh_pr
    expect_exit 0
}

eol_line_refused() {
    use_fixture platform
    (cd "$SCENARIO_DIR/work" && must git tag v0.2.0 v0.2.0-rc1 && commit_file "feat: work for 0.3" &&
        must git push -q origin main v0.2.0 && must git tag v0.3.0-rc1 main && must git tag v0.3.0 main &&
        must git push -q origin v0.3.0-rc1 v0.3.0) || exit 1
    open_pr 43 release/v0.1 "fix crash"
    gh_event pull_request_target 43 release/v0.1 "backport: fix: crash on start (#21)"
    gh_checkout 43
    gh_pr
    expect_exit 1
    expect_annotation "B6 eol-line"
    summary_has "target the release branch of a supported line or main"
}

# A branch named like a release branch that is not one (B1): anyone could
# push it on github.com, where no hook runs.
release_like_branch_refused() {
    use_fixture platform
    must git push -q origin "origin/release/v0.1:refs/heads/releases/v0.1"
    open_pr 44 releases/v0.1 "fix crash"
    gh_event pull_request_target 44 releases/v0.1 "backport: fix: crash on start (#21)"
    gh_checkout 44
    gh_pr
    expect_exit 1
    expect_annotation "B1 branch-name"
}

# A freeze declared on the platform (refs/freeze/*), which no checkout
# fetches: relgate pr fetches it.
declared_freeze_fetched() {
    use_fixture platform
    must git tag v0.2.0 v0.2.0-rc1
    must git push -q origin v0.2.0 main:refs/freeze/v0.3.0
    open_pr 45 main "feat: next feature" "wip"
    gh_event pull_request_target 45 main "feat: next feature"
    gh_checkout 45
    [ -z "$(git for-each-ref refs/freeze)" ] || fail "the checkout should not have refs/freeze/* of its own"
    # Without the fetch, the checkout knows of no freeze: the check would pass.
    gh_pr --no-fetch
    expect_exit 0
    gh_pr
    expect_exit 1
    assert_output_contains "refs/freeze/v0.3.0 declares the freeze for v0.3.0"
}

merge_queue_rechecks() {
    use_fixture platform
    # The merge queue's commit: the squash GitHub made, on the base's tip.
    must git checkout -q -B queue origin/main
    commit_file "feat: went green before the freeze (#46)"
    local head base
    head=$(git rev-parse HEAD) base=$(git rev-parse origin/main)
    must git push -q origin "queue:refs/heads/gh-readonly-queue/main/pr-46-$base"
    must git checkout -q main
    cat >"$SCENARIO_DIR/queue.json" <<EOF
{
  "action": "checks_requested",
  "merge_group": {
    "head_sha": "$head",
    "head_ref": "refs/heads/gh-readonly-queue/main/pr-46-$base",
    "base_sha": "$base",
    "base_ref": "refs/heads/main",
    "head_commit": {"id": "$head", "tree_id": "$(git rev-parse "$head^{tree}")",
                    "message": "feat: went green before the freeze (#46)"}
  }
}
EOF
    cd "$SCENARIO_DIR" && must git init -q mq && cd mq || exit 1
    must git remote add origin "$SERVER"
    must git fetch -q origin '+refs/heads/*:refs/remotes/origin/*' '+refs/tags/*:refs/tags/*'
    must git checkout -q --force "$head"
    EVENT_NAME=merge_group EVENT=$SCENARIO_DIR/queue.json
    gh_pr
    expect_exit 1
    expect_annotation "F1 freeze-fixes-only"
    assert_output_contains "relgate pr: the merge queue's commit is refused (F1)"
    summary_has "the merge queue's commit ${head:0:9}"
}

gitlab_merge_request() {
    use_fixture platform
    open_pr 7 main "feat: add a flag" "wip"
    must git push -q origin "$HEAD_SHA:refs/merge-requests/7/head"
    gl_checkout 7 main
    [ -z "$(git tag)" ] || fail "the GitLab checkout should have no tags of its own"
    local env=(CI_MERGE_REQUEST_IID=7 CI_MERGE_REQUEST_TITLE="feat: add a flag" CI_MERGE_REQUEST_DESCRIPTION=""
               CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main CI_MERGE_REQUEST_DIFF_BASE_SHA="$BASE_SHA"
               CI_COMMIT_SHA="$HEAD_SHA" CI_PIPELINE_SOURCE=merge_request_event GITLAB_CI=true)
    run_cmd env "${env[@]}" "$RELGATE_BIN" pr --report "$SCENARIO_DIR/junit.xml"
    expect_exit 1
    assert_output_contains "error: F1 freeze-fixes-only: main is frozen (v0.2.0-rc1 is out and v0.2.0 is not)"
    assert_output_contains '"feat: add a flag"'   # GitLab's squash subject: no (#7)
    assert_output_lacks "(#7)"
    assert_output_contains "relgate pr: pull request !7 is refused (F1)"
    python3 - "$SCENARIO_DIR/junit.xml" <<'EOF' || fail "the JUnit report is not as expected"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites" and root.get("failures") == "1", root.attrib
cases = root.findall("./testsuite/testcase")
assert [c.get("name") for c in cases] == ["F1 freeze-fixes-only"], [c.get("name") for c in cases]
f = cases[0].find("failure")
assert f is not None and "main is frozen" in f.get("message") and "fix: if it fixes a bug" in f.text, f.text
EOF
    run_cmd env "${env[@]/CI_MERGE_REQUEST_TITLE=*/CI_MERGE_REQUEST_TITLE=controller: bugfix the flag}" \
        "$RELGATE_BIN" pr --report "$SCENARIO_DIR/junit.xml"
    expect_exit 0
    grep -q 'failures="0"' "$SCENARIO_DIR/junit.xml" || fail "the report of an accepted merge request has failures"
    # GIT_DEPTH's default (a shallow checkout): one line, exit 2.
    cd "$SCENARIO_DIR" && rm -rf shallow && must git clone -q --depth 3 "file://$SERVER" shallow && cd shallow || exit 1
    run_cmd env "${env[@]}" "$RELGATE_BIN" pr
    expect_exit 2
    assert_output_contains "relgate: error: this checkout is shallow: relgate pr needs the history (actions/checkout: fetch-depth: 0; GitLab: GIT_DEPTH: 0)"
}

any_other_ci() {
    use_fixture platform
    open_pr 50 main "feat: add a flag" "wip"
    gh_checkout 50
    run_cmd "$RELGATE_BIN" pr --base main --title "feat: add a flag" --number 50 --head "$HEAD_SHA"
    expect_exit 1
    assert_output_contains "error: F1 freeze-fixes-only"
    assert_output_lacks "::error"
    run_cmd "$RELGATE_BIN" pr --base main --title "fix: the flag" --body "Fixes #12." --number 50 --head "$HEAD_SHA"
    expect_exit 0
    run_cmd "$RELGATE_BIN" pr --base main --head "$HEAD_SHA"
    expect_exit 2
    assert_output_contains "relgate: error: pr: --title is missing (the pull request's title)"
}

bad_input_exit_2() {
    use_fixture platform
    open_pr 51 main "wip"
    gh_checkout 51
    printf '{"action": "opened", "pull_request": {"number": 51, "title": "x"' >"$SCENARIO_DIR/truncated.json"
    EVENT_NAME=pull_request_target EVENT=$SCENARIO_DIR/truncated.json
    gh_pr
    expect_exit 2
    assert_output_contains "relgate: error: the pull_request_target event payload (GITHUB_EVENT_PATH) is not a JSON object"
    [ "$(wc -l <"$LAST_OUTPUT")" -eq 1 ] || fail "a malformed payload should print one line"
    printf '{"zen": "Keep it logically awesome.", "hook_id": 1}' >"$SCENARIO_DIR/ping.json"
    EVENT=$SCENARIO_DIR/ping.json
    gh_pr
    expect_exit 2
    assert_output_contains "no pull_request.number (not a pull request event payload)"
    EVENT_NAME=push
    gh_pr
    expect_exit 2
    assert_output_contains "relgate pr judges pull_request, pull_request_target and merge_group events, not \"push\""
    run_cmd env GITHUB_EVENT_NAME=pull_request "$RELGATE_BIN" pr
    expect_exit 2
    assert_output_contains "relgate: error: GITHUB_EVENT_PATH is not set"
    run_cmd "$RELGATE_BIN" pr
    expect_exit 2
    assert_output_contains "relgate: error: no pull request to judge"
    # A head the platform does not have.
    gh_event pull_request 51 main "fix: x"
    sed -i "s/$HEAD_SHA/$(printf '%040d' 7)/" "$EVENT"
    gh_pr --no-fetch
    expect_exit 2
    assert_output_contains "is not in this checkout"
}

run_scenario "feat: PR to a frozen main: refused, annotation and summary; retitled or released: accepted" feat_to_frozen_main_refused
run_scenario "fix(scope): and area-typed fixes accepted on a frozen main" fix_with_scope_accepted
run_scenario "one-commit PR: the commit's subject is judged too" one_commit_subject_judged_too
run_scenario "docs-only PR accepted on a frozen main" docs_only_accepted
run_scenario "Freeze-Exception in a description: only with pr.exception_in_description" exception_in_description
run_scenario "backport PR titled 'backport: fix: ... (#21)' accepted" backport_with_reference_accepted
run_scenario "backport PR whose commit was cherry-picked -x accepted" backport_cherry_picked_accepted
run_scenario "backport PR with no reference refused (B4), then referenced" backport_without_reference_refused
run_scenario "PR to an end-of-life line refused (B6)" eol_line_refused
run_scenario "PR to a branch named like a release branch refused (B1)" release_like_branch_refused
run_scenario "a declared freeze is fetched from the platform" declared_freeze_fetched
run_scenario "merge_group: the queue's commit re-checked at merge time" merge_queue_rechecks
run_scenario "GitLab merge request: JUnit report, no (#N), shallow checkout" gitlab_merge_request
run_scenario "any other CI: --base --title --number --head" any_other_ci
run_scenario "malformed or missing input: one line, exit 2" bad_input_exit_2
finish
