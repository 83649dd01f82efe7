#!/usr/bin/env python3
"""Build a replica of Envoy AI Gateway's real git history from its TSV metadata.

    aigw_replica.py --data DIR --out REPO [--bare] [--strip-pr-refs]
                    [--map FILE] [--object-format sha1|sha256] [--check-paths]

DIR is the data folder (../shared/data/ai-gateway, see its README.md); REPO must
not exist or be an empty directory. The replica is built with ONE
`git fast-import` run:

* one commit per row of history.tsv, with the same parents; author and
  committer are `Replica <replica@example.invalid>` at the row's
  committer_epoch +0000;
* message: the subject; then one paragraph of trailer-like lines:
  `Refs: #459, #468` when the row names pull requests in its body (left out
  with --strip-pr-refs), `(cherry picked from commit <sha>)` for each
  cherry_picked_from sha (mapped to the replica's sha when the source is in the
  history), and `Signed-off-by: Replica <replica@example.invalid>` when the row
  says signed_off=yes;
* --strip-pr-refs also removes pull-request references (`(#N)` and a bare
  `#N`) from the subjects of commits that are not on main (the release-branch
  backports); subjects of main commits are kept intact;
* tree: the first parent's tree, with every path of the row's `paths` written
  with content unique to the commit (`<orig sha> <path>\\n`), so
  `git diff-tree --name-only -r` of a replica commit against its first parent
  is the row's set of paths (the root commit: all of its paths);
* refs: refs/heads/main at the main head (the childless row with the largest
  ancestry; cross-checked with main-commits.tsv when present), every
  release/* branch of branches.tsv at its head (short sha, resolved by prefix),
  every tag of tags.tsv as a lightweight tag.

--map FILE writes `orig_sha<TAB>replica_sha` for every commit (history order).
--check-paths verifies, after the build, every commit's touched paths against
the data (one `git log` process; about a second).

Deterministic: the same inputs give the same replica shas. No user or system
git configuration is read; hooks are disabled. Exit status 0 on success, 1 when
the data cannot be mapped (an unresolvable tag or branch sha, a broken parent)
or a check fails, 2 on usage errors.
"""

import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile

IDENT = b"Replica <replica@example.invalid>"
SIGNOFF = "Signed-off-by: Replica <replica@example.invalid>"

csv.field_size_limit(1 << 30)


def die(msg, code=1):
    sys.stderr.write("aigw_replica: error: %s\n" % msg)
    sys.exit(code)


def read_tsv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows:
        die("%s is empty" % path)
    header = rows[0]
    return [dict(zip(header, r)) for r in rows[1:] if r]


def git_env():
    env = dict(os.environ)
    for k in list(env):
        if k.startswith("GIT_"):
            del env[k]
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    env["GIT_CONFIG_GLOBAL"] = os.devnull
    env["HOME"] = env.get("HOME", "/nonexistent")
    env["LC_ALL"] = "C"
    # fast-import frees and reallocates large buffers per object; glibc's
    # default heap trimming then costs a brk() + TLB flush each time, which
    # makes the import ~5x slower on some VMs. Keep the heap.
    env.setdefault("MALLOC_TRIM_THRESHOLD_", "1073741824")
    env.setdefault("MALLOC_TOP_PAD_", "67108864")
    return env


GIT_BASE = ["git", "-c", "core.hooksPath=/dev/null", "-c", "gc.auto=0",
            "-c", "maintenance.auto=false", "-c", "core.autocrlf=false",
            "-c", "core.quotePath=false"]


def git(repo, *args, input=None, check=True):
    p = subprocess.run(GIT_BASE + ["-C", repo] + list(args), input=input,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=git_env())
    if check and p.returncode != 0:
        die("git %s failed (exit %d): %s" % (" ".join(args), p.returncode,
                                             p.stderr.decode(errors="replace").strip()))
    return p


def quote_path(path):
    """A path for a fast-import `M` line, C-quoted when it needs it."""
    if not path or path.startswith('"') or any(c in path for c in '\n\\"') \
            or any(ord(c) < 0x20 or ord(c) == 0x7f for c in path):
        out = ['"']
        for ch in path.encode("utf-8"):
            c = chr(ch)
            if c == '"':
                out.append('\\"')
            elif c == "\\":
                out.append("\\\\")
            elif c == "\n":
                out.append("\\n")
            elif ch < 0x20 or ch >= 0x7f:
                out.append("\\%03o" % ch)
            else:
                out.append(c)
        out.append('"')
        return "".join(out).encode("ascii")
    return path.encode("utf-8")


