#!/usr/bin/env bash
# Black-box suite: Envoy AI Gateway's real freeze windows through F1.
#
#   bash tests/blackbox/aigw_freeze_replay.sh [path/to/relgate]
#
# Data: ${RELGATE_SHARED:-<repo>/../shared}/data/ai-gateway (read in place,
# never copied into the project). Exit 125 (skipped) only when that folder is
# missing.
#
# tests/support/aigw_replica.py builds a replica of the project's history
# (same shape, subjects and touched paths) once. Then, for each minor series
# with rc tags (freeze-windows.tsv: v0.1-v0.6, v1.0), a scratch mirror of the
# replica is put in the state "rc1 is out, the final is not":
#   - deleted: the final tag, the other rc tags (rc2 and later: they would be
#     cut later in the window, on commits main does not reach yet), the patch
#     tags of the series, every tag of later series, and release/vX.Y and the
#     release branches of later series (they did not exist yet, and they
#     would make the window's commits reachable from an existing ref);
#   - refs/heads/main set to the rc1 commit;
# and `relgate --repo SCRATCH check refs/heads/main <rc1> <final>` judges main
# advancing over the window rc1..final.
#
# The prediction is computed here from the data alone (main-subjects-in-freeze
# rows joined to history.tsv paths by sha prefix): a commit is allowed by the
# default policy iff its subject matches ^(fix|docs|security|revert)(\([^)]*\))?!?:
# or ^Revert ", or every one of its paths matches docs/**, site/** or **/*.md.
# Pass 2 adds `[freeze] allow_keywords = ["hotfix", "bugfix"]` (--config): a
# subject containing either word (case-insensitive, whole word) is allowed too.
# relgate must exit 1 iff some commit is not allowed, name F1 freeze-fixes-only
# on the verdict's first line, and list exactly the offending commits, each as
# `  commit <first 9 hex of the replica sha> <subject>`.

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SHARED=${RELGATE_SHARED:-$ROOT/../shared}
DATA=$SHARED/data/ai-gateway
BUILDER=$ROOT/tests/support/aigw_replica.py

if [ ! -d "$DATA" ]; then
    echo "# skipped: no Envoy AI Gateway data at $DATA (set RELGATE_SHARED)"
    echo "0 passed, 0 failed"
    exit 125
fi

. "$HERE/lib.sh" "$@"
CMD_TIMEOUT=${CMD_TIMEOUT:-30}

DATA=$(cd "$DATA" && pwd)
PYTHON=$(command -v python3 || true)
REPLICA=$SUITE_TMP/replica.git
PRED=$SUITE_TMP/pred
mkdir -p "$PRED"

# --- the replica, built once ---------------------------------------------------
BUILD_LOG=$SUITE_TMP/build.log
BUILD_RC=1
BUILD_SECS=?
if [ -n "$PYTHON" ]; then
    t0=$(date +%s%N)
    timeout -k 5 120 "$PYTHON" "$BUILDER" --data "$DATA" --out "$REPLICA" --bare \
        --map "$SUITE_TMP/replica.map" --check-paths >"$BUILD_LOG" 2>&1
    BUILD_RC=$?
    t1=$(date +%s%N)
    BUILD_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
else
    echo "python3 not found" >"$BUILD_LOG"
fi

# --- the prediction, from the data alone -----------------------------------------
# windows.tsv: minor rc1_replica final_replica n_rows prefix_end (the last of
#   the allowed commits right after rc1, or -)
# <minor>.rows: replica9 orig9 allowed_default(0/1) allowed_keywords(0/1) subject
PRED_LOG=$SUITE_TMP/pred.log
PRED_RC=1
if [ "$BUILD_RC" -eq 0 ]; then
    "$PYTHON" - "$DATA" "$SUITE_TMP/replica.map" "$PRED" >"$PRED_LOG" 2>&1 <<'EOF'
import csv, os, re, sys
csv.field_size_limit(1 << 30)
data, mapfile, out = sys.argv[1:4]

