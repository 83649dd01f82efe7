#!/usr/bin/env bash
# Black-box suite: the pull requests that Envoy AI Gateway merged into a
# frozen main, replayed through `relgate pr`: how many merges the required
# check would have stopped, and whether any fix or docs pull request.
#
#   bash tests/blackbox/aigw_pr_replay.sh [path/to/relgate]
#
# Data: ${RELGATE_SHARED:-<repo>/../shared}/data/ai-gateway (read in place,
# never copied). main-subjects-in-freeze.tsv has every commit of main in
# the freeze windows (rc1..final of v0.1-v0.6, v1.0): each is the squash of
# one pull request, "<title> (#N)". The title is the subject without its
# " (#N)". A repository with main frozen (v0.1.0-rc1 at its tip) gets, per
# row, a pull-request head of one commit whose message is the title, and
# `relgate pr --base main --title TITLE --number N --head HEAD --no-fetch`
# judges it, twice:
#   titles: the head changes a file of code (src/pr-<i>.go): the title alone
#           decides, as the issue's replay asks;
#   paths:  the head changes the paths the real squash changed (history.tsv):
#           docs-only pull requests pass by their paths, as they would have.
# The prediction (aigw_data.py, from the default policy's documentation):
# refused iff the squash subject "<title> (#N)" matches neither freeze.allow
# nor freeze.fix_words, and (paths) not every path is a docs path.

. "$(dirname "$0")/aigw_data.inc"
. "$HERE/lib.sh" "$@"

DATA=$(cd "$DATA" && pwd)

# rows.tsv: i minor number title refused_titles refused_paths fix_like docs_like subject
# import: the fast-import stream (main, then t/<i> and p/<i> per row)
prepare() {
    python3 - "$DATA" "$SUITE_TMP" <<'EOF'
import os, re, sys
data, out = sys.argv[1:3]
sys.path.insert(0, os.environ["AIGW_SUPPORT"])
import aigw_data  # noqa: E402
from aigw_data import ALLOW, DOCS  # noqa: E402
history = {r["sha"]: r for r in aigw_data.rows(data, "history.tsv")}
def full(prefix):
    hits = [s for s in history if s.startswith(prefix)]
    assert len(hits) == 1, prefix
    return hits[0]
rows = aigw_data.rows(data, "main-subjects-in-freeze.tsv")
imp = ["commit refs/heads/main", "committer T <t@example.invalid> 1700000000 +0000", "data 14", "feat: initial",
       "M 100644 inline src/main.go", "data 5", "main", ""]
def blob(path, text):
    b = text.encode()
    return ["M 100644 inline " + path, "data %d" % len(b), text]
with open(os.path.join(out, "rows.tsv"), "w") as f:
    for i, r in enumerate(rows):
        subject = r["subject"]
        m = re.match(r"^(.*) \(#([0-9]+)\)$", subject)
        title, number = (m.group(1), m.group(2)) if m else (subject, "")
        paths = [p for p in history[full(r["sha"])]["paths"].split(";") if p]
        code = not ALLOW.search(subject)
        docs_only = bool(paths) and all(any(g.match(p) for g in DOCS) for p in paths)
        fix_like = r["content_heuristic"] == "fix-like"
        docs_like = r["category"] in ("docs", "site", "blog") or r["content_heuristic"] == "docs-like"
        f.write("\t".join([str(i), r["minor"], number, title, str(int(code)), str(int(code and not docs_only)),
                           str(int(fix_like)), str(int(docs_like)), subject]) + "\n")
        msg = (title + "\n").encode()
        for kind, files in (("t", ["src/pr-%d.go" % i]), ("p", paths or ["src/pr-%d.go" % i])):
            imp += ["commit refs/heads/%s/%d" % (kind, i), "committer T <t@example.invalid> 1700000100 +0000",
                    "data %d" % len(msg), title, "from refs/heads/main"]
            for p in files:
                imp += blob(p, "%s %d\n" % (kind, i))
            imp.append("")
with open(os.path.join(out, "import"), "w") as f:
    f.write("\n".join(imp) + "\n")
EOF
}