PR_PAREN = re.compile(r"\s*\(#\d+\)")
PR_BARE = re.compile(r"\s*(?<![\w/])#\d+\b")


def strip_pr_refs(subject):
    s = PR_PAREN.sub("", subject)
    s = PR_BARE.sub("", s)
    s = re.sub(r"\s+", " ", s).strip()
    return s or subject


def split_list(value, sep):
    return [v.strip() for v in value.split(sep) if v.strip()] if value else []


class History:
    def __init__(self, data):
        self.data = data
        self.rows = read_tsv(os.path.join(data, "history.tsv"))
        self.index = {}
        for i, r in enumerate(self.rows):
            sha = r["sha"].strip().lower()
            if not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", sha):
                die("history.tsv row %d: bad sha %r" % (i + 2, r["sha"]))
            if sha in self.index:
                die("history.tsv: duplicate sha %s" % sha)
            r["sha"] = sha
            r["_parents"] = [p.lower() for p in split_list(r.get("parents", ""), ",")]
            for p in r["_parents"]:
                if p not in self.index:
                    die("history.tsv row %d (%s): parent %s is not an earlier row"
                        % (i + 2, sha[:9], p[:9]))
            self.index[sha] = i
        self.main_head = self._main_head()
        self.on_main = self._ancestors(self.main_head)

    def resolve(self, prefix, what):
        prefix = prefix.strip().lower()
        if not re.fullmatch(r"[0-9a-f]{4,64}", prefix):
            die("%s: %r is not a sha" % (what, prefix))
        hits = [s for s in self.index if s.startswith(prefix)]
        if len(hits) != 1:
            die("%s: sha %s %s in history.tsv" % (
                what, prefix, "matches no commit" if not hits else
                "is ambiguous (%d commits)" % len(hits)))
        return hits[0]

    def _ancestors(self, sha):
        seen = set()
        stack = [sha]
        while stack:
            s = stack.pop()
            if s in seen:
                continue
            seen.add(s)
            stack.extend(self.rows[self.index[s]]["_parents"])
        return seen

    def _main_head(self):
        has_child = set()
        for r in self.rows:
            has_child.update(r["_parents"])
        leaves = [r["sha"] for r in self.rows if r["sha"] not in has_child]
        # main is the longest line of history: the leaf with most ancestors
        # (ties: the later row).
        best = max(((len(self._ancestors(s)), self.index[s], s) for s in leaves))
        head = best[2]
        mc = os.path.join(self.data, "main-commits.tsv")
        if os.path.exists(mc):
            listed = read_tsv(mc)
            if listed:
                want = self.resolve(listed[0]["sha"], "main-commits.tsv first row")
                if want != head:
                    die("main head: main-commits.tsv starts at %s, but the longest "
                        "line of history.tsv ends at %s" % (want[:9], head[:9]))
                if len(listed) != len(self._ancestors(head)):
                    die("main: main-commits.tsv lists %d commits, history.tsv has %d "
                        "reachable from %s" % (len(listed), len(self._ancestors(head)),
                                               head[:9]))
        return head


