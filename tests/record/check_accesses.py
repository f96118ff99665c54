#!/usr/bin/env python3
"""check_accesses.py TRACE MEASURED MODE - checks the `access` records that
`numasim record --accesses` wrote for tests/record/accesses.c against the
pattern the program follows (MODE: idle = reads and writes are seen,
soft-dirty = writes only):

- before the program's marker (its madvise willneed of the mapping), its
  64 first-touched pages are all named;
- after it, every page the program uses is named, in several intervals,
  and no other page of the mapping: the written pages 0-3, 10, 20-23 and,
  with idle page tracking, the read pages 40-47 (without the write flag
  under soft-dirty bits, which see only writes, they must not appear).

Exit 0 when all holds, 1 with each problem on a line."""
import re
import sys

PAGE = 4096
HOT_W = {0, 1, 2, 3, 10, 20, 21, 22, 23}
HOT_R = set(range(40, 48))
UNITS = {"": 1, "B": 1, "K": 1 << 10, "KiB": 1 << 10, "M": 1 << 20, "MiB": 1 << 20,
         "G": 1 << 30, "GiB": 1 << 30}


def num(s):
    m = re.fullmatch(r"(0x[0-9a-fA-F]+|\d+)([A-Za-z]*)", s)
    return int(m.group(1), 0) * UNITS[m.group(2)]


def records(path):
    t = 0
    for line in open(path):
        line = line.split("#", 1)[0].split()
        if len(line) < 2:
            continue
        tm = line[0]
        v = int(re.match(r"[@+](\d+)", tm).group(1))
        t = v if tm[0] == "@" else t + v
        kv = dict(w.split("=", 1) for w in line[2:] if "=" in w)
        flags = {w for w in line[2:] if "=" not in w}
        yield t, line[1], kv, flags


def main():
    trace, measured, mode = sys.argv[1:4]
    rec = [l.split() for l in open(measured) if l.startswith("REC ")]
    if not rec:
        print("the program reported no mapping")
        return 1
    pid, base = int(rec[0][1]), int(rec[0][2], 16)
    marker = None
    before, after = set(), {}
    bad = []
    for t, op, kv, flags in records(trace):
        if op == "madvise" and int(kv["pid"]) == pid and num(kv["addr"]) == base \
                and kv.get("advice") == "willneed":
            marker = t
            continue
        if op != "access" or int(kv["pid"]) != pid:
            continue
        a, n = num(kv["addr"]), num(kv["len"])
        if a + n <= base or a >= base + 64 * PAGE:
            continue
        pages = set(range(max(0, (a - base) // PAGE), min(64, (a + n - base) // PAGE)))
        if num(kv["count"]) != n // PAGE:
            bad.append("access at %#x: count=%s for %d pages" % (a, kv["count"], n // PAGE))
        if mode == "soft-dirty" and "write" not in flags:
            bad.append("access at %#x: soft-dirty bits see writes, the record is no write" % a)
        if marker is None:
            before |= pages
        else:
            for p in pages:
                after.setdefault(p, set()).add(t)
    if marker is None:
        bad.append("no madvise willneed marker for the mapping at %#x in the trace" % base)
    if before != set(range(64)):
        bad.append("before the marker %d of the 64 first-touched pages are named" % len(before))
    want = HOT_W | (HOT_R if mode == "idle" else set())
    for p in sorted(set(after) - want):
        bad.append("page %d is named after the marker; the program did not use it" % p)
    for p in sorted(want - set(after)):
        bad.append("page %d, used every millisecond, is not named after the marker" % p)
    intervals = min((len(after[p]) for p in want if p in after), default=0)
    if intervals < 5:
        bad.append("the used pages are named in only %d intervals (the program ran 30)" % intervals)
    for b in bad:
        print(b)
    print("%s: %d pages named before the marker, %d after (expected %d), in at least %d intervals; "
          "%d problems" % (mode, len(before), len(after), len(want), intervals, len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
