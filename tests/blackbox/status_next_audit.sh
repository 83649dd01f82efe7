#!/usr/bin/env bash
# Black-box suite: `relgate status`, `relgate next` and `relgate audit` on
# real repositories built here, and `audit`/`status` on the replica of Envoy
# AI Gateway's history (tests/support/aigw_replica.py).
#
#   bash tests/blackbox/status_next_audit.sh [path/to/relgate]
#
# Data: ${RELGATE_SHARED:-<repo>/../shared}/data/ai-gateway (read in place).
# Exit 125 (skipped) only when that folder is missing.
#
# `next` is checked end to end: the commands it prints are run, and the
# server's pre-receive hook must accept them.

. "$(dirname "$0")/aigw_data.inc"

. "$HERE/lib.sh" "$@"
DATA=$(cd "$DATA" && pwd)

# 2026-11-26T12:00:00Z, so the cadence is the same on every run.
export RELGATE_NOW=1795694400

# expect_exit CODE CMD...: CMD exits exactly CODE.
expect_exit() {
    local want=$1
    shift
    run_cmd "$@"
    [ "$LAST_RC" -eq "$want" ] || fail "expected exit $want, got $LAST_RC: $*"
}

# run_next_commands: runs the commands `relgate next` printed (lines
# indented by four spaces, starting with git), in order.
run_next_commands() {
    local cmd
    grep -E '^    git ' "$LAST_STDOUT" | sed 's/^    //' >"$SCENARIO_DIR/.cmds"
    [ -s "$SCENARIO_DIR/.cmds" ] || { fail "next printed no git commands"; return 1; }
    while IFS= read -r cmd; do
        # shellcheck disable=SC2086
        expect_accept $cmd || return 1
    done <"$SCENARIO_DIR/.cmds"
}

# json_lines_valid FILE KEYS...: every line of FILE is one JSON object with
# every key.
json_lines_valid() {
    local file=$1
    shift
    python3 - "$file" "$@" <<'EOF' || fail "not valid JSON Lines with keys $*: $file"
import json, sys
path, keys = sys.argv[1], sys.argv[2:]
n = 0
for i, line in enumerate(open(path, encoding="utf-8"), 1):
    obj = json.loads(line)
    if not isinstance(obj, dict):
        sys.exit("line %d is not an object" % i)
    missing = [k for k in keys if k not in obj]
    if missing:
        sys.exit("line %d lacks %s" % (i, missing))
    n += 1
if n == 0:
    sys.exit("no lines")
EOF
}

# --- status -------------------------------------------------------------------

status_fresh_repository() {
    use_fixture fresh
    expect_accept "$RELGATE_BIN" status
    assert_output_matches '^  0\.1 +development +- +- +- +v0\.1\.0-rc1 from main$'
    assert_output_contains "main is not frozen."
    assert_output_contains "no release yet"
    if grep -q $'\033' "$LAST_OUTPUT"; then fail "colour codes when not on a terminal"; fi
    expect_accept "$RELGATE_BIN" status --format json
    python3 - "$LAST_STDOUT" <<'EOF' || fail "status JSON is not as expected"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["frozen"] is False, j
assert [l["line"] for l in j["lines"]] == ["0.1"], j["lines"]
assert j["lines"][0]["phase"] == "development"
assert j["cadence"]["last_release"] is None
EOF
}

