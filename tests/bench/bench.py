#!/usr/bin/env python3
"""relgate benchmark: relgate's hook work against git's own plumbing.

Generates release histories with `git fast-import` (a linear main with
conventional commit subjects and PR numbers, a release line every
--line-every commits with rc1, rc2, the final tag at rc2, release/vX.Y with
cherry-picked backports and a patch tag with a green CI note, the newest line
left in its RC phase so main is frozen), writes a commit-graph, and times
whole processes side by side: `relgate check` for a push, and the git
plumbing that answers the same question (the floor). Prints medians, the
ratio to the floor, and peak memory.

  tests/bench/bench.py --relgate build/release/relgate [--sizes 10000,200000,1000000] [--runs 15]
  tests/bench/bench.py --relgate build/test/relgate --smoke    # tiny, checks verdicts (CTest)
  tests/bench/bench.py --relgate build/release/relgate --dir /tmp/bench-repos --generate-only   # then time with --dir

Not part of the test run except --smoke, which checks that every case gives
the verdict it should and prints the table, but asserts no timing.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ZERO = "0" * 40


def git(repo, *args, input=None):
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", HOME=repo, MALLOC_TRIM_THRESHOLD_="268435456",
               MALLOC_TOP_PAD_="268435456")
    return subprocess.run(["git", "-C", repo, *args], input=input, check=True, stdout=subprocess.PIPE,
                          env=env).stdout.decode().strip()


def generate(repo, n, line_every):
    """Writes the history into the bare repository `repo`; returns facts about it."""
    out = []
    w = out.append
    mark = 0
    t0 = 1_600_000_000
    main_marks = []
    tags = {}
    facts = {"lines": [], "size": n}
    pr = 0

    def commit(ref, subject, parent, path, body="", when=None):
        nonlocal mark
        mark += 1
        msg = subject + ("\n\n" + body if body else "") + "\n"
        data = msg.encode()
        w(b"commit %s\nmark :%d\ncommitter Bench <b@example.invalid> %d +0000\ndata %d\n" %
          (ref.encode(), mark, when or (t0 + mark * 60), len(data)))
        w(data)
        if parent:
            w(b"from :%d\n" % parent)
        content = b"%d\n" % mark
        w(b"M 644 inline %s\ndata %d\n%s\n" % (path.encode(), len(content), content))
        return mark

    line = 0
    released = []
    for i in range(1, n + 1):
        pr += 1
        kind = "fix" if i % 3 == 0 else ("docs" if i % 7 == 0 else "feat")
        path = f"docs/page{i % 50}.md" if kind == "docs" else f"src/mod{i % 97}/file{i % 13}.go"
        m = commit("refs/heads/main", f"{kind}: change {i} (#{pr})", main_marks[-1] if main_marks else None, path)
        main_marks.append(m)
        if i % line_every == line_every // 2:
            line += 1
            tags[f"v0.{line}.0-rc1"] = m
        if i % line_every == line_every // 2 + 5 and line:
            tags[f"v0.{line}.0-rc2"] = m
            tags[f"v0.{line}.0"] = m
            released.append((line, m))
    # The newest line stays in its RC phase (main is frozen), 50 commits back.
    open_line = line + 1
    tags[f"v0.{open_line}.0-rc1"] = main_marks[-51]
    facts["open_line"] = open_line
    # Release branches: each released line gets one backport and a patch tag;
    # the newest released line also gets 10 backports waiting on refs/bench/.
    notes = []
    for ln, base in released:
        src_pr = min(len(main_marks), main_marks.index(base) + 8)  # main commit i has PR number i
        b = commit(f"refs/heads/release/v0.{ln}", f"fix: backport to 0.{ln}", base, f"src/mod{ln % 97}/fix.go",
                   body=f"Backport of #{src_pr}")
        tags[f"v0.{ln}.1"] = b
        notes.append(b)
    last_line, last_base = released[-1]
    # One more backport on the newest released line after its v0.X.1, so a
    # v0.X.2 at the branch's head brings something (T7).
    src_pr = min(len(main_marks), main_marks.index(last_base) + 9)
    second = commit(f"refs/heads/release/v0.{last_line}", f"fix: second backport to 0.{last_line}", mark,
                    f"src/mod{last_line % 97}/fix2.go", body=f"Backport of #{src_pr}")
    notes.append(second)
    branch_head = mark
    pending = branch_head
    for k in range(10):
        src_pr = (main_marks.index(last_base) + 20 + k) % len(main_marks) + 1
        pending = commit("refs/bench/backports", f"backport: fix: change {src_pr} (#{src_pr}) (#{n + 100 + k})",
                         pending, f"src/bp/{k}.go")
    facts["backport_line"] = last_line
    # Lightweight tags and CI notes for the patch tags' commits.
    for name, m in tags.items():
        w(b"reset refs/tags/%s\nfrom :%d\n\n" % (name.encode(), m))
    mark += 1
    note_lines = []
    for b in notes:
        note_lines.append(b"N inline :%d\ndata 14\nsuccess build\n\n" % b)
    w(b"commit refs/notes/ci\nmark :%d\ncommitter Bench <b@example.invalid> %d +0000\ndata 3\nci\n" % (mark, t0))
    for nl in note_lines:
        w(nl)
    w(b"\n")
    # Backports are proven by PR references here (fast-import cannot put a
    # commit's id into another's message); cherry-pick lines are covered by
    # the black-box suites.
    stream = b"".join(out)
    subprocess.run(["git", "-C", repo, "fast-import", "--quiet"], input=stream, check=True,
                   env=dict(os.environ, MALLOC_TRIM_THRESHOLD_="268435456", MALLOC_TOP_PAD_="268435456"))
    git(repo, "symbolic-ref", "HEAD", "refs/heads/main")
    # As a server keeps a repository: refs packed (fast-import leaves every
    # tag a loose file), and objects deltified the way git's pack-objects
    # does for every push (newer versions whole, older ones as deltas);
    # fast-import deltifies the other way round, which makes reading recent
    # trees slower than on any real server.
    git(repo, "pack-refs", "--all")
    git(repo, "repack", "-a", "-d", "-f", "-q")
    git(repo, "commit-graph", "write", "--reachable")
    return facts


def shell(cmd):
    """A command of under_receive_pack's as an argv exec can run."""
    return ["/bin/sh", *cmd[1:]] if cmd[0] == "git-receive-pack" else cmd


