#!/usr/bin/env bash
# Black-box suite: Envoy AI Gateway's real backports through B4 (and B5, B6).
#
#   bash tests/blackbox/aigw_backport_replay.sh [path/to/relgate]
#
# Data: ${RELGATE_SHARED:-<repo>/../shared}/data/ai-gateway (read in place,
# never copied into the project). Exit 125 (skipped) only when that folder is
# missing.
#
# tests/support/aigw_replica.py builds two replicas of the project's history:
# as the data has it, and with --strip-pr-refs (no pull-request references in
# the release-branch commits). The data has 7 commits on release branches
# after their vX.Y.0 tag (release-branch-commits.tsv: 6 on release/v0.1, 1 on
# release/v0.2), all squash-merged backports that name their pull requests on
# main ("backport: <title> (#up) (#bp)", or "Refs: #N" in the body), none with
# a cherry-pick line. Each release branch is replayed as a push with
# `relgate --repo SCRATCH check refs/heads/release/vX.Y OLD NEW`:
#   - the whole branch at once: OLD = vX.Y.0, NEW = the branch head;
#   - one commit at a time: OLD = its parent, NEW = the commit;
# each time in a scratch mirror of the replica where release/vX.Y is at OLD,
# in two states of the other refs:
#   "today":      main as in the data (its head, 2026); tags and release
#                 branches of the line itself and of older lines kept, and of
#                 the next line (v0.2 for v0.1, v0.3 for v0.2): one newer
#                 line released does not end a line; tags and release
#                 branches of later lines deleted (v0.3.0 ended v0.1, v0.4.0
#                 ended v0.2, and both came after these backports: the last
#                 v0.1 backport is from 2025-03-26, v0.3.0 from 2025-08-21;
#                 the v0.2 backport is from 2025-06-09, v0.4.0 from
#                 2025-11-07). The line's patch tags on commits after OLD are
#                 deleted (they were cut after the commit was pushed).
#   "historical": every ref as it was when NEW was pushed, as far as git
#                 can tell (tags are lightweight, so a tag's date is its
#                 commit's): main at its last commit not later than NEW's
#                 committer date (main is linear with monotonic dates); every
#                 tag and release branch whose commit is later than NEW
#                 deleted; the line's patch tags after OLD deleted. Here v0.2
#                 does not exist yet when the v0.1 backports are pushed (v0.2.0
#                 is from 2025-06-05).
# Expected: with the data's replica every update is accepted (exit 0, no B4;
# B5 warnings allowed, and checked against a prediction: every one of the 7
# is a backport of something that is not a conventional fix/docs/security/
# revert commit); with the stripped replica every update is rejected with B4
# naming exactly its commits (the replica's contents are synthetic, so patch
# ids never match main). And with the state of today's tags (nothing of
# later lines deleted) each line is end of life, so the whole-branch push is
# refused with B6, naming the release that ended the line.

. "$(dirname "$0")/aigw_data.inc"

. "$HERE/lib.sh" "$@"

DATA=$(cd "$DATA" && pwd)
PYTHON=$(command -v python3 || true)
PRED=$SUITE_TMP/pred
mkdir -p "$PRED"

# --- the replicas, built once -------------------------------------------------------
# build KIND [ARGS]: $SUITE_TMP/KIND.git and KIND.map; sets BUILD_RC_KIND.
BUILD_LOG=$SUITE_TMP/build.log
: >"$BUILD_LOG"
build() {
    local kind=$1 rc t0 t1
    shift
    if [ -z "$PYTHON" ]; then echo "python3 not found" >>"$BUILD_LOG"; return 1; fi
    t0=$(date +%s%N)
    timeout -k 5 120 "$PYTHON" "$BUILDER" --data "$DATA" --out "$SUITE_TMP/$kind.git" --bare \
        --map "$SUITE_TMP/$kind.map" "$@" >>"$BUILD_LOG" 2>&1
    rc=$?
    t1=$(date +%s%N)
    echo "$kind replica: exit $rc, $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')s" >>"$BUILD_LOG"
    return $rc
}
BUILD_RC=0
build default || BUILD_RC=1
build stripped --strip-pr-refs || BUILD_RC=1

# --- the prediction, from the data alone ----------------------------------------------
# $PRED/<kind>.branches: line x0_replica head_replica n_commits
# $PRED/<kind>.<line>.rows (history order): replica_sha parent_replica epoch
#   b5(1 = predicted B5 warning) subject-in-the-replica
PRED_LOG=$SUITE_TMP/pred.log
PRED_RC=1
if [ "$BUILD_RC" -eq 0 ]; then
    "$PYTHON" - "$DATA" "$SUITE_TMP" "$PRED" >"$PRED_LOG" 2>&1 <<'EOF'