status_rc_phase_and_cadence() {
    use_fixture released
    commit_file "feat: for 0.2"
    must git push -q origin main
    must git tag v0.2.0-rc1 main
    must git push -q origin v0.2.0-rc1
    # The fixture's releases were made just now.
    export RELGATE_NOW=$(( $(date +%s) + 60 ))
    expect_accept "$RELGATE_BIN" status
    assert_output_matches '^  0\.2 +rc phase +v0\.2\.0-rc1 +v0\.2\.0-rc1 +- +v0\.2\.0-rc2 from main or v0\.2\.0 from v0\.2\.0-rc1$'
    assert_output_matches '^  0\.1 +supported +v0\.1\.0 +v0\.1\.0-rc1 +release/v0\.1 +v0\.1\.1 from release/v0\.1 \(nothing to ship yet\)$'
    assert_output_contains "main is frozen: v0.2.0-rc1 is out and v0.2.0 is not"
    assert_output_contains "last release:   v0.1.0 on "
    expect_accept "$RELGATE_BIN" status --format json
    python3 - "$LAST_STDOUT" <<'EOF' || fail "status JSON is not as expected"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["frozen"] is True
phases = {l["line"]: l["phase"] for l in j["lines"]}
assert phases == {"0.2": "rc", "0.1": "supported"}, phases
assert j["lines"][0]["rcs"] == ["v0.2.0-rc1"]
assert [n["name"] for n in j["lines"][0]["next"]] == ["v0.2.0-rc2", "v0.2.0"]
c = j["cadence"]
assert c["last_release"] == "v0.1.0" and c["released_this_month"] is True, c
EOF
    RELGATE_NOW=$(( $(date +%s) + 86400 * 40 )) expect_accept "$RELGATE_BIN" status --format json
    python3 - "$LAST_STDOUT" <<'EOF' || fail "cadence 40 days later is not as expected"
import json, sys
c = json.load(open(sys.argv[1]))["cadence"]
assert c["days_since_last_release"] in (39, 40), c
assert c["released_this_month"] is False, c
assert c["stable_within_three_months"] is True, c
EOF
}

# --- next ---------------------------------------------------------------------

next_rc_then_final_then_branch() {
    use_fixture rc1
    # main is at rc1: no new rc yet; the final is main itself.
    expect_accept "$RELGATE_BIN" next
    assert_output_contains "not now: main has nothing new since v0.1.0-rc1"
    expect_exit 1 "$RELGATE_BIN" next rc
    commit_file "fix: crash on start"
    must git push -q origin main
    must git fetch -q origin
    expect_accept "$RELGATE_BIN" next rc
    assert_output_contains "git tag v0.1.0-rc2 origin/main"
    assert_output_contains "git push origin v0.1.0-rc2"
    run_next_commands
    assert_remote_ref refs/tags/v0.1.0-rc2 main
    expect_accept "$RELGATE_BIN" next final --line 0.1
    assert_output_contains "git tag v0.1.0 origin/main"
    run_next_commands
    assert_remote_ref refs/tags/v0.1.0 main
    expect_accept "$RELGATE_BIN" next
    assert_output_contains "next branch: release/v0.1"
    assert_output_contains "not now: main has nothing new since v0.1.0"
    expect_accept "$RELGATE_BIN" next branch
    assert_output_contains "git branch release/v0.1 v0.1.0"
    run_next_commands
    assert_remote_ref refs/heads/release/v0.1 v0.1.0
}

next_final_when_main_moved_on() {
    use_fixture rc1
    commit_file "fix: later"
    must git push -q origin main
    must git fetch -q origin
    expect_accept "$RELGATE_BIN" next final
    assert_output_contains "main moved on after v0.1.0-rc1"
    assert_output_contains 'git tag v0.1.0 v0.1.0-rc1^{}'
    run_next_commands
    assert_remote_ref refs/tags/v0.1.0 v0.1.0-rc1
}

next_patch_waits_for_ci() {
    use_fixture patch
    must git fetch -q origin
    expect_exit 1 "$RELGATE_BIN" next patch
    # Not proposed while it waits (issue 22: never "not now" under a proposal).
    assert_output_contains "next patch, when it is due: v0.1.1"
    assert_output_contains "not now: CI on release/v0.1"
    assert_output_contains "do not cut the tag until all CI passes"
    ci_note "success build" origin/release/v0.1
    expect_accept "$RELGATE_BIN" next patch
    assert_output_contains "next patch: v0.1.1"
    assert_output_contains "git tag v0.1.1 origin/release/v0.1"
    must git push -q origin refs/notes/ci
    run_next_commands
    assert_remote_ref refs/tags/v0.1.1 release/v0.1
    expect_exit 1 "$RELGATE_BIN" next patch --line 0.1
    assert_output_contains "release/v0.1 has nothing since v0.1.1"
    # The history is clean, CI included.
    expect_exit 0 "$RELGATE_BIN" --repo "$SERVER" audit --ci
    assert_output_contains "relgate audit: 0 findings"
    # Without the note, T8 would have refused v0.1.1.
    must git -C "$SERVER" update-ref -d refs/notes/ci
    expect_exit 1 "$RELGATE_BIN" --repo "$SERVER" audit --ci
    assert_output_contains "T8 ci-green: refs/tags/v0.1.1"
    expect_exit 0 "$RELGATE_BIN" --repo "$SERVER" audit
}

