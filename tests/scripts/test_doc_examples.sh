#!/bin/sh
# Every command in docs/*.md runs exactly as printed, from the top of the
# source tree (the directory every page names), with the numasim under
# test first on PATH. Usage: test_doc_examples.sh NUMASIM SRCDIR
# With $DOC_PAGES (a list of page names), the pages are DOC_PAGES in
# SRCDIR itself, an installed <prefix>/share/doc/numasim, and the
# commands run from there (test_doc_installed.sh).
#
# In ```sh and ```console blocks, a line "$ numasim ..." is a command
# (pipes and all, through sh). It must exit 0, or with the status a
# trailing "# exit N" comment names. In a ```console block the lines
# after a command, up to the next "$ " line or the end of the block, are
# its printed output and must match exactly (trailing blanks aside);
# "..." on a line of its own stands for any number of lines.
numasim=$1 src=$2
cd "$src" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin"
ln -s "$(cd "$(dirname "$numasim")" && pwd)/$(basename "$numasim")" "$tmp/bin/numasim"
if [ -n "${DOC_PAGES:-}" ]; then
  pages=$DOC_PAGES
else
  pages=$(echo docs/*.md)
fi
# shellcheck disable=SC2086
python3 - "$tmp" $pages <<'PY'
import os, re, subprocess, sys
tmp, pages = sys.argv[1], sys.argv[2:]
env = dict(os.environ, PATH=tmp + "/bin:" + os.environ["PATH"])
fail = n = 0

def matches(want, got):
    """want may hold '...' lines standing for any run of lines."""
    if not want:
        return True
    if want[0] == "...":
        return any(matches(want[1:], got[i:]) for i in range(len(got) + 1))
    return bool(got) and want[0] == got[0] and matches(want[1:], got[1:])

for page in pages:
    lines = open(page).read().split("\n")
    block = None
    cmds = []   # (page line, command, expected output lines or None)
    for i, line in enumerate(lines, 1):
        if block is None:
            m = re.match(r"^```(\w*)", line)
            if m:
                block = m.group(1)
            continue
        if line.startswith("```"):
            block = None
            continue
        if block not in ("sh", "console"):
            continue
        if line.startswith("$ "):
            cmds.append([i, line[2:], [] if block == "console" else None])
        elif cmds and cmds[-1][2] is not None and block == "console":
            cmds[-1][2].append(line.rstrip())
    for lineno, cmd, want in cmds:
        if not cmd.startswith("numasim"):
            continue
        n += 1
        m = re.search(r"#\s*exit (\d+)\s*$", cmd)
        status = int(m.group(1)) if m else 0
        r = subprocess.run(["sh", "-c", cmd], env=env, capture_output=True, text=True, timeout=600)
        got = [l.rstrip() for l in (r.stdout + r.stderr).rstrip("\n").split("\n")]
        where = "%s:%d: %s" % (page, lineno, cmd)
        if r.returncode != status:
            print("FAIL %s\n  exit %d, want %d\n  %s" % (where, r.returncode, status,
                  "\n  ".join(got[:5])))
            fail = 1
        elif want is not None and want and not matches(want, got):
            print("FAIL %s\n  printed output differs; got:\n  %s" % (where, "\n  ".join(got[:40])))
            fail = 1
print("%d documented commands run" % n)
sys.exit(fail)
PY