def rows(name):
    with open(os.path.join(data, name), newline="", encoding="utf-8") as f:
        r = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [dict(zip(r[0], x)) for x in r[1:] if x]

hrows = rows("history.tsv")
history = {r["sha"]: r for r in hrows}
order = {r["sha"]: i for i, r in enumerate(hrows)}   # parents before children
replica = dict(l.rstrip("\n").split("\t") for l in open(mapfile))

def full(prefix, what):
    hits = [s for s in history if s.startswith(prefix)]
    if len(hits) != 1:
        sys.exit("%s: sha prefix %s matches %d rows of history.tsv" % (what, prefix, len(hits)))
    return hits[0]

def glob_re(g):
    out, i = "", 0
    while i < len(g):
        if g.startswith("**/", i): out += "(?:.*/)?"; i += 3
        elif g.startswith("**", i): out += ".*"; i += 2
        elif g[i] == "*": out += "[^/]*"; i += 1
        elif g[i] == "?": out += "[^/]"; i += 1
        else: out += re.escape(g[i]); i += 1
    return re.compile(out + r"\Z")

DOCS = [glob_re(g) for g in ("docs/**", "site/**", "**/*.md")]
ALLOW = re.compile(r'^(fix|docs|security|revert)(\([^)]*\))?!?: |^Revert "')
KEYWORDS = re.compile(r"(?<![A-Za-z0-9_])(hotfix|bugfix)(?![A-Za-z0-9_])", re.I)

def allowed(subject, paths):
    if ALLOW.search(subject):
        return True
    return all(any(g.match(p) for g in DOCS) for p in paths)

windows = [w for w in rows("freeze-windows.tsv") if w["rc_tags"] not in ("", "-")]
per_minor = {}
for r in rows("main-subjects-in-freeze.tsv"):
    per_minor.setdefault(r["minor"], []).append(r)
with open(os.path.join(out, "windows.tsv"), "w") as wf:
    for w in windows:
        m = w["minor"]
        rc1 = full(w["rc1_sha"], m + " rc1")
        fin = full(w["final_sha"], m + " final")
        lines = []
        prefix_end = "-"      # last commit of the run of allowed commits after rc1
        in_prefix = True
        ordered = sorted(per_minor.get(m, []),
                         key=lambda r: order[full(r["sha"], m + " row " + r["subject"])])
        for r in ordered:
            h = history[full(r["sha"], m + " row " + r["subject"])]
            if h["subject"] != r["subject"]:
                sys.exit("%s: subject of %s differs between files" % (m, r["sha"]))
            paths = [p for p in h["paths"].split(";") if p]
            a1 = allowed(h["subject"], paths)
            a2 = a1 or bool(KEYWORDS.search(h["subject"]))
            in_prefix = in_prefix and a1
            if in_prefix:
                prefix_end = replica[h["sha"]]
            lines.append("%s\t%s\t%d\t%d\t%s\n" % (replica[h["sha"]][:9], h["sha"][:9],
                                                   a1, a2, h["subject"]))
        if not lines:
            sys.exit("%s: no rows in main-subjects-in-freeze.tsv" % m)
        with open(os.path.join(out, m + ".rows"), "w") as f:
            f.writelines(lines)
        wf.write("%s\t%s\t%s\t%d\t%s\n" % (m, replica[rc1], replica[fin], len(lines),
                                            prefix_end))
EOF
    PRED_RC=$?
fi

# --- helpers ---------------------------------------------------------------------

# window_info MINOR: sets RC1, FINAL (replica shas), ROWS (the prediction file).
window_info() {
    local line
    line=$(awk -F'\t' -v m="$1" '$1 == m' "$PRED/windows.tsv")
    [ -n "$line" ] || { echo "FAIL: no window $1 in the prediction"; exit 1; }
    RC1=$(printf '%s' "$line" | cut -f2)
    FINAL=$(printf '%s' "$line" | cut -f3)
    ROWS=$PRED/$1.rows
}