import csv, os, re, sys
data, tmp, out = sys.argv[1:4]
sys.path.insert(0, os.environ["AIGW_SUPPORT"])
from aigw_data import DOCS, ALLOW, KEYWORDS  # noqa: E402
import aigw_data  # noqa: E402
rows = lambda name: aigw_data.rows(data, name)


hrows = rows("history.tsv")
history = {r["sha"]: r for r in hrows}
order = {r["sha"]: i for i, r in enumerate(hrows)}

def full(prefix, what):
    hits = [s for s in history if s.startswith(prefix)]
    if len(hits) != 1:
        sys.exit("%s: sha prefix %s matches %d rows of history.tsv" % (what, prefix, len(hits)))
    return hits[0]

# main: first parents from the head of main-commits.tsv
mc = rows("main-commits.tsv")
main = set(full(r["sha"], "main-commits.tsv") for r in mc)
by_pr = {}
for s in main:
    m = re.search(r"\(#(\d+)\)$", history[s]["subject"])
    if m:
        by_pr[m.group(1)] = s

def is_fix(subject, paths):
    return bool(ALLOW.search(subject)) or all(any(g.match(p) for g in DOCS) for p in paths)

PR_PAREN = re.compile(r"\s*\(#\d+\)")
PR_BARE = re.compile(r"\s*(?<![\w/])#\d+\b")
def strip(subject):
    s = PR_BARE.sub("", PR_PAREN.sub("", subject))
    return re.sub(r"\s+", " ", s).strip() or subject

rbc = rows("release-branch-commits.tsv")
if len(rbc) != 7:
    sys.exit("release-branch-commits.tsv has %d rows, expected 7" % len(rbc))
for kind in ("default", "stripped"):
    rep = dict(l.rstrip("\n").split("\t") for l in open(os.path.join(tmp, kind + ".map")))
    with open(os.path.join(out, kind + ".branches"), "w") as bf:
        for b in rows("branches.tsv"):
            if int(b["commits_after_tag"]) == 0:
                continue
            line = b["branch"].split("/", 1)[1]
            mine = sorted((r for r in rbc if r["branch"] == b["branch"]),
                          key=lambda r: order[full(r["sha"], "rbc")])
            if len(mine) != int(b["commits_after_tag"]):
                sys.exit("%s: %d rows in release-branch-commits.tsv, branches.tsv says %s"
                         % (b["branch"], len(mine), b["commits_after_tag"]))
            x0 = full(b["x0_tag_sha"], b["branch"] + " x0")
            head = full(b["head_sha"], b["branch"] + " head")
            with open(os.path.join(out, "%s.%s.rows" % (kind, line)), "w") as f:
                for r in mine:
                    h = history[full(r["sha"], "rbc")]
                    subject = h["subject"]
                    if kind == "stripped":
                        subject = strip(subject)
                    prs = re.findall(r"#(\d+)", h["subject"]) + \
                          [x.strip().lstrip("#") for x in h["body_pr_refs"].split(",") if x.strip()]
                    sources = [by_pr[n] for n in prs if n in by_pr]
                    paths = [p for p in h["paths"].split(";") if p]
                    stripped_subject = re.sub(r"^backport: ?", "", h["subject"])
                    fix = is_fix(stripped_subject, paths) or any(
                        is_fix(history[s]["subject"], [p for p in history[s]["paths"].split(";") if p])
                        for s in sources)
                    if kind == "default" and not sources:
                        sys.exit("%s: no pull request of main named" % r["sha"])
                    f.write("%s\t%s\t%s\t%d\t%s\n" % (rep[h["sha"]], rep[h["parents"].split(",")[0]],
                                                      h["committer_epoch"], 0 if fix else 1, subject))
            bf.write("%s\t%s\t%s\t%d\n" % (line, rep[x0], rep[head], len(mine)))
EOF
    PRED_RC=$?
fi

# --- helpers -------------------------------------------------------------------------

