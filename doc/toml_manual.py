#!/usr/bin/env python3
"""Writes relgate.toml(5)'s scdoc source from config/relgate.toml.

    toml_manual.py config/relgate.toml doc/relgate.toml.5.scd.in OUT

The built-in policy is the one description of every key: its comments say
what a key means, its values are the defaults (relgate compiles the same
file in), and each table's header says which keys are repository policy and
which host configuration. This script turns that into the KEYS section of
the manual page (@KEYS@ in the template), so the two cannot drift; the unit
test tests/unit/manual_test.cpp checks the kinds against
src/policy/config_keys.cpp. A key without a comment of its own shares the
description of the keys above it; a commented-out key (`# argv = [...]`) is
one without a default.
"""
import re
import sys
import tomllib

KINDS = {"repository": "repository policy", "host": "host configuration"}


def escape(text):
    """scdoc's special characters, taken literally."""
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_")


def split_comment(line):
    """(code, comment) of a TOML line: the first # outside a string."""
    quote = None
    for i, c in enumerate(line):
        if quote:
            if c == quote:
                quote = None
            elif c == "\\" and quote == '"':
                continue
        elif c in "\"'":
            quote = c
        elif c == "#":
            return line[:i].rstrip(), line[i + 1:].strip()
    return line.rstrip(), ""


def table_kinds(table, annotation):
    """{key or '*': kind} from a header's comment, e.g. `ref: host; allow: repository`."""
    for word, kind in KINDS.items():
        if annotation.startswith(kind):
            return {"*": word}
    kinds = {}
    for part in annotation.split(";"):
        names, _, word = part.partition(":")
        word = word.strip()
        if word not in KINDS:
            sys.exit(f"toml_manual.py: [{table}]: cannot read the kinds in \"# {annotation}\"")
        for name in names.split(","):
            kinds[name.strip()] = word
    return kinds


def parse(path):
    """[(table, annotation, description, [entry])], entry = dict(keys=[(key, kind, value)], text)."""
    tables = []
    comment = []
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        header = re.match(r"^\[([a-z.]+)\]\s*(?:#\s*(.*))?$", line)
        if header:
            tables.append({"name": header.group(1), "kinds": table_kinds(header.group(1), header.group(2) or ""),
                           "text": [], "entries": []})
            comment = []
            continue
        if not tables:
            continue  # the file's own introduction
        table = tables[-1]
        commented_key = re.match(r"^# ([a-z_]+) = (.+)$", line)
        if line.startswith("#") and not commented_key:
            comment.append(line[1:].strip() if line[1:2] == " " and line[2:3] != " " else line[2:].rstrip())
            continue
        if not line.strip():
            comment = []
            continue
        if commented_key:
            key, value, inline = commented_key.group(1), None, ""
            example = commented_key.group(2)
        else:
            code, inline = split_comment(line)
            key, _, value = (s.strip() for s in code.partition("="))
            # A value that goes on over several lines (an array).
            while value.count("[") > value.count("]") and i < len(lines):
                value += " " + split_comment(lines[i])[0].strip()
                i += 1
            example = None
        kind = table["kinds"].get(key, table["kinds"].get("*"))
        if kind is None:
            sys.exit(f"toml_manual.py: [{table['name']}] {key}: its kind is not in the table's header comment")
        full = f"{table['name']}.{key}"
        text = comment + ([inline] if inline else [])
        if inline and comment:  # a key with its own comment: what came before is about the table
            table["text"] += comment
            text = [inline]
        elif not table["entries"] and "" in comment:  # paragraphs before a "#" line: about the table
            cut = len(comment) - comment[::-1].index("")
            table["text"] += comment[:cut]
            text = comment[cut:] + ([inline] if inline else [])
        if text or not table["entries"]:
            table["entries"].append({"keys": [], "text": text})
        table["entries"][-1]["keys"].append((full, kind, value, example))
        comment = []
    return tables


def render_text(lines):
    """Comment lines as one indented paragraph; an item of a list (`1. ...`,
    `"notes"   ...`) starts a line of its own."""
    out = []
    for line in lines:
        if not line.strip():
            continue
        if re.match(r'(\d+\. |"[a-z]+" )', line.strip()) and out:
            out[-1] += "++"
        line = escape(line.strip())
        if line[0] in "[-`":  # a table, list or literal block to scdoc at the start of a line
            line = "\\" + line
        out.append("\t" + line)
    return out


def render(tables):
    out = []
    for table in tables:
        out.append(f"## [{table['name']}]")
        out.append("")
        if table["text"]:
            out += [line[1:] for line in render_text(table["text"])]
            out.append("")
        for entry in table["entries"]:
            heads = []
            for full, kind, value, example in entry["keys"]:
                if value is not None:
                    heads.append(f"*{escape(full)}* ({KINDS[kind]}), default: {escape(value)}")
                else:
                    heads.append(f"*{escape(full)}* ({KINDS[kind]}), unset by default; e.g. {escape(example)}")
            out.append("++\n".join(heads))
            if not entry["text"]:
                sys.exit(f"toml_manual.py: {entry['keys'][0][0]}: no comment says what it means")
            out += render_text(entry["text"])
            out.append("")
    return "\n".join(out)


def check_against_toml(path, tables):
    """Every key TOML reads is in the page (and the page has no key TOML does not read)."""
    def leaves(node, prefix):
        for k, v in node.items():
            if isinstance(v, dict):
                yield from leaves(v, f"{prefix}{k}.")
            else:
                yield f"{prefix}{k}"
    with open(path, "rb") as f:
        parsed = set(leaves(tomllib.load(f), ""))
    listed = {full for t in tables for e in t["entries"] for full, _, value, _ in e["keys"] if value is not None}
    if parsed != listed:
        sys.exit(f"toml_manual.py: keys read differently: {sorted(parsed ^ listed)}")


def main():
    toml_path, template, output = sys.argv[1:4]
    tables = parse(toml_path)
    check_against_toml(toml_path, tables)
    page = open(template, encoding="utf-8").read()
    if "@KEYS@" not in page:
        sys.exit(f"toml_manual.py: {template} has no @KEYS@")
    page = page.replace("@KEYS@", render(tables))
    with open(output, "w", encoding="utf-8") as f:
        f.write(page)


if __name__ == "__main__":
    main()