next_new_line_and_errors() {
    use_fixture released
    commit_file "feat: more"
    must git push -q origin main
    must git fetch -q origin
    expect_accept "$RELGATE_BIN" next rc
    assert_output_contains "relgate freeze start v0.2.0 --remote origin"
    assert_output_contains "git tag v0.2.0-rc1 origin/main"
    run_next_commands
    expect_exit 1 "$RELGATE_BIN" next branch --line 0.1
    assert_output_contains "relgate: no branch step for 0.1 now: 0.1 is released (latest v0.1.0)"
    expect_exit 2 "$RELGATE_BIN" next --line banana
    assert_output_contains "relgate: error: --line takes a release line such as 0.5"
    expect_exit 2 "$RELGATE_BIN" next tomorrow
}

next_backport() {
    use_fixture released
    commit_file "fix: the crash"
    must git push -q origin main
    local fix
    fix=$(git rev-parse --short=9 HEAD)
    must git fetch -q origin
    expect_accept "$RELGATE_BIN" next backport "$fix"
    assert_output_contains "next backport: $fix fix: the crash to release/v0.1"
    # A pull-request branch the server judges as a backport (backport.pr_branches).
    assert_output_contains "git switch -c backport/release/v0.1/fix-$fix origin/release/v0.1"
    assert_output_contains "git cherry-pick -x $fix"
    run_next_commands
    # The pull request, merged: the release branch takes the backport.
    expect_accept git push origin "HEAD:release/v0.1"
    must git fetch -q origin
    expect_exit 1 "$RELGATE_BIN" next backport "$fix"
    assert_output_contains "not now: release/v0.1 has it already"
    must git checkout -q -b topic origin/main
    commit_file "feat: not on main"
    expect_exit 1 "$RELGATE_BIN" next backport HEAD
    assert_output_contains "it is not on main"
    expect_exit 2 "$RELGATE_BIN" next backport
    assert_output_contains "relgate: error: next backport needs the commit"
}

# --- audit --------------------------------------------------------------------

audit_clean_history() {
    use_fixture patch
    expect_exit 0 "$RELGATE_BIN" --repo "$SERVER" audit
    assert_output_contains "relgate audit: 0 findings"
    expect_exit 0 "$RELGATE_BIN" --repo "$SERVER" audit --format json
    [ -s "$LAST_STDOUT" ] && fail "JSON output of a clean audit should be empty"
}

# at DATE CMD...: run CMD with git's author and committer date DATE.
at() {
    local d=$1
    shift
    GIT_AUTHOR_DATE=$d GIT_COMMITTER_DATE=$d "$@"
}