# load KIND LINE: X0, HEAD (replica shas) and the rows: C_SHA C_PARENT C_EPOCH
# C_B5 C_SUBJ (arrays) and SUBJ_OF[sha9].
load() {
    local l x0 head n s p e b subj
    X0='' HEAD_SHA=''
    while IFS=$'\t' read -r l x0 head n; do
        if [ "$l" = "$2" ]; then X0=$x0 HEAD_SHA=$head; fi
    done <"$PRED/$1.branches"
    [ -n "$X0" ] || { echo "FAIL: no branch release/$2 in the prediction"; exit 1; }
    C_SHA=() C_PARENT=() C_EPOCH=() C_B5=() C_SUBJ=()
    declare -gA SUBJ_OF=()
    while IFS=$'\t' read -r s p e b subj; do
        C_SHA+=("$s") C_PARENT+=("$p") C_EPOCH+=("$e") C_B5+=("$b") C_SUBJ+=("$subj")
        SUBJ_OF[${s:0:9}]=$subj
    done <"$PRED/$1.$2.rows"
}

# scratch KIND LINE OLD NEW MODE: $SCENARIO_DIR/scratch.git, a mirror of the
# KIND replica in MODE's state (today, historical, eol: see the top) for the
# push of release/LINE from OLD to NEW.
scratch() {
    local kind=$1 line=$2 old=$3 new=$4 mode=$5 epoch mainat
    SCRATCH=$SCENARIO_DIR/scratch.git
    rm -rf "$SCRATCH"
    must git clone -q --mirror "$SUITE_TMP/$kind.git" "$SCRATCH"
    epoch=$(git -C "$SCRATCH" log -1 --format=%ct "$new")
    # the line's commits up to OLD: its patch tags there stay
    git -C "$SCRATCH" rev-list "refs/tags/$line.0..$old" >"$SCENARIO_DIR/upto-old"
    : >"$SCENARIO_DIR/state"
    git -C "$SCRATCH" for-each-ref --format='%(refname) %(objectname) %(committerdate:unix)' \
        refs/tags refs/heads/release |
    awk -v me="${line#v}" -v mode="$mode" -v epoch="$epoch" -v dir="$SCENARIO_DIR" '
        function key(s,   a) { split(s, a, "."); return a[1] * 100000 + a[2] }
        FILENAME ~ /upto-old$/ { upto[$1] = 1; next }
        {
            ref = $1; name = ref; sub(/^refs\/(tags|heads)\//, "", name)
            if (name !~ /^v[0-9]+\.[0-9]+\.[0-9]+(-rc[0-9]+)?$/ &&
                name !~ /^release\/v[0-9]+\.[0-9]+$/) next
            l = name; sub(/^release\//, "", l); sub(/^v/, "", l)
            k = key(l); n++; R[n] = ref; S[n] = $2; E[n] = $3; K[n] = k
            if (name ~ /^v[0-9]+\.[0-9]+\.0$/ && k > key(me) && (next_line == "" || k < next_line)) next_line = k
        }
        END {
            for (i = 1; i <= n; i++) {
                del = 0
                if (K[i] == key(me)) {
                    if (R[i] ~ /^refs\/tags\/v[0-9]+\.[0-9]+\.[1-9][0-9]*$/ && !(S[i] in upto)) del = 1
                } else if (mode == "today") {
                    if (K[i] > key(me) && K[i] != next_line) del = 1
                } else if (mode == "historical") {
                    if (E[i] > epoch) del = 1
                }
                if (del) print "delete " R[i] > (dir "/state")
            }
        }' "$SCENARIO_DIR/upto-old" -
    echo "update refs/heads/release/$line $old" >>"$SCENARIO_DIR/state"
    if [ "$mode" = historical ]; then
        mainat=$(git -C "$SCRATCH" rev-list -1 --before="@$epoch" refs/heads/main)
        echo "update refs/heads/main $mainat" >>"$SCENARIO_DIR/state"
    fi
    git -C "$SCRATCH" update-ref --stdin <"$SCENARIO_DIR/state" \
        || { echo "FAIL: setup step failed: update-ref --stdin <state"; exit 1; }
    echo "# scratch $kind $mode for release/$line ${old:0:9}..${new:0:9}: $(grep -c '^delete' "$SCENARIO_DIR/state") refs deleted;" \
         "tags: $(git -C "$SCRATCH" tag -l | sort -V | tr '\n' ' ')"
}

# judge LABEL LINE OLD NEW: `relgate --repo $SCRATCH check
# refs/heads/release/LINE OLD NEW`. Sets RC, OUT, ERR, FIRST (the first line of
# output), and B4_LISTED / B5_LISTED (sha9s of the `  commit` lines inside B4
# and B5 verdicts; a verdict starts at an unindented line naming the rule and
# runs to the next unindented line).
judge() {
    local label=$1 line=$2 old=$3 new=$4 l blk=
    OUT=$SCENARIO_DIR/out.$label ERR=$SCENARIO_DIR/err.$label
    echo "+ relgate --repo scratch.git check refs/heads/release/$line ${old:0:9} ${new:0:9}"
    timeout -k 5 "$CMD_TIMEOUT" "$RELGATE_BIN" --repo "$SCRATCH" \
        check "refs/heads/release/$line" "$old" "$new" >"$OUT" 2>"$ERR" </dev/null
    RC=$?
    B4_LISTED=() B5_LISTED=() FIRST=
    while IFS= read -r l || [ -n "$l" ]; do
        echo "    | $l"
        [ -z "$FIRST" ] && FIRST=$l
        case $l in
            " "*) ;;
            *"B4 backport-provenance"*) blk=B4; continue ;;
            *"B5 backport-kind"*) blk=B5; continue ;;
            *) blk=; continue ;;
        esac
        if [[ $l == "  commit "* ]]; then
            l=${l#  commit }
            case $blk in
                B4) B4_LISTED+=("${l%% *}") ;;
                B5) B5_LISTED+=("${l%% *}") ;;
            esac
            [ -n "$blk" ] && [ "${l#* }" != "${SUBJ_OF[${l%% *}]:-}" ] &&
                fail "$label: $blk lists ${l%% *} with subject '${l#* }', expected '${SUBJ_OF[${l%% *}]:-?not one of the pushed commits?}'"
        fi
    done < <(cat "$ERR" "$OUT")
    echo "    (exit $RC)"
}