# scratch MINOR MODE: a mirror of the replica in $SCENARIO_DIR/scratch.git, in
# the state of MINOR's freeze window (MODE frozen), or with vX.Y.0 and
# release/vX.Y kept (MODE released: nothing is in its RC phase). main at rc1.
# Sets SCRATCH, RC1, FINAL, ROWS.
scratch() {
    local minor=$1 mode=$2
    window_info "$minor"
    SCRATCH=$SCENARIO_DIR/scratch.git
    rm -rf "$SCRATCH"
    must git clone -q --mirror "$REPLICA" "$SCRATCH"
    # one awk over the refs (forks are slow on small VMs): delete every tag
    # and release branch of a later line; of this line, the patch tags, and
    # (frozen) everything but rc1
    git -C "$SCRATCH" for-each-ref --format='%(refname)' refs/tags refs/heads/release |
    awk -v me="${minor#v}" -v mode="$mode" -v rc1="$minor.0-rc1" '
        function key(s,   a) { split(s, a, "."); return a[1] * 100000 + a[2] }
        {
            name = $0; sub(/^refs\/(tags|heads)\//, "", name)
            if (name !~ /^v[0-9]+\.[0-9]+\.[0-9]+(-rc[0-9]+)?$/ &&
                name !~ /^release\/v[0-9]+\.[0-9]+$/) next
            l = name; sub(/^release\//, "", l); sub(/^v/, "", l)
            if (key(l) > key(me)) { print "delete " $0; next }
            if (key(l) < key(me)) next
            if (name ~ /^v[0-9]+\.[0-9]+\.[1-9][0-9]*$/) { print "delete " $0; next }
            if (mode == "frozen" && name != rc1) print "delete " $0
        }' >"$SCENARIO_DIR/deletes"
    echo "update refs/heads/main $RC1" >>"$SCENARIO_DIR/deletes"
    git -C "$SCRATCH" update-ref --stdin <"$SCENARIO_DIR/deletes" \
        || { echo "FAIL: setup step failed: update-ref --stdin <deletes"; exit 1; }
    if [ "$mode" = frozen ]; then
        git -C "$SCRATCH" rev-parse -q --verify "refs/tags/$minor.0" >/dev/null \
            && { echo "FAIL: $minor.0 still exists in the scratch repository"; exit 1; }
        [ "$(git -C "$SCRATCH" rev-parse "refs/tags/$minor.0-rc1")" = "$RC1" ] \
            || { echo "FAIL: $minor.0-rc1 of the replica is not the rc1 of freeze-windows.tsv"; exit 1; }
    fi
}

# judge PASS [ARGS...]: relgate check of main rc1 -> final in $SCRATCH, PASS
# default or keywords. Sets LISTED (file: sha9<TAB>subject lines of F1 blocks,
# sorted) and EXPECTED (the predicted offenders, same form).
judge() {
    local pass=$1 col cfg=()
    case $pass in
        default) col=3 ;;
        keywords)
            col=4
            printf '[freeze]\nallow_keywords = ["hotfix", "bugfix"]\n' >"$SCENARIO_DIR/keywords.toml"
            cfg=(--config "$SCENARIO_DIR/keywords.toml") ;;
    esac
    run_cmd "$RELGATE_BIN" "${cfg[@]}" --repo "$SCRATCH" check refs/heads/main "$RC1" "$FINAL"
    LISTED=$SCENARIO_DIR/listed.$pass
    EXPECTED=$SCENARIO_DIR/expected.$pass
    # commit lines inside F1 verdicts: a verdict starts at a `relgate: ` line
    # naming F1 freeze-fixes-only and runs until the next unindented line
    awk '
        /^[^ ]/ { inblk = (index($0, "F1 freeze-fixes-only") > 0); next }
        inblk && /^  commit / {
            rest = substr($0, 10); sp = index(rest, " ")
            if (sp == 0) { print rest "\t"; next }
            print substr(rest, 1, sp - 1) "\t" substr(rest, sp + 1)
        }' "$LAST_STDERR" "$LAST_STDOUT" | sort >"$LISTED"
    awk -F'\t' -v c="$col" '$c == 0 { print $1 "\t" $5 }' "$ROWS" | sort >"$EXPECTED"
}