audit_finds_deviations() {
    make_server none
    make_clone work
    cd work || exit 1
    at 2025-01-05T10:00:00Z commit_file "feat: initial"
    must git tag v0.1.0-rc1
    at 2025-01-06T10:00:00Z commit_file "feat: sneaky feature"
    at 2025-01-07T10:00:00Z commit_file "fix: a real fix"
    must git tag v0.1.0
    at 2025-02-10T10:00:00Z commit_file "feat: next"
    must git tag v0.2.0
    must git push -q origin main --tags
    local sneaky
    sneaky=$(git rev-parse HEAD~2)
    expect_exit 1 "$RELGATE_BIN" --repo "$SERVER" audit
    assert_output_contains "2025-01-07  error  F1 freeze-fixes-only: refs/heads/main: main is frozen (v0.1.0-rc1 is out and v0.1.0 is not): 1 of 2 new commits"
    assert_output_contains "    commit ${sneaky:0:9} feat: sneaky feature"
    assert_output_contains "error  T6 final-is-last-rc: refs/tags/v0.1.0: v0.1.0 points at"
    assert_output_contains "2025-02-10  error  T6 final-is-last-rc: refs/tags/v0.2.0: v0.2.0 has no release candidate"
    assert_output_contains "relgate audit: 3 findings (3 errors, 0 warnings)"
    expect_exit 1 "$RELGATE_BIN" --repo "$SERVER" audit --format json
    json_lines_valid "$LAST_STDOUT" rule rule_name severity ref commit subject message
    python3 - "$LAST_STDOUT" "$sneaky" <<'EOF' || fail "audit JSON is not as expected"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
got = [(r["rule"], r["ref"], r["subject"]) for r in rows]
assert got == [("F1", "refs/heads/main", "feat: sneaky feature"),
               ("T6", "refs/tags/v0.1.0", "fix: a real fix"),
               ("T6", "refs/tags/v0.2.0", "feat: next")], got
assert rows[0]["commit"] == sys.argv[2] and rows[0]["rule_name"] == "freeze-fixes-only"
assert all(r["severity"] == "error" for r in rows)
EOF
    expect_exit 1 "$RELGATE_BIN" --repo "$SERVER" audit --since 2025-02-01
    assert_output_contains "relgate audit: 1 finding (1 error, 0 warnings)"
    assert_output_contains "refs/tags/v0.2.0"
    expect_exit 0 "$RELGATE_BIN" --repo "$SERVER" audit --since 2025-03-01
    expect_exit 2 "$RELGATE_BIN" --repo "$SERVER" audit --since last-week
    assert_output_contains "relgate: error: --since takes a date"
}

audit_annotated_tags_use_tagger_date() {
    make_server none
    make_clone work
    cd work || exit 1
    at 2025-01-05T10:00:00Z commit_file "feat: initial"
    at 2025-01-05T10:00:00Z must git tag v0.1.0-rc1
    at 2025-01-06T10:00:00Z commit_file "feat: sneaky feature"
    # rc1 tagged (annotated) a day after its commit: the feature came before
    # the freeze, so it is not a finding.
    must git tag -d v0.1.0-rc1
    at 2025-01-06T12:00:00Z must git tag -a -m "rc1" v0.1.0-rc1 HEAD~1
    at 2025-01-07T10:00:00Z commit_file "fix: a fix"
    at 2025-01-08T10:00:00Z must git tag -a -m "final" v0.1.0 HEAD
    must git push -q origin main --tags
    expect_exit 1 "$RELGATE_BIN" --repo "$SERVER" audit
    assert_output_contains "2025-01-08  error  T6 final-is-last-rc: refs/tags/v0.1.0"
    assert_output_contains "relgate audit: 1 finding (1 error, 0 warnings)"
    assert_output_lacks "sneaky"
}

# A whole release in one second (as a fast script makes it, or a slow build
# runs a test): the replay orders it by cause, not by the kinds of events.
audit_release_in_one_second() {
    make_server none
    make_clone work
    cd work || exit 1
    export GIT_AUTHOR_DATE=2025-01-05T10:00:00Z GIT_COMMITTER_DATE=2025-01-05T10:00:00Z
    commit_file "feat: initial"
    must git tag v0.1.0-rc1
    must git tag v0.1.0
    must git branch release/v0.1
    commit_file "fix: crash on start (#2)"
    must git checkout -q release/v0.1
    must git cherry-pick -x main
    must git tag v0.1.1
    must git checkout -q main
    must git push -q origin main release/v0.1 --tags
    expect_exit 0 "$RELGATE_BIN" --repo "$SERVER" audit
    assert_output_contains "relgate audit: 0 findings (0 errors, 0 warnings) in 5 replayed pushes"
}

# --- follow-ups ------------------------------------------------------------------

# commit_content PATH TEXT MESSAGE: writes PATH and commits it.
commit_content() {
    mkdir -p "$(dirname "$1")"
    printf '%s\n' "$2" >"$1"
    must git add "$1"
    must git commit -q -m "$3"
}