# same_set WHAT GOT_ARRAY_NAME WANT...: the sha9s listed are exactly WANT.
same_set() {
    local what=$1 s
    local -n got=$2
    shift 2
    local -A g=() w=()
    for s in "$@"; do w[${s:0:9}]=1; done
    for s in "${got[@]}"; do
        g[$s]=1
        [ -n "${w[$s]:-}" ] || fail "$what: listed, should not be: $s ${SUBJ_OF[$s]:-}"
    done
    for s in "${!w[@]}"; do
        [ -n "${g[$s]:-}" ] || fail "$what: not listed: $s ${SUBJ_OF[$s]:-}"
    done
}

# expect_accepted WHAT SHAS...: exit 0, nothing but warnings, no B4, no B6,
# B5 lists exactly the SHAS predicted to warn.
expect_accepted() {
    local what=$1 s i
    shift
    local b5=()
    [ "$RC" -eq 0 ] || fail "$what: expected exit 0, got $RC"
    grep -q "B4" "$ERR" "$OUT" && fail "$what: B4 in the output"
    grep -q "B6 eol-line" "$ERR" "$OUT" && fail "$what: B6 in the output"
    grep -v '^relgate: warning: \|^ \|^accepted$' "$ERR" "$OUT" | grep -q . &&
        fail "$what: output other than warnings: $(grep -hv '^relgate: warning: \|^ \|^accepted$' "$ERR" "$OUT" | head -n 3)"
    for s in "$@"; do
        for i in "${!C_SHA[@]}"; do
            [ "${C_SHA[$i]}" = "$s" ] && [ "${C_B5[$i]}" = 1 ] && b5+=("$s")
        done
    done
    same_set "$what: B5 warnings" B5_LISTED "${b5[@]}"
}

# expect_b4 WHAT SHAS...: exit 1, the first line is B4's for the branch and
# says "K of K", exactly SHAS are listed.
expect_b4() {
    local what=$1 line=$2
    shift 2
    local n=$# w=" are"
    [ "$n" -eq 1 ] && w=" is"
    local nc="new commits"
    [ "$n" -eq 1 ] && nc="new commit"
    [ "$RC" -eq 1 ] || fail "$what: expected exit 1 (B4), got $RC"
    [ "$FIRST" = "relgate: B4 backport-provenance: refs/heads/release/$line: $n of $n $nc on release/$line$w not a backport of a commit on main" ] ||
        fail "$what: first line is not B4's 'K of M': $FIRST"
    same_set "$what: B4" B4_LISTED "$@"
}

# --- scenarios -------------------------------------------------------------------------

