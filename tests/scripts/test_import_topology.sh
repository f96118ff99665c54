#!/bin/sh
# scripts/import-topology on captured sysfs trees (tests/data/sysfs/): the
# output must pass `numasim topo validate`, and `topo show` must give the
# machine's `numactl --hardware` sizes, cpus and distances back.
# $1 = numasim binary, $2 = source directory.
set -u
numasim=$1 src=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0

check() { # name want got
  if [ "$2" != "$3" ]; then
    echo "FAIL $1"; echo " got: $3"; echo "want: $2"; status=1
  else
    echo "ok $1"
  fi
}

# A two-socket machine with a CPU-less CXL node; node 0's MemTotal is not
# a whole number of MiB.
"$src/scripts/import-topology" "$src/tests/data/sysfs/2socket-cxl" --name cap \
  -o "$tmp/cap.json" || { echo "FAIL import 2socket-cxl"; exit 1; }
check validate "$tmp/cap.json: ok (3 nodes, 16 cpus, 4095 MiB)" \
  "$("$numasim" topo validate -t "$tmp/cap.json" 2>&1)"
# (topo show goes on with the memory tiers, which numactl does not print)
check show "$(cat "$src/tests/data/sysfs/2socket-cxl/expected-show.txt")" \
  "$("$numasim" topo show -t "$tmp/cap.json" 2>&1 | sed '/^memory tiers/,$d')"

# Linux node ids 0 and 2: renumbered 0-1; 16 KiB pages round memory down.
"$src/scripts/import-topology" "$src/tests/data/sysfs/sparse/sys/devices/system/node" \
  --page-size 16384 > "$tmp/sparse.json" || { echo "FAIL import sparse"; exit 1; }
check sparse-validate "$tmp/sparse.json: ok (2 nodes, 4 cpus, 1023 MiB)" \
  "$("$numasim" topo validate -t "$tmp/sparse.json" 2>&1)"
check sparse-memory '    {"id": 1, "cpus": "2-3", "memory": "524272KiB"}' \
  "$(grep '"id": 1' "$tmp/sparse.json")"
check sparse-renumbered 1 "$(grep -c 'Linux nodes 0,2 renumbered 0-1' "$tmp/sparse.json")"

# Not a sysfs tree: a clear error, exit 2.
"$src/scripts/import-topology" "$tmp" > /dev/null 2> "$tmp/err"
check bad-root-status 2 $?
check bad-root-message "import-topology: $tmp: no nodeN directories under it (expected a sysfs tree)" \
  "$(cat "$tmp/err")"
exit $status
