#!/bin/sh
# GNU parallel runs a compare sweep two ways (the recipes of
# docs/sweeps.md), and both give compare's own answers:
#  1. `compare --list` prints one `numasim run` command line per variant;
#     parallel runs them (`eval {} --format json`); each run's JSON report
#     holds the same numbers as that variant's compare row (the columns
#     are defined on the report's fields in docs/compare.md).
#  2. parallel runs the shards (`compare --shard {}/3`) on the hosts of
#     an --sshloginfile (here ':', this machine, so no ssh is needed) and
#     collects their stdout with --files; `numasim merge` of those files
#     equals the unsharded compare byte for byte.
# Without GNU parallel the test is SKIPPED (exit 77).
# Usage: test_parallel.sh NUMASIM SRCDIR
set -e
numasim=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$2
command -v parallel >/dev/null 2>&1 || { echo "SKIPPED: GNU parallel not installed (Debian package parallel)"; exit 77; }
parallel --version 2>/dev/null | grep -q 'GNU parallel' || { echo "SKIPPED: 'parallel' is not GNU parallel"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
export HOME="$tmp"   # parallel keeps its state in ~/.parallel
set -- -t ring4,toy4 -w zone-reclaim,writer --vary vm.zone_reclaim_mode=0,1

# 1. --list through parallel
"$numasim" compare "$@" --format json -o "$tmp/compare.json"
"$numasim" compare "$@" --list > "$tmp/list"
[ "$(wc -l < "$tmp/list")" -eq 8 ]
mkdir "$tmp/runs"
sed "s|^[^ ]*numasim |$numasim |" "$tmp/list" |
	parallel --will-cite -j2 --halt now,fail=1 "eval {} --format json -o $tmp/runs/{#}.json"
python3 - "$tmp/compare.json" "$tmp/runs" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["compare"]["runs"]
assert len(runs) == 8
for row in runs:
    rep = json.load(open(f"{sys.argv[2]}/{row['variant']}.json"))
    assert rep["topology"]["name"] == row["topology"], (rep["topology"]["name"], row)
    assert rep["config"]["vm.zone_reclaim_mode"] == row["vm.zone_reclaim_mode"]
    vm = rep["vmstat"]
    tasks = rep["tasks"]
    seen, remote = set(), 0
    for t in tasks:            # an address space counts once, for live tasks
        if t["state"] != "running" or t["tgid"] in seen:
            continue
        seen.add(t["tgid"])
        remote += sum(n for i, n in enumerate(t["pages_by_node"]) if i != t["node"])
    got = {
        # compare: 0 when there were no accesses, as the report (docs/compare.md)
        "local_ratio": round(rep["accesses"]["local_ratio"], 4),   # 0 with no accesses, as compare
        "numa_miss": sum(n["numastat"]["numa_miss"] for n in rep["nodes"]),
        "remote_pages": remote,
        "pgscan": vm["pgscan_kswapd"] + vm["pgscan_direct"],
        "stall_ms": round(sum(t["stall_ns"] for t in tasks) / 1e6, 3),
        "pswpout": vm["pswpout"],
        "pgmigrate": vm["pgmigrate_success"],
        "oom_kill": vm["oom_kill"],
        "sim_ms": round(rep["sim_time_ns"] / 1e6, 3),
        "expects_failed": rep["expects"]["failed"],
    }
    want = {k: (round(row[k], 4 if k == "local_ratio" else 3) if isinstance(row[k], float) else row[k])
            for k in got}
    assert got == want, (row["variant"], got, want)
print("parallel --list: 8 runs equal compare's rows")
PY

# 2. shards on the hosts of an --sshloginfile, stdout collected with --files
echo ":" > "$tmp/hosts"
files=$(seq 1 3 | parallel --will-cite --sshloginfile "$tmp/hosts" --files --tmpdir "$tmp" \
	"$numasim compare $* --shard {}/3 --format json")
# shellcheck disable=SC2086
"$numasim" merge $files -o "$tmp/merged.json"
cmp "$tmp/compare.json" "$tmp/merged.json"
echo "parallel shards merged: equal to compare"