replicas_built() {
    sed 's/^/    | /' "$BUILD_LOG"
    [ "$BUILD_RC" -eq 0 ] || { fail "building the replicas failed"; return; }
    [ "$PRED_RC" -eq 0 ] || { fail "computing the prediction failed"; sed 's/^/    | /' "$PRED_LOG"; return; }
    local kind line x0 head n revs total=0
    for kind in default stripped; do
        while IFS=$'\t' read -r line x0 head n; do
            total=$((total + n))
            load "$kind" "$line"
            [ "$(git -C "$SUITE_TMP/$kind.git" rev-parse "refs/tags/$line.0")" = "$X0" ] ||
                fail "$kind: $line.0 is not the x0 tag of branches.tsv"
            [ "$(git -C "$SUITE_TMP/$kind.git" rev-parse "refs/heads/release/$line")" = "$HEAD_SHA" ] ||
                fail "$kind: release/$line is not the head of branches.tsv"
            revs=$(git -C "$SUITE_TMP/$kind.git" rev-list --reverse "$X0..$HEAD_SHA" | tr '\n' ' ')
            [ "$revs" = "$(printf '%s ' "${C_SHA[@]}")" ] ||
                fail "$kind: rev-list $line.0..release/$line is not release-branch-commits.tsv's rows"
            echo "$kind release/$line: $n commits after $line.0"
        done <"$PRED/$kind.branches"
    done
    [ "$total" -eq 14 ] || fail "expected 7 release-branch commits per replica, got $((total / 2))"
}

# The whole branch after vX.Y.0 as one push, in both states.
whole_branch() {
    local kind=$1 line=$2 mode
    load "$kind" "$line"
    for mode in today historical; do
        scratch "$kind" "$line" "$X0" "$HEAD_SHA" "$mode"
        judge "$mode" "$line" "$X0" "$HEAD_SHA"
        if [ "$kind" = default ]; then
            expect_accepted "$mode" "${C_SHA[@]}"
        else
            expect_b4 "$mode" "$line" "${C_SHA[@]}"
        fi
    done
}

# One commit at a time, in both states.
one_at_a_time() {
    local kind=$1 line=$2 mode i
    load "$kind" "$line"
    for i in "${!C_SHA[@]}"; do
        for mode in today historical; do
            scratch "$kind" "$line" "${C_PARENT[$i]}" "${C_SHA[$i]}" "$mode"
            judge "$mode.$i" "$line" "${C_PARENT[$i]}" "${C_SHA[$i]}"
            if [ "$kind" = default ]; then
                expect_accepted "$mode ${C_SHA[$i]:0:9}" "${C_SHA[$i]}"
            else
                expect_b4 "$mode ${C_SHA[$i]:0:9}" "$line" "${C_SHA[$i]}"
            fi
        done
    done
}

# Today the line is end of life: with the later lines' tags kept, the push is
# refused with B6, naming the release that ended the line (the line after the
# next).
eol_today() {
    local line=$1 ender
    load default "$line"
    ender=$(git -C "$SUITE_TMP/default.git" tag -l 'v*.*.0' | sort -V | grep -A2 -x "$line.0" | sed -n 3p)
    [ -n "$ender" ] || { fail "no second newer line after $line in the replica"; return; }
    scratch default "$line" "$X0" "$HEAD_SHA" eol
    judge eol "$line" "$X0" "$HEAD_SHA"
    [ "$RC" -eq 1 ] || fail "expected exit 1 (B6), got $RC"
    [[ $FIRST == "relgate: B6 eol-line: refs/heads/release/$line: "* ]] ||
        fail "the first line is not B6's: $FIRST"
    grep -q "is end of life since $ender:" "$ERR" "$OUT" || fail "B6 does not name $ender as the end of $line"
    # one commit alone too
    scratch default "$line" "${C_PARENT[0]}" "${C_SHA[0]}" eol
    judge eol.0 "$line" "${C_PARENT[0]}" "${C_SHA[0]}"
    [ "$RC" -eq 1 ] || fail "one commit: expected exit 1 (B6), got $RC"
    grep -q "relgate: B6 eol-line" "$ERR" "$OUT" || fail "one commit: no B6"
}

# --- run ---------------------------------------------------------------------------------

run_scenario "replicas: built from the data, 7 release-branch commits" replicas_built
if [ "$BUILD_RC" -eq 0 ] && [ "$PRED_RC" -eq 0 ]; then
    LINES=$(cut -f1 "$PRED/default.branches")
    for line in $LINES; do
        run_scenario "default: release/$line whole branch accepted (B4 proven)" whole_branch default "$line"
        run_scenario "default: release/$line one commit at a time accepted" one_at_a_time default "$line"
        run_scenario "stripped: release/$line whole branch rejected by B4, every commit named" whole_branch stripped "$line"
        run_scenario "stripped: release/$line one commit at a time rejected by B4" one_at_a_time stripped "$line"
        run_scenario "today: release/$line is end of life (B6)" eol_today "$line"
    done
fi
finish
