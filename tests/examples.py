#!/usr/bin/env python3
"""The examples of salvo's documentation, found and sorted for the tests that run them
(tests/cli/test_examples.sh, tests/netns/test_examples.sh).

  list ROOT CONTEXT      every example, a line each: WHERE <tab> KIND <tab> COMMAND, where
                         COMMAND is what CONTEXT (cli or testbed) runs; for a transcript a
                         fourth field holds the first word of each output line shown
  fixtures DIR CONTEXT   write the files the examples name (targets.txt, hitlist.txt) into DIR

Where the examples are: every ```sh block (commands) and ```console block (a transcript: a
"$ " line is a command, the lines after it its output) of README.md, doc/*.md and
contrib/*/README.md, fenced at any indentation; and the .B lines of the EXAMPLES section of
doc/salvo.1.in.  A line that ends in a backslash goes on on the next.

KIND, and what the tests do with it:
  run         sends nothing (a dry run, --help, --version, --list-*, the tools, ordinary
              utilities): run as written, in a scratch directory holding the fixtures
  send        salvo sends packets.  cli: parse-checked, each salvo of it alone as
              "salvo --dryrun -b /dev/null ARGS >/dev/null"; testbed: mapped onto the test bed
              (below) and run in its scanner namespace
  shape       marked "shape only" (a "# shape only: why" line opens its block, or the
              command's own comment says "shape only"): salvo parse-checked as above,
              anything else "bash -n"
  make        make TARGET..., with or without sudo: "make -n TARGET..." in the checkout;
              never run (make test would run itself, install and demo change the machine)
  transcript  a console block's command: run with /usr/bin/X read as the build's X, and
              each output line's first word must be the first word of the line shown
A command that is none of these (a program the tests cannot run safely, such as
dpdk-devbind.py) is an error: mark it shape only, or teach this file.

The test bed's mapping of a sending example: each salvo that sends gets "-b /dev/null -c 1"
after its name (the test bed is in 198.18.0.0/15, which the built-in blocklist refuses; a
second of cooldown; the example's own options come after and win); the documentation ranges
192.0.2.0/24, 198.51.100.0/24 and 203.0.113.0/24 become 198.18.1.0/24 (the host byte kept),
0.0.0.0/0 becomes 198.18.1.0/24, and 2001:db8: becomes 2001:2:0:1:.  A sending example with
any other address is an error: none is ever sent to.
"""
import glob
import os
import re
import shlex
import sys

SALVO = {"salvo", "scanner"}
TOOLS = {"salvo-iterate", "salvo-blocklist", "salvo-tee", "salvo-merge-results",
         "ziterate", "zblocklist", "ztee"}
# What salvo does without sending: a dry run, or an option that prints and exits.
NOT_SENDING = {"--dryrun", "-d", "--fast-dryrun", "--version", "-V", "--help", "-h"}
# Programs an example may run as written: they read and write files, nothing else.
UTILITIES = {"head", "tail", "od", "wc", "sort", "uniq", "printf", "echo", "cat", "tcpdump",
             "grep", "sed", "awk", "cut", "mkdir", "ln", "ls", "cmp", "diff", "tr", "ldd",
             "readelf", "scripts/install-deps.sh"}
# Shell words that come before a command ("do ln ...") or stand alone ("done"); "for NAME in
# WORDS" is a command of its own that runs nothing.
PREFIXES = {"do", "then", "else", "!", "{", "if", "while", "until", "done", "fi", "}"}
KEYWORDS = PREFIXES | {"for"}
OPERATORS = {"|", "||", "&&", ";", "&", "(", ")"}
REDIRECTS = {">", ">>", "<", "2>", "&>", "2>>"}

# The files examples name, as a user's would be; the test bed's are mapped like the commands.
FIXTURES = {
    "targets.txt": "# an allowlist: addresses, blocks, ranges\n192.0.2.0/28\n198.51.100.7\n"
                   "203.0.113.5-203.0.113.9\n",
    "hitlist.txt": "2001:db8::5\n2001:db8::9\n2001:db8::c8\n2001:db8:abcd::77\n",
}