follow_ups_after_a_patch_release() {
    make_server none
    make_clone work
    cd work || exit 1
    commit_content go.mod $'module example.com/x\n\nrequire (\n\tgithub.com/envoyproxy/gateway v1.3.1-0.20250301120000-0123456789ab\n)' "feat: initial"
    must git tag v0.1.0-rc1
    must git tag v0.1.0
    must git branch release/v0.1
    commit_content site/versioned_docs/version-0.1/_vars.json '{"aigwVersion": "v0.1.0"}' "docs: versioned docs of 0.1"
    commit_content site/src/pages/release-notes.md $'# Release notes\n\n## v0.1.0\n\nFirst release.' "docs: release notes"
    commit_file "fix: crash on start"
    local fix
    fix=$(git rev-parse HEAD)
    must git checkout -q release/v0.1
    must git cherry-pick -x "$fix"
    must git tag v0.1.1
    must git checkout -q main
    must git push -q origin main release/v0.1 --tags
    local cfg=$SCENARIO_DIR/upstream.toml
    printf '[upstream]\nmodule = "github.com/envoyproxy/gateway"\n' >"$cfg"

    # status: every release of the supported lines (issue 22: an earlier
    # release's undone item stays once a later patch exists, as in audit).
    expect_accept "$RELGATE_BIN" --repo "$SERVER" status
    assert_output_contains "Follow-ups (RELEASES.md, after a release; not blocking):"
    assert_output_contains "  v0.1.1 versioned-docs: site/versioned_docs/version-0.1 on main does not name v0.1.1 yet (it still names 0.1.0)"
    assert_output_contains "  v0.1.1 release-notes: site/src/pages/release-notes.md on main does not mention v0.1.1"
    assert_output_lacks "upstream-warning"
    expect_accept "$RELGATE_BIN" --repo "$SERVER" --config "$cfg" status --format json
    python3 - "$LAST_STDOUT" <<'EOF' || fail "status JSON follow-ups are not as expected"
import json, sys
j = json.load(open(sys.argv[1]))
kinds = sorted((f["release"], f["kind"]) for f in j["follow_ups"])
assert kinds == [("v0.1.0", "upstream-warning"), ("v0.1.1", "release-notes"), ("v0.1.1", "upstream-warning"),
                 ("v0.1.1", "versioned-docs")], kinds
assert all(f["hint"] for f in j["follow_ups"])
EOF
    # audit: follow-ups are reported, and they are not findings (exit 0).
    expect_exit 0 "$RELGATE_BIN" --repo "$SERVER" --config "$cfg" audit
    assert_output_contains "follow-up  versioned-docs: refs/tags/v0.1.1: site/versioned_docs/version-0.1 on main does not name v0.1.1 yet"
    assert_output_contains "follow-up  upstream-warning: refs/tags/v0.1.0: v0.1.0 is built on an unreleased github.com/envoyproxy/gateway (v1.3.1-0.20250301120000-0123456789ab in go.mod)"
    assert_output_contains "relgate audit: 4 follow-ups open (reported, not findings)"
    assert_output_contains "relgate audit: 0 findings"
    expect_exit 0 "$RELGATE_BIN" --repo "$SERVER" --config "$cfg" audit --format json
    json_lines_valid "$LAST_STDOUT" kind rule rule_name severity ref commit subject message hint
    python3 - "$LAST_STDOUT" <<'EOF' || fail "audit JSON follow-ups are not as expected"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
got = sorted((r["ref"], r["rule_name"]) for r in rows)
assert got == [("refs/tags/v0.1.0", "upstream-warning"), ("refs/tags/v0.1.1", "release-notes"),
               ("refs/tags/v0.1.1", "upstream-warning"), ("refs/tags/v0.1.1", "versioned-docs")], got
assert all(r["kind"] == "follow-up" and r["rule"] == "follow-up" and r["severity"] == "note" for r in rows)
EOF

    # The release manager does step 5 (and writes the WARNING): nothing open.
    commit_content site/versioned_docs/version-0.1/_vars.json '{"aigwVersion": "v0.1.1"}' "docs: 0.1.1 in the versioned docs"
    commit_content site/src/pages/release-notes.md $'# Release notes\n\n## v0.1.1\n\nWARNING: built on an Envoy Gateway main commit.\n\n## v0.1.0\n\n:::warning\nBuilt on an Envoy Gateway main commit.\n:::' "docs: release notes of 0.1.1"
    must git push -q origin main
    expect_accept "$RELGATE_BIN" --repo "$SERVER" --config "$cfg" status
    assert_output_contains "  none open"
    expect_exit 0 "$RELGATE_BIN" --repo "$SERVER" --config "$cfg" audit --format json
    [ -s "$LAST_STDOUT" ] && fail "no follow-up should be open: $(cat "$LAST_STDOUT")"
    return 0
}

