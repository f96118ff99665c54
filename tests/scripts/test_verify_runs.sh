#!/bin/sh
# A trace `numasim verify` runs several times in one boot (`# verify-runs:
# N` and `# verify-boots: B`, docs/verify.md "A trace run several times";
# verify/verify.py runs_of(), boots_of(), prog_name(), combine_runs()). Model arithmetic: every answer
# below is worked by hand from the rule the docs state. A counter with a
# band agrees when each numasim run's kernel - numasim, taken against the
# kernel's lowest and highest run, can fall inside that run's band; any
# other comparison must agree in every run on its own.
# Usage: test_verify_runs.sh NUMASIM SRCDIR
src=$2
command -v python3 >/dev/null || { echo "SKIPPED: no python3"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$src/verify" "$dir" <<'EOF'
import os
import sys
sys.path.insert(0, sys.argv[1])
import verify
d = sys.argv[2]
fails = 0


def check(what, got, want):
    global fails
    if got != want:
        print("FAIL: %s: got %r, want %r" % (what, got, want))
        fails += 1
    else:
        print("ok %s" % what)


def trace(name, header):
    p = os.path.join(d, name)
    with open(p, "w") as f:
        f.write("# numasim trace v1\n" + header + "@0 spawn pid=1 cpu=0\n")
    return p


check("no verify-runs line: one run", verify.runs_of(trace("a.trace", "")), 1)
check("verify-runs: 8", verify.runs_of(trace("b.trace", "# verify-runs: 8\n")), 8)


def refused(key, parse, bads, header, line, want):
    for bad in bads:
        p = trace("c.trace", header + "# verify-%s: %s\n" % (key, bad))
        try:
            parse(p)
            check("verify-%s: %r refused" % (key, bad), "accepted", "refused")
        except verify.BadInput as e:
            check("verify-%s: %r refused, naming file and line" % (key, bad), str(e),
                  "%s:%d: verify-%s wants %s" % (p, line, key, want))


refused("runs", verify.runs_of, ("0", "17", "x", ""), "# a comment\n", 3, "a number of runs from 1 to 16")
check("no verify-boots line: one boot", verify.boots_of(trace("a.trace", "")), 1)
check("verify-boots: 3", verify.boots_of(trace("b.trace", "# verify-runs: 8\n# verify-boots: 3\n")), 3)
refused("boots", verify.boots_of, ("0", "9", "two"), "", 2, "a number of boots from 1 to 8")

check("one run keeps the program's name", verify.prog_name(3, 1, 1), "t3")
check("run 2 of 8", verify.prog_name(3, 2, 8), "t3.r2")

# the guest's output of two runs of one program, told apart by name
lines = ["PTI t1.r1 Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      Isolate",
         "PTI t1.r1 Node 0, zone    DMA32            3          40            1            0            0",
         "PTI t1.r2 Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      Isolate",
         "PTI t1.r2 Node 0, zone    DMA32            5          38            1            0            0",
         "BEGIN t1.r1", "7 read 4096", "END t1.r1 0", "BEGIN t1.r2", "7 read -1", "END t1.r2 0"]
per, rcs = verify.split_results(lines)
check("run 1's lines", per["t1.r1"], ["7 read 4096"])
check("run 2's lines", per["t1.r2"], ["7 read -1"])
check("run 1's unmovable pageblocks", verify.pagetypes(lines, "t1.r1")[0]["DMA32"]["Unmovable"]["blocks"], 3)
check("run 2's unmovable pageblocks", verify.pagetypes(lines, "t1.r2")[0]["DMA32"]["Unmovable"]["blocks"], 5)


def row(name, k, s, band=None, agree=None):
    r = {"name": name, "what": name, "kernel": k, "numasim": s, "tolerance": "t",
         "agree": agree if agree is not None else k == s}
    if band:
        r["band"] = band
    return r


# A: kernel 100 and 300, numasim 150 and 290, band -8..+64 each run.
# Run 1: 300 - 150 = 150 >= -8 and 100 - 150 = -50 <= 64; run 2:
# 300 - 290 = 10 >= -8 and 100 - 290 = -190 <= 64: agrees, where run 1
# alone (100 - 150 = -50 < -8) differs.
a = verify.combine_runs([[row("n", 100, 150, (8, 64), False)], [row("n", 300, 290, (8, 64), True)]])[0]
check("A agrees within the kernel's spread", (a["agree"], a["kernel"], a["numasim"]), (True, "100..300", "150..290"))
check("A keeps every run's values", (a["kernel_runs"], a["numasim_runs"]), ([100, 300], [150, 290]))
# B: numasim 320 in run 2: 300 - 320 = -20 < -8, above the highest run
b = verify.combine_runs([[row("n", 100, 150, (8, 64))], [row("n", 300, 320, (8, 64))]])[0]
check("B: numasim above the kernel's highest by more than 8 differs", b["agree"], False)
# C: numasim 20 in run 1: 100 - 20 = 80 > 64, below the lowest run
c = verify.combine_runs([[row("n", 100, 20, (8, 64))], [row("n", 300, 290, (8, 64))]])[0]
check("C: numasim below the kernel's lowest by more than 64 differs", c["agree"], False)
# D: an exact comparison must agree in each run
e = verify.combine_runs([[row("rc", "0", "0")], [row("rc", "0", "-1")]])[0]
check("D: an exact comparison differing in one run differs", (e["agree"], e["kernel"], e["numasim"]),
      (False, "0", "0 | -1"))
e = verify.combine_runs([[row("rc", "0", "0")], [row("rc", "0", "0")]])[0]
check("D: an exact comparison agreeing in every run agrees", (e["agree"], e["kernel"]), (True, "0"))
# E: a comparison made in one run of two
e = verify.combine_runs([[row("x", 1, 1), row("y", 2, 2)], [row("x", 1, 1)]])
check("E: a comparison missing from a run differs", [(r["name"], r["agree"]) for r in e],
      [("x", True), ("y", False)])
# F: one run is compared as before
one = [row("n", 100, 150, (8, 64), False)]
check("F: one run is left as compare() made it", verify.combine_runs([one]), one)

# G: the kernel against itself over boots: runs 1-2 in boot 1 (x: 100,
# 110; y: 100, 120), run 3 in boot 2 (x: 300; y: 125), band (8, 64).
# x: boot 2's 300 lies 190 above boot 1's most (more than 8); y: 125 is 5
# above 120 and boot 1's values lie within 64 below boot 2's 125, so y
# agrees both ways
g = [[row("x", 100, 0, (8, 64)), row("y", 100, 0, (8, 64)), row("z", 1, 1)],
     [row("x", 110, 0, (8, 64)), row("y", 120, 0, (8, 64)), row("z", 1, 1)],
     [row("x", 300, 0, (8, 64)), row("y", 125, 0, (8, 64)), row("z", 1, 1)]]
check("G: a boot outside the other boots' spread", verify.kernel_boots_differ(g, [1, 1, 2]), ["x"])
check("G: one boot says nothing", verify.kernel_boots_differ(g, [1, 1, 1]), [])

# compare() gives a reclaim counter its band: 256 + 50 % of numasim's 600
# = 556 either way, and 1000 - 600 = 400 lies inside it
k = {"problems": [], "calls": {}, "snaps": [], "vmstat": {"pgscan_kswapd": 1000}, "own": 0}
s = {"calls": {}, "snaps": [], "vmstat": {"pgscan_kswapd": 600}}
r = verify.compare(k, s, 1, 1, 0)[0]
check("compare() bands pgscan_kswapd", (r["agree"], r["band"]), (True, (556.0, 556.0)))

# compare() splits kcompactd's migrations off: the kernel's
# mm_migrate_pages events say 120 pages migrated by compaction and 10 by
# the rest, 3 failed, all compaction's (its /proc/vmstat, read before
# kcompactd's last batch, says 98); numasim migrated 15 and 5 by
# compaction, none failed. The other migrations, 10 (the kernel's events)
# and 15 - 5 = 10, agree exactly (failures 0 and 0); compaction's 120
# against 5 lies in 256 + 50 % of 5 = 258.5, and 3 against 0 in 256
k = {"problems": [], "calls": {}, "snaps": [], "own": 0,
     "vmstat": {"pgmigrate_success": 98, "pgmigrate_fail": 3, "compact_migrated": 120,
                "compact_migrate_failed": 3, "other_migrated": 10, "other_migrate_failed": 0,
                "compact_trace_lost": 0}}
s = {"calls": {}, "snaps": [], "vmstat": {"pgmigrate_success": 15, "pgmigrate_fail": 0,
                                          "compact_migrated": 5, "compact_migrate_failed": 0}}
rows = dict((r["name"], (r["kernel"], r["numasim"], r["agree"])) for r in verify.compare(k, s, 1, 1, 0))
check("compare() splits compaction's migrations off", rows,
      {"vmstat.pgmigrate_success": (10, 10, True), "vmstat.pgmigrate_fail": (0, 0, True),
       "vmstat.compact_migrated": (120, 5, True), "vmstat.compact_migrate_failed": (3, 0, True)})
# the other migrations still must agree exactly: numasim migrating 4 pages
# more outside compaction (19 - 5 = 14 against 10) differs
s["vmstat"]["pgmigrate_success"] = 19
rows = dict((r["name"], r["agree"]) for r in verify.compare(k, s, 1, 1, 0))
check("compare() keeps the other migrations exact", rows["vmstat.pgmigrate_success"], False)
# a guest trace that lost events compares nothing it could have split
k["vmstat"]["compact_trace_lost"] = 2
rows = [(r["name"], r["agree"]) for r in verify.compare(k, s, 1, 1, 0) if r["name"] == "guest"]
check("compare() fails a run whose compaction trace lost events", rows, [("guest", False)])
# without the guest's split (an older guest), pgmigrate_* compare whole
del k["vmstat"]["compact_migrated"]
s["vmstat"]["pgmigrate_success"] = 15
rows = dict((r["name"], (r["kernel"], r["numasim"], r["agree"])) for r in verify.compare(k, s, 1, 1, 0))
check("compare() without the split compares pgmigrate_success whole", rows["vmstat.pgmigrate_success"],
      (98, 15, False))
sys.exit(1 if fails else 0)
EOF
