#!/bin/sh
# `numasim verify` starts each program's numasim run with the kernel's
# free pages (verify/verify.py match_free(), docs/verify.md "Boot memory:
# the machine as booted"): it starts numasim once on the program's
# topology with no records and moves the difference to each node's
# `reserved`. Model arithmetic: on the two-socket machine with node 1
# holding 100 pages as booted, a kernel with 300 pages fewer free on node
# 0 and 40 more on node 1 than numasim has makes node 0 hold 300 more and
# node 1 40 fewer, and numasim then starts with exactly the kernel's free
# pages (its buddy lists' and, 20 on node 0, the trace's CPUs' per-CPU
# lists', which numasim's start empty); a kernel with more free than numasim holds gets
# only what the node held back (100), never a negative reserve.
# Usage: test_verify_free.sh NUMASIM SRCDIR
numasim=$1 src=$2
command -v python3 >/dev/null || { echo "SKIPPED: no python3"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$numasim" "$src" "$dir" <<'PY'
import json, os, subprocess, sys
numasim, src, d = sys.argv[1:4]
sys.path.insert(0, os.path.join(src, "verify"))
import verify
fails = 0


def check(what, got, want):
    global fails
    print(("ok %s" if got == want else "FAIL: %s: got %r, want %r" % ("%s", got, want)) % what)
    fails += got != want


topo = json.load(open(os.path.join(src, "topologies", "2socket-1g.json")))
topo["nodes"][1]["reserved"] = "400KiB"       # 100 pages
path = os.path.join(d, "t.json")
json.dump(topo, open(path, "w"))
extra = ["sim.boot_memmap=1"]


def free():
    out = os.path.join(d, "f.json")
    p = subprocess.run([numasim, "run", "-t", path, "-w", os.path.join(d, "empty.trace"), "--format", "json",
                        "-o", out, "--no-progress"] + verify.sim_sets("6.1", extra))
    assert p.returncode == 0
    return {n["id"]: n["free_pages"] for n in json.load(open(out))["nodes"]}


open(os.path.join(d, "empty.trace"), "w").write("# numasim trace v1\n")
before = free()
held = {0: {"reserved": 0}, 1: {"reserved": 100}}
kfree = {0: {"DMA32": before[0] - 300 - 20}, 1: {"DMA32": before[1] + 40}}
pcp = {0: 20}                                 # 20 of node 0's free pages on a CPU's list
more = verify.match_free(numasim, path, "6.1", extra, kfree, pcp, held, d)
check("match_free() holds 300 more on node 0, 40 fewer on node 1", more, {0: 300, 1: -40})
check("the reserve it records", (held[0]["reserved"], held[1]["reserved"]), (300, 60))
after = free()
check("numasim then starts with the kernel's free pages", after, {0: before[0] - 300, 1: before[1] + 40})
# a kernel with 500 more free on node 1: the node gives back the 60 it holds
kfree = {1: {"DMA32": after[1] + 500}}
pcp = {}
more = verify.match_free(numasim, path, "6.1", extra, kfree, pcp, held, d)
check("a node gives back no more than it holds", (more, held[1]["reserved"]), ({1: -60}, 0))
check("its free pages", free()[1], after[1] + 60)
# the per-CPU pages that count: those of the CPUs the trace runs on
lines = ["PCP t0 0 DMA32 0 300", "PCP t0 0 DMA32 1 500", "PCP t0 1 DMA32 0 7", "PCP t1 0 DMA32 0 9"]
check("pcp_pages() counts the trace's CPUs", verify.pcp_pages(lines, "t0", {0}), {0: 300, 1: 7})
tr = os.path.join(d, "c.trace")
open(tr, "w").write("# numasim trace v1\n@0 spawn pid=1 cpu=2\n+1ms affinity pid=1 cpus=4-5,7\n")
check("trace_cpus() reads spawns and affinities", verify.trace_cpus(tr), {2, 4, 5, 7})
sys.exit(1 if fails else 0)
PY