# check_verdict: exit status, first line and the listed set against EXPECTED.
check_verdict() {
    local n_exp first
    n_exp=$(awk 'END { print NR }' "$EXPECTED")
    if [ "$n_exp" -gt 0 ]; then
        [ "$LAST_RC" -eq 1 ] || fail "expected exit 1 ($n_exp offending commits), got $LAST_RC"
        first=$(head -n 1 "$LAST_STDERR")
        [ -n "$first" ] || first=$(head -n 1 "$LAST_STDOUT")
        case $first in
            *"F1 freeze-fixes-only"*) ;;
            *) fail "the verdict's first line does not name 'F1 freeze-fixes-only': $first" ;;
        esac
    else
        [ "$LAST_RC" -eq 0 ] || fail "expected exit 0 (every commit allowed), got $LAST_RC"
        if grep -q "F1 freeze-fixes-only" "$LAST_OUTPUT"; then
            fail "F1 reported although every commit is allowed"
        fi
    fi
    local bad
    bad=$(awk -F'\t' 'length($1) != 9 || $1 !~ /^[0-9a-f]+$/' "$LISTED")
    [ -z "$bad" ] || fail "commit lines without a 9-hex short sha: $bad"
    if ! cmp -s <(cut -f1 "$LISTED") <(cut -f1 "$EXPECTED"); then
        fail "listed commits differ from the prediction"
        comm -13 <(cut -f1 "$LISTED") <(cut -f1 "$EXPECTED") | while read -r s; do
            echo "    missing (should be listed): $(grep "^$s" "$EXPECTED")"
        done
        comm -23 <(cut -f1 "$LISTED") <(cut -f1 "$EXPECTED") | while read -r s; do
            echo "    unexpected (allowed or not in the window): $(grep "^$s" "$LISTED")"
        done
    elif ! cmp -s "$LISTED" "$EXPECTED"; then
        fail "listed subjects differ from the commits' subjects:"
        diff "$EXPECTED" "$LISTED" | sed 's/^/    /'
    fi
}

# listed SUBJECT / not_listed SUBJECT: about the last judge.
assert_listed() {
    cut -f2 "$LISTED" | grep -qxF -- "$1" || fail "not listed: $1"
}
assert_not_listed() {
    if cut -f2 "$LISTED" | grep -qxF -- "$1"; then fail "listed, but allowed: $1"; fi
}

# --- scenarios -------------------------------------------------------------------

replica_built() {
    echo "builder: $BUILDER (exit $BUILD_RC, ${BUILD_SECS}s incl. --check-paths)"
    sed 's/^/    | /' "$BUILD_LOG"
    [ "$BUILD_RC" -eq 0 ] || { fail "building the replica failed"; return; }
    [ "$PRED_RC" -eq 0 ] || { fail "computing the prediction failed"; sed 's/^/    | /' "$PRED_LOG"; return; }
    local n
    n=$(awk 'END { print NR }' "$SUITE_TMP/replica.map")
    [ "$n" -eq "$(($(awk 'END { print NR }' "$DATA/history.tsv") - 1))" ] \
        || fail "map has $n lines, history.tsv a different number of rows"
    # every tag of tags.tsv at the replica of its commit
    local tag sha want got
    while IFS=$'\t' read -r tag _ _ sha _; do
        [ "$tag" = tag ] && continue
        want=$(awk -F'\t' -v s="$sha" '$1 == s { print $2 }' "$SUITE_TMP/replica.map")
        got=$(git -C "$REPLICA" rev-parse -q --verify "refs/tags/$tag^{commit}")
        [ -n "$want" ] && [ "$got" = "$want" ] || fail "tag $tag is '$got', expected '$want' (orig $sha)"
    done <"$DATA/tags.tsv"
}

