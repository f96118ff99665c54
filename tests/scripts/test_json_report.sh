#!/bin/sh
# The JSON report carries every key docs/report.md requires, with the types
# and arithmetic it promises. Usage: test_json_report.sh NUMASIM SRCDIR
set -e
numasim=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$numasim" run -t ring4 -w "$src/tests/scenarios/fork_cow.trace" --format json -o "$tmp/r.json"
python3 - "$tmp/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
def need(obj, keys, where):
    for k in keys:
        assert k in obj, f"{where}: missing {k}"
need(r, ["numasim", "topology", "workload", "config", "sim_time_ns", "events", "nodes",
         "accesses", "vmstat", "tasks", "syscalls", "expects", "snapshots", "timeseries"], "report")
need(r["numasim"], ["version", "format"], "numasim")
assert r["numasim"]["format"] == 1
need(r["topology"], ["name", "nodes", "distances"], "topology")
assert r["topology"]["nodes"] == 4 and r["topology"]["distances"][0] == [10, 18, 18, 31]
need(r["workload"], ["name", "records"], "workload")
assert r["config"]["vm.zone_reclaim_mode"] == 0
for n in r["nodes"]:
    need(n, ["id", "total_pages", "free_pages", "anon_pages", "file_pages",
             "file_mapped_pages", "slab_pages", "numastat"], "node")
    need(n["numastat"], ["numa_hit", "numa_miss", "numa_foreign", "interleave_hit",
                         "local_node", "other_node"], "numastat")
    assert n["total_pages"] == 65536
need(r["accesses"], ["local", "remote", "local_ratio", "avg_latency_ns", "matrix"], "accesses")
a = r["accesses"]
assert sum(map(sum, a["matrix"])) == a["local"] + a["remote"]
assert sum(a["matrix"][i][i] for i in range(4)) == a["local"]
assert abs(a["local_ratio"] - a["local"] / (a["local"] + a["remote"])) < 1e-9
need(r["vmstat"], ["pgalloc", "pgfree", "pgfault", "pgscan_kswapd", "pgsteal_kswapd",
                   "pgscan_direct", "pgsteal_direct", "zone_reclaim_success",
                   "zone_reclaim_failed", "pgmigrate_success", "pgmigrate_fail",
                   "pswpin", "pswpout", "oom_kill"], "vmstat")
# pages allocated = pages freed + pages in use
used = sum(n["total_pages"] - n["free_pages"] for n in r["nodes"])
assert r["vmstat"]["pgalloc"] - r["vmstat"]["pgfree"] == used
for t in r["tasks"]:
    need(t, ["pid", "name", "state", "pages_by_node", "accesses", "numa_maps"], "task")
    assert t["state"] in ("running", "exited", "oom_killed")
need(r["syscalls"], ["errors", "results"], "syscalls")
need(r["expects"], ["passed", "failed"], "expects")
assert r["expects"]["failed"] == 0 and r["expects"]["passed"] > 0
print("json report ok")
PY