# --- the real history: Envoy AI Gateway -----------------------------------------

aigw_replica() {
    local replica=$SCENARIO_DIR/replica.git
    must timeout -k 5 120 python3 "$BUILDER" --data "$DATA" --out "$replica" --bare --map "$SCENARIO_DIR/map"
    # How fast the audit is belongs to tests/bench, not here: this suite also
    # runs under the sanitizers and on slow CI machines.
    expect_exit 1 "$RELGATE_BIN" --repo "$replica" audit --format json
    json_lines_valid "$LAST_STDOUT" rule rule_name severity ref commit subject message
    cp "$LAST_STDOUT" "$SCENARIO_DIR/audit.jsonl"
    python3 - "$DATA" "$SCENARIO_DIR/map" "$SCENARIO_DIR/audit.jsonl" <<'EOF' || fail "audit findings differ from the data"
import csv, json, os, re, sys
data, mapfile, auditfile = sys.argv[1:4]
sys.path.insert(0, os.environ["AIGW_SUPPORT"])
from aigw_data import DOCS, ALLOW, KEYWORDS  # noqa: E402
import aigw_data  # noqa: E402
rows = lambda name: aigw_data.rows(data, name)


replica = dict(l.rstrip("\n").split("\t") for l in open(mapfile))
history = {r["sha"]: r for r in rows("history.tsv")}
def full(prefix):
    hits = [s for s in history if s.startswith(prefix)]
    assert len(hits) == 1, prefix
    return hits[0]

records = [json.loads(l) for l in open(auditfile)]
# Follow-ups (the replica's files hold no release text, so its release notes
# name nothing) are reported apart from the findings and never as rules.
follow_ups = [r for r in records if r.get("kind") == "follow-up"]
findings = [r for r in records if r.get("kind") == "finding"]
assert len(follow_ups) + len(findings) == len(records), "records of an unknown kind"
assert all(r["rule"] == "follow-up" and r["severity"] == "note" for r in follow_ups)
errors = []
def check(cond, msg):
    if not cond:
        errors.append(msg)

# T6: the final tag is not the last rc (v0.1.0, v0.5.0, v0.6.0, v1.0.0), or
# there was no rc (v0.7.0, v1.1.0); nothing against v0.2.0, v0.3.0, v0.4.0.
t6 = {f["ref"]: f["message"] for f in findings if f["rule"] == "T6"}
for tag in ("v0.1.0", "v0.5.0", "v0.6.0", "v1.0.0"):
    check("not at the last release candidate" in t6.get("refs/tags/" + tag, ""), "no T6 (last rc) for " + tag)
check("v0.1.0-rc2" in t6.get("refs/tags/v0.1.0", ""), "v0.1.0's T6 should name v0.1.0-rc2")
for tag in ("v0.7.0", "v1.1.0"):
    check("has no release candidate" in t6.get("refs/tags/" + tag, ""), "no T6 (no rc) for " + tag)
check(len(t6) == 6, "T6 findings: %s" % sorted(t6))
for tag in ("v0.2.0", "v0.3.0", "v0.4.0"):
    check(not [f for f in findings if f["ref"].startswith("refs/tags/" + tag)], "a finding against " + tag)
# Every other tag finding is one of those.
check(all(f["rule"] in ("T6",) for f in findings if f["ref"].startswith("refs/tags/")),
      "unexpected tag findings: %s" % [(f["rule"], f["ref"]) for f in findings if f["ref"].startswith("refs/tags/") and f["rule"] != "T6"])
# The PR-referenced backports are proven (no B4), and no error on a release branch.
check(not [f for f in findings if f["rule"] == "B4"], "B4 against the backports")
check(not [f for f in findings if f["ref"].startswith("refs/heads/release/") and f["severity"] == "error"],
      "errors on release branches")

# F1: exactly the freeze-window commits that the default policy does not
# allow (subject type fix/docs/security/revert, or docs-only paths).
want = set()
for r in rows("main-subjects-in-freeze.tsv"):
    sha = full(r["sha"])
    paths = [p for p in history[sha]["paths"].split(";") if p]
    if not (ALLOW.search(r["subject"]) or (paths and all(any(g.match(p) for g in DOCS) for p in paths))):
        want.add(replica[sha])
got = {f["commit"] for f in findings if f["rule"] == "F1"}
check(all(f["ref"] == "refs/heads/main" for f in findings if f["rule"] == "F1"), "F1 on a ref other than main")
check(got == want, "F1 commits: %d expected, %d found; missing %s; extra %s" % (
    len(want), len(got), sorted(want - got)[:5], sorted(got - want)[:5]))
# 61 before freeze.fix_words (issue 25); 7 of those were area-typed fixes
# ("extproc: fix ...", "controller: bugfix ...", "translator: fixes ...").
check(len(got) == 54, "F1 commits: %d, expected 54 (61 less the 7 area-typed fixes)" % len(got))
check("controller: bugfix aws oidc secret upsert process (#397)" not in {f["subject"] for f in findings if f["rule"] == "F1"},
      "F1 names the area-typed fix controller: bugfix aws oidc secret upsert process (#397)")
check("feat: add priority to backendRef (#673)" in {f["subject"] for f in findings if f["rule"] == "F1"},
      "F1 should name feat: add priority to backendRef (#673)")
check({f["rule"] for f in findings} <= {"T6", "F1", "B5"}, "rules: %s" % {f["rule"] for f in findings})
if errors:
    sys.exit("\n".join(errors))
print("F1 commits: %d, T6: %d, all findings: %d" % (len(got), len(t6), len(findings)))
EOF
    expect_accept "$RELGATE_BIN" --repo "$replica" status
    assert_output_matches '^  1\.1 +supported +v1\.1\.0 '
    assert_output_matches '^  1\.0 +supported +v1\.0\.0 '
    assert_output_matches '^  0\.7 +eol since v1\.1\.0 '
    assert_output_matches '^  0\.1 +eol since v0\.3\.0 +v0\.1\.5 '
    assert_output_contains "last release:   v1.1.0 on 2026-08-21, 96 days ago"
    expect_accept "$RELGATE_BIN" --repo "$replica" status --format json
    python3 - "$LAST_STDOUT" <<'EOF' || fail "status JSON of the replica is not as expected"
import json, sys
j = json.load(open(sys.argv[1]))
phases = {l["line"]: l["phase"] for l in j["lines"]}
assert phases["1.1"] == "supported" and phases["1.0"] == "supported", phases
assert all(p == "eol" for l, p in phases.items() if l not in ("1.1", "1.0", "1.2")), phases
assert phases["1.2"] == "development", phases
EOF
}

run_scenario "status: a fresh repository" status_fresh_repository
run_scenario "status: an RC phase, a supported line, the cadence" status_rc_phase_and_cadence
run_scenario "next: rc, final and branch commands are accepted" next_rc_then_final_then_branch
run_scenario "next: the final tag at the last rc when main moved on" next_final_when_main_moved_on
run_scenario "next: a patch release waits for green CI" next_patch_waits_for_ci
run_scenario "next: a new line, nothing to do, usage errors" next_new_line_and_errors
run_scenario "next: backport a fix from main" next_backport
run_scenario "audit: a textbook history is clean" audit_clean_history
run_scenario "audit: F1 and T6 in a history pushed without hooks; JSON; --since" audit_finds_deviations
run_scenario "audit: annotated tags are dated by their tagger" audit_annotated_tags_use_tagger_date
run_scenario "audit: a release made in one second is replayed in causal order" audit_release_in_one_second
run_scenario "status and audit: follow-ups after a patch release" follow_ups_after_a_patch_release
run_scenario "audit and status: the Envoy AI Gateway replica" aigw_replica
finish