# the data's window rows are exactly `git rev-list rc1..final` of the replica
window_matches_data() {
    window_info "$1"
    if ! cmp -s <(git -C "$REPLICA" rev-list "$RC1..$FINAL" | cut -c1-9 | sort) \
                <(cut -f1 "$ROWS" | sort); then
        fail "rev-list $1.0-rc1..$1.0 of the replica differs from main-subjects-in-freeze.tsv"
        diff <(git -C "$REPLICA" log --format='%h %s' --abbrev=9 "$RC1..$FINAL" | sort) \
             <(cut -f1,5 "$ROWS" | tr '\t' ' ' | sort) | sed 's/^/    /'
    fi
    echo "$1: $(awk 'END { print NR }' "$ROWS") commits, predicted offenders: default" \
         "$(awk -F'\t' '$3 == 0' "$ROWS" | awk 'END { print NR }'), keywords" \
         "$(awk -F'\t' '$4 == 0' "$ROWS" | awk 'END { print NR }')"
}

replay_window() {
    local minor=$1 pass=$2
    scratch "$minor" frozen
    judge "$pass"
    check_verdict
    # docs: commits are never listed
    local s
    while IFS=$'\t' read -r _ _ _ _ s; do
        case $s in docs:*) assert_not_listed "$s" ;; esac
    done <"$ROWS"
}

named_v02_priority_listed() {
    scratch v0.2 frozen
    judge default
    assert_listed "feat: add priority to backendRef (#673)"
}

named_v01_bugfix_keyword() {
    scratch v0.1 frozen
    judge default
    assert_listed "controller: bugfix aws oidc secret upsert process (#397)"
    judge keywords
    assert_not_listed "controller: bugfix aws oidc secret upsert process (#397)"
}

named_v02_hotfix_keyword() {
    scratch v0.2 frozen
    judge default
    assert_listed "extproc: hotfix for gzip header (#683)"
    judge keywords
    assert_not_listed "extproc: hotfix for gzip header (#683)"
}

# the start of a window up to (not including) its first offender: accepted
allowed_prefix_accepted() {
    local minor=$1
    scratch "$minor" frozen
    FINAL=$(awk -F'\t' -v m="$minor" '$1 == m { print $5 }' "$PRED/windows.tsv")
    judge default
    : >"$EXPECTED"
    check_verdict
}

# with vX.Y.0 present nothing is in its RC phase: the same update is accepted
released_not_frozen() {
    local minor=$1
    scratch "$minor" released
    judge default
    : >"$EXPECTED"
    check_verdict
}

# --- run -------------------------------------------------------------------------

run_scenario "replica: built from the data (paths, refs, tags)" replica_built
if [ "$BUILD_RC" -eq 0 ] && [ "$PRED_RC" -eq 0 ]; then
    MINORS=$(cut -f1 "$PRED/windows.tsv")
    for m in $MINORS; do
        run_scenario "$m: window rows are rev-list rc1..final of the replica" window_matches_data "$m"
    done
    for m in $MINORS; do
        run_scenario "$m: freeze window, default policy" replay_window "$m" default
        run_scenario "$m: freeze window, allow_keywords hotfix/bugfix" replay_window "$m" keywords
    done
    run_scenario "v0.2: 'feat: add priority to backendRef (#673)' is listed" named_v02_priority_listed
    run_scenario "v0.1: '... bugfix aws oidc ... (#397)' listed by default, allowed by keyword" named_v01_bugfix_keyword
    run_scenario "v0.2: 'extproc: hotfix for gzip header (#683)' listed by default, allowed by keyword" named_v02_hotfix_keyword
    for m in $MINORS; do
        if [ "$(awk -F'\t' -v m="$m" '$1 == m { print $5 }' "$PRED/windows.tsv")" != - ]; then
            run_scenario "$m: the window's leading allowed commits alone are accepted" allowed_prefix_accepted "$m"
        fi
    done
    for m in $MINORS; do
        run_scenario "$m: not frozen once $m.0 exists: the same update is accepted" released_not_frozen "$m"
    done
fi
finish
