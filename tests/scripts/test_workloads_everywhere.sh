#!/bin/sh
# Every shipped workload runs on every shipped topology: compare over all
# of them exits 0 or 1 (an expect written for ring4 may fail on another
# machine), never 2 (a device or node the topology lacks, a size that
# does not fit). The reclaim workloads size themselves from node 0's
# memory, so Drawing 5 of "Local and Remote Memory: Memory in a Linux/NUMA System" plays on every machine: with
# vm.zone_reclaim_mode=0 node 0's tasks allocate off node once its page
# cache fills it; with 1 node reclaim drops the clean page cache and
# every access stays local (Linux fact: zone_reclaim_mode bit 1,
# Documentation/admin-guide/sysctl/vm.rst; docs/tutorial-reclaim.md).
# Usage: test_workloads_everywhere.sh NUMASIM SRCDIR
set -e
numasim=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
topos=$(for f in topologies/*.json; do basename "$f" .json; done | paste -sd, -)
works=$(for f in workloads/*.trace; do basename "$f" .trace; done | paste -sd, -)
rc=0
"$numasim" compare -t "$topos" -w "$works" --format csv -o "$tmp/all.csv" || rc=$?
[ $rc -le 1 ] || { echo "compare over every workload and topology exited $rc"; exit 1; }
rc=0
"$numasim" compare -t "$topos" -w zone-reclaim,pagecache --vary vm.zone_reclaim_mode=0,1 \
	--format json -o "$tmp/zr.json" || rc=$?
[ $rc -eq 0 ]
python3 - "$tmp/all.csv" "$tmp/zr.json" "$topos" "$works" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
topos, works = sys.argv[3].split(","), sys.argv[4].split(",")
assert len(topos) >= 7 and len(works) >= 13
assert [(r["topology"], r["workload"]) for r in rows] == [(t, w) for t in topos for w in works]
runs = json.load(open(sys.argv[2]))["compare"]["runs"]
assert len(runs) == 2 * 2 * len(topos)
off = {(r["topology"], r["workload"]): r for r in runs if r["vm.zone_reclaim_mode"] == 0}

def cpus(spec):
    out = set()
    for part in str(spec).split(","):
        if part:
            a, _, b = part.partition("-")
            out.update(range(int(a), int(b or a) + 1))
    return out

def node0_runs_both(topo):
    # the two workloads run their tasks on CPUs 0 and 1: the picture
    # (node 0's own tasks filling node 0) needs both on node 0
    t = json.load(open("topologies/%s.json" % topo))
    n0 = t["nodes"][0]["cpus"]
    return {0, 1} <= (set(n0) if isinstance(n0, list) else cpus(n0))

for r in runs:
    if not node0_runs_both(r["topology"]):
        continue
    if r["vm.zone_reclaim_mode"] == 0:
        assert r["remote_pages"] > 0 and r["local_ratio"] < 0.5 and r["pgscan"] < r["remote_pages"], r
    elif r["workload"] == "zone-reclaim":
        assert r["local_ratio"] == 1.0 and r["remote_pages"] == 0 and r["pgscan"] > 0, r
    else:   # pagecache: node reclaim runs and keeps more local than mode 0;
            # some pages still go remote while node 0 is reclaimed
        o = off[(r["topology"], r["workload"])]
        assert r["pgscan"] > 0 and r["remote_pages"] < o["remote_pages"], (r, o)
        assert r["local_ratio"] > o["local_ratio"], (r, o)
print(f"{len(works)} workloads x {len(topos)} topologies ran; zone reclaim keeps node 0 local on each")
PY
