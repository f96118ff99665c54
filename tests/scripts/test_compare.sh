#!/bin/sh
# numasim compare runs every combination side by side and shows the
# Drawing 5 of "Local and Remote Memory: Memory in a Linux/NUMA System" in numbers: with zone_reclaim_mode=0 node 0's tasks
# allocate off node (local ratio 0, remote pages), with mode 1 node
# reclaim keeps them local (local ratio 1, pages scanned).
# Usage: test_compare.sh NUMASIM SRCDIR
set -e
numasim=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
"$numasim" compare -w zone-reclaim --vary vm.zone_reclaim_mode=0,1 --vary vm.swappiness=60,100 \
	--format csv -o "$tmp/c.csv"
"$numasim" compare -w zone-reclaim --vary vm.zone_reclaim_mode=0,1 --format json -o "$tmp/c.json"
python3 - "$tmp/c.csv" "$tmp/c.json" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
# 2 x 2 combinations, the last --vary changing fastest
assert [(r["vm.zone_reclaim_mode"], r["vm.swappiness"]) for r in rows] == \
    [("0", "60"), ("0", "100"), ("1", "60"), ("1", "100")], rows
for r in rows:
    if r["vm.zone_reclaim_mode"] == "0":
        assert float(r["local_ratio"]) == 0.0 and int(r["remote_pages"]) > 0, r
        assert int(r["numa_miss"]) > 0 and int(r["pgscan"]) == 0, r
    else:
        assert float(r["local_ratio"]) == 1.0 and int(r["remote_pages"]) == 0, r
        assert int(r["numa_miss"]) == 0 and int(r["pgscan"]) > 0, r
    assert int(r["expects_failed"]) == 0
runs = json.load(open(sys.argv[2]))["compare"]["runs"]
assert [r["vm.zone_reclaim_mode"] for r in runs] == [0, 1]
assert runs[0]["local_ratio"] == 0.0 and runs[1]["local_ratio"] == 1.0
print("compare ok")
PY
# a bad --vary is one line, exit 2
if "$numasim" compare -w zone-reclaim --vary vm.nonesuch=1 2>"$tmp/err"; then exit 1; fi
[ "$(wc -l < "$tmp/err")" -eq 1 ]