def unwrapped(cmd):
    """The command under_receive_pack wrapped."""
    return cmd[4:] if cmd[0] == "git-receive-pack" else cmd


def peak_mib(cmd, cwd, stdin=None, env=None):
    """Peak RSS of `cmd` in MiB, measured by /usr/bin/time (a forked child's
    own ru_maxrss would include this Python process's pages); None without it.
    It counts the pages of the pack and its index that the process touched."""
    if not os.path.exists("/usr/bin/time"):
        return None
    p = subprocess.run(["/usr/bin/time", "-f", "%M", *shell(cmd)], cwd=cwd, input=stdin, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, env=env)
    try:
        return int(p.stderr.decode().strip().splitlines()[-1]) / 1024
    except (ValueError, IndexError):
        return None


def run(cmd, cwd, runs, stdin=None, env=None):
    """Median wall time (ms), peak RSS (MiB) and exit codes of `cmd` as a whole process."""
    times, rcs = [], set()
    for _ in range(runs):
        start = time.perf_counter()
        p = subprocess.run(cmd, cwd=cwd, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                           executable="/bin/sh" if cmd[0] == "git-receive-pack" else None)
        times.append((time.perf_counter() - start) * 1000)
        rcs.add(p.returncode)
    return statistics.median(times), peak_mib(cmd, cwd, stdin, env), rcs


def recent_backports(repo, facts, branch):
    """10 squash backports of commits that landed on main recently (its last
    hundred commits), on top of `branch`, as refs/bench/backports-recent:
    the common case, where the newest-first search of main stops early. The
    other backport case is the worst: sources right after the line's final
    tag."""
    ref = "refs/bench/backports-recent"
    try:
        return git(repo, "rev-parse", "-q", "--verify", ref)
    except subprocess.CalledProcessError:
        pass
    n = facts["size"]
    # Main commit i is "<kind>: change i (#i)"; take sources among the
    # newest hundred made after the line's final tag.
    since = int(git(repo, "rev-list", "--count", f"v0.{facts['backport_line']}.0..main"))
    newest = min(since, 100)
    tree = git(repo, "rev-parse", f"{branch}^{{tree}}")
    parent = branch
    for k in range(10):
        src = n - (k * newest) // 10
        parent = git(repo, "-c", "user.name=Bench", "-c", "user.email=b@example.invalid", "commit-tree", tree,
                     "-p", parent, "-m",
                     f"backport: fix: change {src} (#{src}) (#{n + 200 + k})")
    git(repo, "update-ref", ref, parent)
    return parent