DOC_V4 = re.compile(r"\b(?:192\.0\.2|198\.51\.100|203\.0\.113)\.(\d{1,3})\b")
ANY_V4 = re.compile(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b")
V6 = re.compile(r"(?i)(?<![0-9a-f:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![0-9a-f:])")


def to_testbed(text):
    """The documentation's addresses as the test bed's."""
    text = text.replace("0.0.0.0/0", "198.18.1.0/24")
    text = DOC_V4.sub(r"198.18.1.\1", text)
    return re.sub(r"(?i)\b2001:db8:", "2001:2:0:1:", text)


def foreign_addresses(text):
    """Addresses in text outside the test bed (198.18.0.0/15, 2001:2::/48)."""
    bad = [a for a in ANY_V4.findall(text) if not re.match(r"198\.1[89]\.", a)]
    for a in V6.findall(text):
        if "::" in a or a.count(":") == 7:
            if not a.lower().startswith("2001:2:"):
                bad.append(a)
    return bad


def blocks(path):
    """(line, info, [lines]) of each fenced block of a markdown file."""
    out = []
    fence = None
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        s = line.rstrip("\n")
        m = re.match(r"^(\s*)(```+)\s*(\S*)", s)
        if fence is None and m:
            fence = (m.group(1), m.group(2), m.group(3), n, [])
        elif fence is not None and s.strip() == fence[1]:
            out.append((fence[3], fence[2], fence[4]))
            fence = None
        elif fence is not None:
            body = s[len(fence[0]):] if s.startswith(fence[0]) else s.lstrip()
            fence[4].append((n, body))
    return out


def join_continued(lines):
    """(line, text) with backslash continuations joined."""
    out = []
    cur = None
    for n, text in lines:
        if cur is None:
            cur = [n, text]
        else:
            cur[1] = cur[1] + " " + text.strip()
        if cur[1].endswith("\\"):
            cur[1] = cur[1][:-1].rstrip()
            continue
        out.append(tuple(cur))
        cur = None
    if cur is not None:
        out.append(tuple(cur))
    return out


def examples(root):
    """(where, text, shape, expected) of every example, in document order."""
    found = []
    docs = ["README.md"] + sorted(glob.glob(os.path.join(root, "doc", "*.md"))) + \
        sorted(glob.glob(os.path.join(root, "contrib", "*", "README.md")))
    for doc in docs:
        path = doc if os.path.isabs(doc) else os.path.join(root, doc)
        rel = os.path.relpath(path, root)
        for _, info, lines in blocks(path):
            if info == "sh":
                shape_block = False
                for n, text in join_continued(lines):
                    t = text.strip()
                    if not t:
                        continue
                    if t.startswith("#"):
                        if re.match(r"#\s*shape only\b", t) and n == lines[0][0]:
                            shape_block = True
                        continue
                    found.append((f"{rel}:{n}", t, shape_block or "shape only" in t, None))
            elif info == "console":
                cur = None
                for n, text in join_continued(lines):
                    if text.startswith("$ "):
                        cur = [f"{rel}:{n}", text[2:].strip(), False, []]
                        found.append(cur)
                    elif cur is not None and text.strip():
                        cur[3].append(text.split()[0])
    # The man page's EXAMPLES: each .B line is a command.
    man = os.path.join(root, "doc", "salvo.1.in")
    section = None
    for n, line in enumerate(open(man, encoding="utf-8"), 1):
        if line.startswith(".SH"):
            section = line[3:].strip()
        elif section == "EXAMPLES" and line.startswith(".TP"):
            section = "EXAMPLES.TP"
        elif section == "EXAMPLES.TP" and line.startswith(".B "):
            text = line[3:].strip().replace("\\-", "-").replace("\\e", "\\")
            found.append((f"doc/salvo.1.in:{n}", text, False, None))
    return [tuple(f) for f in found]


def tokens(text):
    """The shell words of text, comments dropped: (word, is_operator)."""
    lex = shlex.shlex(text, posix=True, punctuation_chars=True)
    lex.whitespace_split = True
    out = []
    for w in lex:
        out.append((w, w in OPERATORS or w in REDIRECTS or (set(w) <= set("|&;()<>"))))
    return out


def segments(toks):
    """The simple commands of a token list: lists of (word, is_operator) with their separators
    removed; a word after a redirection is kept but never a command name."""
    segs = [[]]
    for w, op in toks:
        if op and w not in REDIRECTS and not w.endswith(">"):
            segs.append([])
        elif not op and not segs[-1] and w in PREFIXES:
            continue
        else:
            segs[-1].append((w, op))
    return [s for s in segs if s]


def program(seg):
    """The command name of a segment (after sudo and VAR=value) and its index."""
    i = 0
    while i < len(seg) and (seg[i][0] == "sudo" or re.match(r"^[A-Z_]+=", seg[i][0])):
        i += 1
    return (seg[i][0], i) if i < len(seg) else (None, i)


def sends(seg, i):
    args = [w for w, _ in seg[i + 1:]]
    return not any(a in NOT_SENDING or a.startswith("--list-") for a in args)


def render(seg):
    return " ".join(w if op else shlex.quote(w) for w, op in seg)


def classify(text, shape):
    """(kind, [(segment, index of the program)] of the salvo segments that send, error)."""
    try:
        toks = tokens(text)
    except ValueError as e:
        return "error", [], f"cannot be parsed: {e}"
    kinds = set()
    sending = []
    for seg in segments(toks):
        name, i = program(seg)
        if name is None or name in KEYWORDS:
            continue
        base = os.path.basename(name)
        if base in SALVO:
            if sends(seg, i):
                kinds.add("send")
                sending.append((seg, i))
        elif base in TOOLS or name in UTILITIES:
            pass
        elif name == "make":
            kinds.add("make")
        else:
            kinds.add(f"unknown:{name}")
    unknown = sorted(k[8:] for k in kinds if k.startswith("unknown:"))
    if "make" in kinds and len(segments(toks)) != 1:
        return "error", [], "make with other commands: give make its own line"
    if "make" in kinds:
        return "make", [], None
    if shape:
        return "shape", sending, None
    if unknown:
        return "error", [], ("runs " + ", ".join(unknown) +
                             ": mark it shape only (or teach tests/examples.py)")
    return ("send" if "send" in kinds else "run"), sending, None


def parse_check(sending):
    """Each sending salvo alone, as a dry run that writes nothing anyone reads."""
    out = []
    for seg, i in sending:
        # A redirection goes, with its target.
        kept, skip = [], False
        for w, op in seg[i + 1:]:
            if skip:
                skip = False
                continue
            if op:
                skip = True
                continue
            kept.append((w, op))
        words = seg[:i + 1] + [("--dryrun", False), ("-b", False), ("/dev/null", False)] + kept
        out.append(render([(w, op) for w, op in words if w != "sudo"]) + " >/dev/null")
    return " && ".join(out)


def testbed(text):
    """A sending example on the test bed: its salvos with -b /dev/null -c 1, its addresses
    the test bed's; or None and the addresses it cannot map."""
    mapped = to_testbed(text)
    bad = foreign_addresses(mapped)
    if bad:
        return None, bad
    toks = tokens(mapped)
    out = []
    expect_cmd = True
    for w, op in toks:
        out.append(w if op else shlex.quote(w))
        if op and w not in REDIRECTS:
            expect_cmd = True
        elif not op and expect_cmd and w != "sudo" and not re.match(r"^[A-Z_]+=", w):
            expect_cmd = False
            if os.path.basename(w) in SALVO:
                out.extend(["-b", "/dev/null", "-c", "1"])
    return " ".join(x for x in out if x != "sudo"), []


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "fixtures":
        for name, content in FIXTURES.items():
            if sys.argv[3] == "testbed":
                content = to_testbed(content)
            with open(os.path.join(sys.argv[2], name), "w") as f:
                f.write(content)
        return 0
    if len(sys.argv) != 4 or sys.argv[1] != "list" or sys.argv[3] not in ("cli", "testbed"):
        print(__doc__, file=sys.stderr)
        return 2
    root, context = sys.argv[2], sys.argv[3]
    for where, text, shape, expected in examples(root):
        if expected is not None:
            cmd = re.sub(r"/usr/bin/", "build/", text)
            print(f"{where}\ttranscript\t{cmd}\t{' '.join(expected)}")
            continue
        kind, sending, err = classify(text, shape)
        if err:
            print(f"{where}\terror\t{text}: {err}")
        elif kind == "make":
            toks = [w for w, _ in tokens(text) if w != "sudo"]
            print(f"{where}\tmake\t{render([(w, False) for w in toks[1:]])}")
        elif kind == "run":
            print(f"{where}\trun\t{text}")
        elif kind == "send" and context == "testbed":
            cmd, bad = testbed(text)
            if cmd is None:
                print(f"{where}\terror\t{text}: addresses the test bed does not map: "
                      f"{' '.join(bad)}")
            else:
                print(f"{where}\tsend\t{cmd}")
        elif kind == "send":
            print(f"{where}\tsend\t{parse_check(sending)}")
        else:
            checks = [parse_check(sending)] if sending else []
            checks.append(f"bash -n -c {shlex.quote(text)}")
            print(f"{where}\tshape\t{' && '.join(checks)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