setup() {
    cd "$SUITE_TMP" || exit 1
    prepare || { fail "reading the data failed"; exit 1; }
    must git init -q repo
    git -C repo fast-import --quiet <"$SUITE_TMP/import" || { fail "git fast-import failed"; exit 1; }
    must git -C repo tag v0.1.0-rc1 main
}

# replay PASS (t or p): every row through relgate pr; the verdicts in
# $SUITE_TMP/got.PASS (i exit).
replay() {
    local pass=$1 i minor number title rest num=()
    cd "$SUITE_TMP/repo" || exit 1
    : >"$SUITE_TMP/got.$pass"
    while IFS=$'\t' read -r i minor number title rest; do
        num=()
        [ -n "$number" ] && num=(--number "$number")
        timeout -k 5 "$CMD_TIMEOUT" "$RELGATE_BIN" pr --base main --title "$title" "${num[@]}" \
            --head "$pass/$i" --no-fetch >"$SUITE_TMP/out.$pass.$i" 2>&1 </dev/null
        echo "$i $?" >>"$SUITE_TMP/got.$pass"
    done <"$SUITE_TMP/rows.tsv"
}

# check PASS COLUMN: relgate's verdicts against the prediction (COLUMN 5:
# titles, 6: paths); prints the figures.
check() {
    local pass=$1 col=$2 i minor number title rt rp fix docs subject want got
    local -A rc=() stopped=() per=()
    local n=0 total=0 fixes=0 docs_n=0
    while read -r i got; do rc[$i]=$got; done <"$SUITE_TMP/got.$pass"
    while IFS=$'\t' read -r i minor number title rt rp fix docs subject; do
        total=$((total + 1))
        want=$rt
        [ "$col" = 6 ] && want=$rp
        got=${rc[$i]:-missing}
        if [ "$want" = 1 ]; then
            [ "$got" = 1 ] || fail "$pass: expected refused (exit 1), got $got: $subject"
            grep -q "F1 freeze-fixes-only" "$SUITE_TMP/out.$pass.$i" || fail "$pass: no F1 for: $subject"
            n=$((n + 1)) per[$minor]=$(( ${per[$minor]:-0} + 1 ))
            [ "$fix" = 1 ] && { fixes=$((fixes + 1)); echo "  stopped, fix-like by the data's keyword heuristic: $subject"; }
            [ "$docs" = 1 ] && { docs_n=$((docs_n + 1)); echo "  stopped, docs-like by the data's category: $subject"; }
            case $title in fix:*|fix\(*|docs:*|docs\(*) fail "$pass: a fix: or docs: title refused: $subject" ;; esac
        else
            [ "$got" = 0 ] || fail "$pass: expected accepted (exit 0), got $got: $subject"
        fi
    done <"$SUITE_TMP/rows.tsv"
    local m line=""
    for m in $(printf '%s\n' "${!per[@]}" | sort -V); do line+=" $m:${per[$m]}"; done
    echo "$pass: $n of $total merges stopped (per window:$line); fix-like among them: $fixes, docs-like: $docs_n"
    FIGURE=$n
}

titles_only() {
    replay t
    check t 5
    [ "$FIGURE" -eq 60 ] || fail "expected 60 of 84 stopped by their titles, got $FIGURE"
}

with_paths() {
    replay p
    check p 6
    # The same 54 commits `relgate audit` flags in these windows.
    [ "$FIGURE" -eq 54 ] || fail "expected 54 of 84 stopped with the real paths, got $FIGURE"
}

setup
run_scenario "Envoy AI Gateway's freeze-window PR titles through relgate pr (titles decide)" titles_only
run_scenario "the same with each squash's real paths (docs-only PRs pass)" with_paths
wait_scenarios
# The figures, for the report (ctest --output-on-failure -V shows them).
for d in "${SCEN_DIRS[@]}"; do grep -h -e ' merges stopped' -e '^  stopped' "$d/log" | sed 's/^/# /'; done
finish