def merges(repo, base, count=50):
    """`count` fixes, each landed on top of `base` with a merge commit (git
    merge --no-ff), as refs/bench/merges: a push of merges to frozen main.
    Each merge's tree is the clean merge of its parents, so relgate merges
    every one of them to see that it brings nothing beyond its fix."""
    ref = "refs/bench/merges"
    try:
        return git(repo, "rev-parse", "-q", "--verify", ref)
    except subprocess.CalledProcessError:
        pass
    out = []
    when = 1_700_000_000
    prev = None
    for k in range(1, count + 1):
        content = b"fix %d\n" % k
        path = b"src/merged/fix%d.go" % k
        for mark, ref_name, subject, merge in ((2 * k - 1, b"refs/bench/merge-side", b"fix: merged change %d" % k, None),
                                               (2 * k, ref.encode(), b"Merge pull request #%d from fix-%d" % (k, k),
                                                2 * k - 1)):
            msg = subject + b"\n"
            out.append(b"commit %s\nmark :%d\ncommitter Bench <b@example.invalid> %d +0000\ndata %d\n%s" %
                       (ref_name, mark, when + mark, len(msg), msg))
            out.append(b"from %s\n" % (b":%d" % prev if prev else base.encode()))
            if merge:
                out.append(b"merge :%d\n" % merge)
            out.append(b"M 644 inline %s\ndata %d\n%s\n" % (path, len(content), content))
        prev = 2 * k
    subprocess.run(["git", "-C", repo, "fast-import", "--quiet"], input=b"".join(out), check=True)
    return git(repo, "rev-parse", ref)


def under_receive_pack(cmd):
    """`cmd` run by a shell whose command line is `git-receive-pack ...`, as
    git runs a server hook (relgate's journal looks for that process)."""
    return ["git-receive-pack", "-c", '"$@"; exit $?', "sh", *cmd]