def build_stream(h, strip):
    """The fast-import stream. Marks are row index + 1."""
    out = []
    mark = {r["sha"]: i + 1 for i, r in enumerate(h.rows)}
    out.append(b"feature done\n")
    for i, r in enumerate(h.rows):
        sha = r["sha"]
        subject = r["subject"]
        if strip and sha not in h.on_main:
            subject = strip_pr_refs(subject)
        trailer = []
        refs = split_list(r.get("body_pr_refs", ""), ",")
        if refs and not strip:
            trailer.append("Refs: " + ", ".join("#" + x.lstrip("#") for x in refs))
        for cp in split_list(r.get("cherry_picked_from", ""), ","):
            cp = cp.lower()
            # sources inside the history are rewritten to their replica sha
            # afterwards (rewrite_cp)
            trailer.append("(cherry picked from commit %s)" % cp)
        if r.get("signed_off", "").strip().lower() == "yes":
            trailer.append(SIGNOFF)
        msg = subject + "\n"
        if trailer:
            msg += "\n" + "\n".join(trailer) + "\n"
        msgb = msg.encode("utf-8")
        when = int(r["committer_epoch"])
        out.append(b"commit refs/heads/main\nmark :%d\n" % (i + 1))
        out.append(b"author %s %d +0000\n" % (IDENT, when))
        out.append(b"committer %s %d +0000\n" % (IDENT, when))
        out.append(b"data %d\n%s\n" % (len(msgb), msgb))
        parents = r["_parents"]
        if parents:
            out.append(b"from :%d\n" % mark[parents[0]])
            for p in parents[1:]:
                out.append(b"merge :%d\n" % mark[p])
        else:
            # a root commit starts from the empty tree, even on a reused ref
            out.append(b"deleteall\n")
        for path in split_list(r.get("paths", ""), ";"):
            content = ("%s %s\n" % (sha, path)).encode("utf-8")
            out.append(b"M 100644 inline %s\ndata %d\n%s\n"
                       % (quote_path(path), len(content), content))
        out.append(b"\n")
    return out, mark


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, help="the ai-gateway data folder")
    ap.add_argument("--out", required=True, help="the repository to create")
    ap.add_argument("--bare", action="store_true", help="make a bare repository")
    ap.add_argument("--strip-pr-refs", action="store_true",
                    help="no PR references in bodies, nor in subjects of non-main commits")
    ap.add_argument("--map", metavar="FILE", help="write orig_sha<TAB>replica_sha lines")
    ap.add_argument("--object-format", choices=["sha1", "sha256"], default="sha1")
    ap.add_argument("--check-paths", action="store_true",
                    help="verify every commit's touched paths after the build")
    try:
        args = ap.parse_args()
    except SystemExit as e:
        sys.exit(2 if e.code else 0)

    data = args.data
    for f in ("history.tsv", "tags.tsv", "branches.tsv"):
        if not os.path.isfile(os.path.join(data, f)):
            die("%s not found in %s" % (f, data), 2)
    out = os.path.abspath(args.out)
    if os.path.exists(out) and (not os.path.isdir(out) or os.listdir(out)):
        die("%s exists and is not an empty directory" % out, 2)

    h = History(data)

    # refs, resolved before anything is written
    refs = [("refs/heads/main", h.main_head)]
    for b in read_tsv(os.path.join(data, "branches.tsv")):
        name = b["branch"].strip()
        if not name.startswith("release/"):
            die("branches.tsv: unexpected branch %r" % name)
        refs.append(("refs/heads/" + name, h.resolve(b["head_sha"], "branch " + name)))
    for t in read_tsv(os.path.join(data, "tags.tsv")):
        name = t["tag"].strip()
        sha = t["sha"].strip().lower()
        if sha not in h.index:
            die("tag %s: commit %s is not in history.tsv" % (name, sha[:12]))
        short = t.get("short_sha", "").strip().lower()
        if short and not sha.startswith(short):
            die("tag %s: sha %s and short_sha %s disagree" % (name, sha, short))
        refs.append(("refs/tags/" + name, sha))

    # cherry-pick sources inside the history are named by their replica sha;
    # this needs the replica shas of earlier commits, so when any row has one
    # the stream is built twice (the data has none; kept for completeness).
    needs_cp_map = any(split_list(r.get("cherry_picked_from", ""), ",") for r in h.rows)

    created = not os.path.exists(out)
    tmpdir = tempfile.mkdtemp(prefix="aigw-replica.")
    try:
        init = ["init", "-q", "--object-format=" + args.object_format,
                "--initial-branch=main"]
        if args.bare:
            init.append("--bare")
        p = subprocess.run(GIT_BASE + init + [out], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=git_env())
        if p.returncode != 0:
            die("git init failed: " + p.stderr.decode(errors="replace").strip())

        cp_map = {}
        if needs_cp_map:
            cp_map = first_pass_map(h, args, tmpdir)
        stream, mark = build_stream(h, args.strip_pr_refs)
        if cp_map:
            stream = [rewrite_cp(chunk, cp_map) for chunk in stream]
        for ref, sha in refs:
            stream.append(b"reset %s\nfrom :%d\n\n" % (ref.encode(), mark[sha]))
        stream.append(b"done\n")
        marks_file = os.path.join(tmpdir, "marks")
        git(out, "fast-import", "--quiet", "--force", "--done",
            "--export-marks=" + marks_file, input=b"".join(stream))

        replica = {}
        with open(marks_file) as f:
            for line in f:
                m, oid = line.split()
                replica[int(m[1:])] = oid
        if len(replica) != len(h.rows):
            die("fast-import made %d commits, expected %d" % (len(replica), len(h.rows)))
        rsha = {r["sha"]: replica[mark[r["sha"]]] for r in h.rows}

        # validation: every ref is where the data says; main has the right size
        listing = git(out, "for-each-ref", "--format=%(refname) %(objectname)").stdout.decode()
        have = dict(l.split(" ", 1) for l in listing.splitlines())
        errors = []
        for ref, sha in refs:
            if have.get(ref) != rsha[sha]:
                errors.append("%s is %s, expected %s (orig %s)"
                              % (ref, have.get(ref), rsha[sha], sha[:9]))
        extra = set(have) - {r for r, _ in refs}
        if extra:
            errors.append("unexpected refs: " + ", ".join(sorted(extra)))
        n_main = int(git(out, "rev-list", "--count", "refs/heads/main").stdout)
        if n_main != len(h.on_main):
            errors.append("main has %d commits, expected %d" % (n_main, len(h.on_main)))
        if args.check_paths:
            errors += check_paths(out, h, rsha)
        if errors:
            die("replica does not match the data:\n  " + "\n  ".join(errors))

        if not args.bare:
            git(out, "reset", "--hard", "-q", "refs/heads/main")

        if args.map:
            with open(args.map, "w") as f:
                for r in h.rows:
                    f.write("%s\t%s\n" % (r["sha"], rsha[r["sha"]]))
    except SystemExit:
        if created:
            shutil.rmtree(out, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def rewrite_cp(chunk, cp_map):
    for orig, new in cp_map.items():
        chunk = chunk.replace(b"(cherry picked from commit %s)" % orig.encode(),
                              b"(cherry picked from commit %s)" % new.encode())
    return chunk


def first_pass_map(h, args, tmpdir):
    """Replica shas of cherry-pick sources. A commit's sha depends on its
    message, so commits are imported in history order, one pass per
    dependency level (sources are earlier rows); the data has no such rows."""
    cp_map = {}
    for _ in range(len(h.rows)):
        repo = os.path.join(tmpdir, "pass")
        shutil.rmtree(repo, ignore_errors=True)
        subprocess.run(GIT_BASE + ["init", "-q", "--bare",
                                   "--object-format=" + args.object_format, repo],
                       check=True, env=git_env(), stdout=subprocess.DEVNULL)
        stream, mark = build_stream(h, args.strip_pr_refs)
        stream = [rewrite_cp(c, cp_map) for c in stream] + [b"done\n"]
        mf = os.path.join(tmpdir, "pass-marks")
        git(repo, "fast-import", "--quiet", "--done", "--export-marks=" + mf,
            input=b"".join(stream))
        marks = dict(l.split() for l in open(mf))
        new = {}
        for r in h.rows:
            for cp in split_list(r.get("cherry_picked_from", ""), ","):
                cp = cp.lower()
                if cp in h.index:
                    new[cp] = marks[":%d" % mark[cp]]
        if new == cp_map:
            return cp_map
        cp_map = new
    die("cherry-pick sources do not settle")


def check_paths(repo, h, rsha):
    p = git(repo, "log", "--all", "--format=%x00%H", "--name-only", "-r",
            "--no-renames", "--root", "-z", "--no-abbrev")
    got = {}
    # parse: records start with "\0<sha>\n", then NUL-separated paths
    cur = None
    for tok in p.stdout.split(b"\x00"):
        if not tok:
            continue
        tok = tok.decode("utf-8", errors="surrogateescape")
        m = re.fullmatch(r"\n?([0-9a-f]{40}|[0-9a-f]{64})\n?", tok)
        if m:
            cur = m.group(1)
            got[cur] = set()
            continue
        if cur is not None:
            got[cur].add(tok.strip("\n"))
    errors = []
    for r in h.rows:
        want = set(split_list(r.get("paths", ""), ";"))
        have = got.get(rsha[r["sha"]])
        if have is None:
            errors.append("commit %s (orig %s) not found" % (rsha[r["sha"]][:9], r["sha"][:9]))
        elif have != want:
            errors.append("commit %s (orig %s): paths differ: missing %s, extra %s" % (
                rsha[r["sha"]][:9], r["sha"][:9], sorted(want - have)[:5],
                sorted(have - want)[:5]))
    return errors


if __name__ == "__main__":
    main()
