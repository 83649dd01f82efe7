"""Reading Envoy AI Gateway's release data (../shared/data/ai-gateway) and
predicting verdicts from it, independently of relgate: shared by the replay
suites (tests/blackbox/aigw_*_replay.sh, status_next_audit.sh)."""
import csv
import os
import re

csv.field_size_limit(1 << 30)


def rows(data, name):
    """The rows of a TSV file of the data folder, as dicts by column name."""
    with open(os.path.join(data, name), newline="", encoding="utf-8") as f:
        r = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [dict(zip(r[0], x)) for x in r[1:] if x]


def glob_re(g):
    """A path glob as relgate's docs_paths reads it: ** any levels, * and ? within one."""
    out, i = "", 0
    while i < len(g):
        if g.startswith("**/", i): out += "(?:.*/)?"; i += 3
        elif g.startswith("**", i): out += ".*"; i += 2
        elif g[i] == "*": out += "[^/]*"; i += 1
        elif g[i] == "?": out += "[^/]"; i += 1
        else: out += re.escape(g[i]); i += 1
    return re.compile(out + r"\Z")


# The default policy's freeze signals, written out from its documentation.
DOCS = [glob_re(g) for g in ("docs/**", "site/**", "**/*.md")]
# freeze.allow alone (what fix_words = [] leaves):
ALLOW_STRICT = re.compile(r'^(fix|docs|security|revert)(\([^)]*\))?!?: |^Revert "')
# freeze.fix_words: a typed subject ("extproc: fix ...") whose description
# starts with fix/fixes/fixed/bugfix/hotfix, the type not feat (any case).
FIX_WORD = re.compile(r'^(?!(?i:feat)[(!:])[A-Za-z][A-Za-z0-9_-]*(\([^)]*\))?!?: +'
                      r'(?i:fix|fixes|fixed|bugfix|hotfix)(?![A-Za-z0-9_])')
# The default policy's subjects: either.
ALLOW = re.compile(ALLOW_STRICT.pattern + "|" + FIX_WORD.pattern)
KEYWORDS = re.compile(r"(?<![A-Za-z0-9_])(hotfix|bugfix)(?![A-Za-z0-9_])", re.I)
