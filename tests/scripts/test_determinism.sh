#!/bin/sh
# Same inputs and seed give byte-identical reports; another seed changes
# the random accesses. Usage: test_determinism.sh NUMASIM SRCDIR
set -e
numasim=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trace=$src/tests/scenarios/ratio_2node.trace
"$numasim" run -t 2socket -w "$trace" --seed 5 --format json -o "$tmp/a.json"
"$numasim" run -t 2socket -w "$trace" --seed 5 --format json -o "$tmp/b.json"
cmp "$tmp/a.json" "$tmp/b.json"
"$numasim" run -t 2socket -w "$trace" --seed 5 --format text -o "$tmp/a.txt"
"$numasim" run -t 2socket -w "$trace" --seed 5 --format text -o "$tmp/b.txt"
cmp "$tmp/a.txt" "$tmp/b.txt"
# random accesses without seed= draw from the run's seed: same seed, same
# report; another seed, other accesses
cat > "$tmp/r.trace" <<'TRACE'
# numasim trace v1
@0 spawn pid=1 cpu=0
@0 spawn pid=2 cpu=2
@1us mmap pid=1 addr=0x10000000 len=8MiB
@1us mmap pid=2 addr=0x10000000 len=8MiB
@2us touch pid=1 addr=0x10000000 len=2MiB
@1ms run pid=1 cpu=2
@2ms touch pid=1 addr=0x10200000 len=2MiB
@3ms fork pid=1 child=3 cpu=0
@4ms access pid=3 addr=0x10000000 len=4MiB count=5000 pattern=random
TRACE
"$numasim" run -t ring4 -w "$tmp/r.trace" --seed 1 --format json -o "$tmp/r1.json"
"$numasim" run -t ring4 -w "$tmp/r.trace" --seed 1 --format json -o "$tmp/r1b.json"
"$numasim" run -t ring4 -w "$tmp/r.trace" --seed 2 --format json -o "$tmp/r2.json"
cmp "$tmp/r1.json" "$tmp/r1b.json"
python3 - "$tmp/r1.json" "$tmp/r2.json" <<'PY'
import json, sys
a, b = (json.load(open(p))["accesses"] for p in sys.argv[1:3])
assert a["local"] + a["remote"] == b["local"] + b["remote"]
assert a["local"] != b["local"], "another seed should change which pages are hit"
PY
# no temporary file is left next to the output
[ "$(ls "$tmp" | grep -c tmp)" -eq 0 ]
echo "deterministic"