def cases(repo, relgate, facts):
    r = lambda *a: git(repo, "rev-parse", *a)
    main = r("main")
    old1 = r("main~1")
    old50 = r("main~50")
    ol = facts["open_line"]
    rc1 = r(f"v0.{ol}.0-rc1")
    bl = facts["backport_line"]
    branch = r(f"release/v0.{bl}")
    pending = r("refs/bench/backports")
    patch_base = r(f"v0.{bl}.1")
    recent = recent_backports(repo, facts, branch)
    merged = merges(repo, main)
    check = [relgate, "check"]
    # name, relgate argv, expected exit, floor argv, how main must be set first
    out = [
        ("1-commit push to frozen main", check + ["refs/heads/main", old1, main], {0, 1},
         ["git", "rev-list", "--count", f"{old1}..{main}"], old1),
        ("50-commit push to frozen main", check + ["refs/heads/main", old50, main], {1},
         ["git", "rev-list", "--count", f"{old50}..{main}"], old50),
        # The same push against git answering the whole question: each new
        # commit's subject and the paths it changes.
        ("  same, git reading paths too", check + ["refs/heads/main", old50, main], {1},
         ["git", "log", "--raw", "--no-renames", "--format=%s", f"{old50}..{main}"], old50),
        # Merges: relgate computes each one's clean merge (libgit2, in
        # memory); git's own --remerge-diff does the same for every merge.
        ("push of 50 merges to frozen main", check + ["refs/heads/main", main, merged], {0},
         ["git", "log", "--remerge-diff", "--format=%s", f"{main}..{merged}"], None),
        ("new rc tag (rc2 on main)", check + [f"refs/tags/v0.{ol}.0-rc2", ZERO, main], {0},
         ["git", "merge-base", "--is-ancestor", rc1, main], None),
        # The same through the server hook: stdin, the lock and the journal
        # of accepted pushes (relgate-pending/: relgate finds the
        # receive-pack above it, here a shell named git-receive-pack that
        # ends with the run, so the entry never counts for a later case).
        # The floor runs under the same shell.
        ("  same, as pre-receive", under_receive_pack([relgate, "pre-receive"]), {0},
         under_receive_pack(["git", "merge-base", "--is-ancestor", rc1, main]), None,
         f"{ZERO} {main} refs/tags/v0.{ol}.0-rc2\n".encode()),
        ("final tag at the last rc", check + [f"refs/tags/v0.{ol}.0", ZERO, rc1], {0},
         ["git", "merge-base", "--is-ancestor", rc1, main], None),
        ("patch tag on its release branch", check + [f"refs/tags/v0.{bl}.2", ZERO, branch], {0},
         ["git", "merge-base", "--is-ancestor", patch_base, branch], None),
        ("push of 10 backports", check + [f"refs/heads/release/v0.{bl}", branch, pending], {0, 1},
         ["git", "rev-list", "--count", f"{branch}..{pending}"], None),
        ("  same, sources near main's tip", check + [f"refs/heads/release/v0.{bl}", branch, recent], {0},
         ["git", "rev-list", "--count", f"{branch}..{recent}"], None),
        ("list release tags", [relgate, "check", "refs/heads/feature", ZERO, main], {0},
         ["git", "for-each-ref", "refs/tags"], None),
        # A tag that is not a release name is checked for look-alikes: an
        # ASCII name with ICU's skeletons compiled in, a name outside ASCII
        # by loading ICU (util/unicode.hpp). ASCII pushes must not pay for it.
        ("ASCII tag, not a release name", check + ["refs/tags/build-1", ZERO, main], {0},
         ["git", "for-each-ref", "refs/tags"], None),
        ("  same, a name outside ASCII", check + ["refs/tags/caf\u00e9-1", ZERO, main], {0},
         ["git", "for-each-ref", "refs/tags"], None),
        ("  same, a look-alike of v0.1.0", check + ["refs/tags/\U0001d42f0.1.0", ZERO, main], {1},
         ["git", "for-each-ref", "refs/tags"], None),
    ]
    if facts["size"] > 100_000:
        old100k = r("main~100000")
        out.append(("100k-commit push to frozen main", check + ["refs/heads/main", old100k, main], {1},
                    ["git", "rev-list", "--count", f"{old100k}..{main}"], old100k))
        # B7 reads every new commit's message for a cherry-pick line: git
        # answering that question reads the same 100,000 commits.
        out.append(("  same, git reading messages", check + ["refs/heads/main", old100k, main], {1},
                    ["git", "log", "--format=%B", "--grep=cherry picked from commit", f"{old100k}..{main}"], old100k))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--relgate", required=True)
    ap.add_argument("--sizes", default="10000,200000")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--line-every", type=int, default=0, help="commits per release line (default: size/60)")
    ap.add_argument("--smoke", action="store_true", help="tiny sizes, few runs, check verdicts only")
    ap.add_argument("--keep", action="store_true", help="keep the generated repositories")
    ap.add_argument("--dir", help="keep the repositories in DIR and reuse those already there (repo-N.git)")
    ap.add_argument("--generate-only", action="store_true", help="generate the repositories (with --dir), time nothing")
    args = ap.parse_args()
    relgate = os.path.abspath(args.relgate)
    sizes = [400] if args.smoke else [int(s) for s in args.sizes.split(",")]
    runs = 3 if args.smoke else args.runs
    if args.dir:
        os.makedirs(args.dir, exist_ok=True)
    tmp = os.path.abspath(args.dir) if args.dir else tempfile.mkdtemp(prefix="relgate-bench.")
    hook_env = dict(os.environ)
    failures = 0
    cases_run = 0
    try:
        for n in sizes:
            repo = os.path.join(tmp, f"repo-{n}.git")
            facts_file = os.path.join(repo, "bench-facts.json")
            line_every = args.line_every or max(20, n // 60)
            facts = None
            if args.dir and os.path.exists(facts_file):
                with open(facts_file) as f:
                    facts = json.load(f)
                if facts.get("line_every") != line_every:
                    facts = None
                    shutil.rmtree(repo)
            if facts:
                generated = facts["generated"]
                git(repo, "commit-graph", "write", "--reachable")
            else:
                subprocess.run(["git", "init", "-q", "--bare", repo], check=True)
                t = time.perf_counter()
                facts = generate(repo, n, line_every)
                generated = time.perf_counter() - t
                facts.update(line_every=line_every, generated=generated)
                with open(facts_file, "w") as f:
                    json.dump(facts, f)
            if args.generate_only:
                print(f"{repo}: {n} commits ({generated:.1f} s to generate)", flush=True)
                continue
            graph = os.path.join(repo, "objects", "info", "commit-graph")
            for with_graph in (True, False):
                if not with_graph:
                    os.remove(graph)
                print(f"\n{n} commits ({generated:.1f} s to generate), refs packed, commit-graph "
                      + ("present" if with_graph else "absent"))
                print(f"{'case':34} {'relgate ms':>10} {'git ms':>8} {'ratio':>6} {'peak MiB':>9} {'git MiB':>8}  floor")
                for name, cmd, want, floor, main_at, *stdin in cases(repo, relgate, facts):
                    stdin = stdin[0] if stdin else None
                    main_now = git(repo, "rev-parse", "main")
                    if main_at:
                        git(repo, "update-ref", "refs/heads/main", main_at)
                    try:
                        ms, peak, rcs = run(cmd, repo, runs, stdin, hook_env if stdin else None)
                        fms, fpeak, _ = run(floor, repo, runs)
                    finally:
                        git(repo, "update-ref", "refs/heads/main", main_now)
                    ok = rcs <= want
                    failures += not ok
                    cases_run += 1
                    peak_text = f"{peak:9.1f}" if peak is not None else f"{'n/a':>9}"
                    peak_text += f" {fpeak:8.1f}" if fpeak is not None else f" {'n/a':>8}"
                    print(f"{name:34} {ms:10.1f} {fms:8.1f} {ms / fms:6.2f} {peak_text}  {' '.join(unwrapped(floor)[1:3])}"
                          + ("" if ok else f"   UNEXPECTED exit {sorted(rcs)}, wanted {sorted(want)}"), flush=True)
    finally:
        if args.keep or args.dir:
            print(f"\nrepositories kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"\n{cases_run - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
