#!/bin/sh
# compare as a sweep (docs/sweeps.md), checked against hand arithmetic
# and the kernel's documented policy semantics:
#  - topologies x workloads x --vary, each row naming its topology,
#    workload and values in text, CSV and JSON; a second -t adds;
#  - a trace parameter varies the memory policy of a task on node 0
#    touching SIZE: MPOL_BIND to node 1 puts every page remote,
#    MPOL_INTERLEAVE over 4 nodes 3/4 of them, MPOL_LOCAL none;
#  - relative sizes: 50%node0 is 32768 pages of ring4's 256 MiB node and
#    262144 of 2socket's 2 GiB one; 62.5%node0 of 256 MiB is 160 MiB;
#  - --jobs 1, --jobs 3 and merged shards give the same JSON bytes;
#    shard K/N holds variants K, K+N, ...; merge rejects overlapping,
#    missing and mismatched shards with one line, exit 2;
#  - --list prints runnable, shell-quoted command lines (a path with a
#    space and a quote) that give the same numbers.
# Usage: test_sweeps.sh NUMASIM SRCDIR
set -e
numasim=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
t="$tmp/it's a trace.trace"
cat > "$t" <<'EOF'
# numasim trace v1
# name: policy
# param MODE=local
# param SIZE=50%node0
@0 spawn pid=1 cpu=0
@1 set_mempolicy pid=1 mode=${MODE} nodes=${NODES}
@2 mmap pid=1 addr=0x10000000 len=${SIZE}
@3 touch pid=1 addr=0x10000000 len=${SIZE}
EOF
# NODES is used but not declared yet: one line, naming file and line
if "$numasim" run -w "$t" 2>"$tmp/err"; then exit 1; fi
[ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q "trace.trace:6: undeclared parameter \${NODES}" "$tmp/err"
sed -i 's/^# param SIZE=50%node0$/&\n# param NODES=0/' "$t"
"$numasim" trace validate -w "$t" --vary MODE=bind,interleave,local --vary NODES=1,0-3 >/dev/null

# a sweep: 2 topologies (the second -t adds) x 3 modes x 2 node sets
set -- -t ring4 -t 2socket -w "$t" --vary MODE=bind,interleave,local --vary NODES=1,0-1
"$numasim" compare "$@" --format csv -o "$tmp/c.csv"
"$numasim" compare "$@" -o "$tmp/c.txt"
"$numasim" compare "$@" --jobs 1 --format json -o "$tmp/j1.json"
"$numasim" compare "$@" --jobs 3 --format json -o "$tmp/j3.json"
cmp "$tmp/j1.json" "$tmp/j3.json"
for k in 1 2 3 4 5; do
	"$numasim" compare "$@" --shard $k/5 --format json -o "$tmp/s$k.json"
done
"$numasim" merge "$tmp/s4.json" "$tmp/s2.json" "$tmp/s5.json" "$tmp/s1.json" "$tmp/s3.json" -o "$tmp/m.json"
cmp "$tmp/j1.json" "$tmp/m.json"
head -n 1 "$tmp/c.txt" | grep -q '^topology  *workload  *MODE  *NODES  *local_ratio'
python3 - "$tmp" <<'PY'
import csv, json, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(f"{d}/c.csv")))
runs = json.load(open(f"{d}/j1.json"))["compare"]["runs"]
text = [l.split() for l in open(f"{d}/c.txt").read().splitlines()[1:]]
# topology slowest, then workload, the last --vary fastest
order = [(t, m, n) for t in ("ring4", "2socket") for m in ("bind", "interleave", "local")
         for n in ("1", "0-1")]
assert [(r["topology"], r["MODE"], r["NODES"]) for r in rows] == order, rows
assert [(r["topology"], r["MODE"], str(r["NODES"])) for r in runs] == order
# text: topology, workload (here three words), MODE, NODES, 10 columns
assert [(r[0], r[-12], r[-11]) for r in text] == order, text
assert all(r["workload"].endswith("it's a trace.trace") for r in rows + runs)
assert all(" ".join(r[1:-12]).endswith("it's a trace.trace") for r in text)
assert [r["variant"] for r in runs] == list(range(1, 13))
# pages touched: 50% of node 0 = 128 MiB on ring4, 1 GiB on 2socket
pages = {"ring4": 256 * 2**20 // 2 // 4096, "2socket": 2 * 2**30 // 2 // 4096}
assert pages == {"ring4": 32768, "2socket": 262144}
for r in runs:
    p = pages[r["topology"]]
    # the task runs on node 0: bind to {1} = all remote, to {0,1} = the
    # preferred local node first (policy_nodemask: bind allocates from
    # the nearest allowed node) = none remote; interleave over {1} all,
    # over {0,1} half; local ignores the nodes: none
    want = {("bind", "1"): p, ("bind", "0-1"): 0, ("interleave", "1"): p,
            ("interleave", "0-1"): p // 2, ("local", "1"): 0, ("local", "0-1"): 0}
    assert r["remote_pages"] == want[(r["MODE"], str(r["NODES"]))], r
for k in range(1, 6):
    c = json.load(open(f"{d}/s{k}.json"))["compare"]
    assert c["shard"] == f"{k}/5"
    assert [r["variant"] for r in c["runs"]] == list(range(k, 13, 5))
print("sweep ok")
PY

# --list: one runnable, shell-quoted `run` per variant, nothing else
"$numasim" compare "$@" --list > "$tmp/list"
[ "$(wc -l < "$tmp/list")" -eq 12 ]
"$numasim" compare "$@" --list --shard 2/5 > "$tmp/list2"
[ "$(wc -l < "$tmp/list2")" -eq 3 ]
line=$(sed -n 4p "$tmp/list")   # ring4, interleave, NODES=0-1
case $line in *"'"*"it'\\''s a trace.trace'"*) ;; *) echo "not quoted: $line"; exit 1 ;; esac
eval "$line --format json -o \"\$tmp/run4.json\""
python3 - "$tmp/run4.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
t = [t for t in r["tasks"] if t["pid"] == 1][0]
assert t["pages_by_node"][:2] == [16384, 16384], t["pages_by_node"]
PY

# relative sizes with decimals: 62.5% of ring4's 256 MiB is 160 MiB
"$numasim" run -w "$t" --set SIZE=62.5%node0 --format json -o "$tmp/r.json"
python3 -c "
import json,sys; r=json.load(open(sys.argv[1]))
assert r['nodes'][0]['anon_pages'] == 160 * 256, r['nodes'][0]['anon_pages']" "$tmp/r.json"

# merge refuses overlapping, missing, foreign and non-compare inputs
fails() {
	rc=0
	"$numasim" merge "$@" >/dev/null 2>"$tmp/err" || rc=$?
	[ $rc -eq 2 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] || { echo "merge $*: exit $rc"; cat "$tmp/err"; exit 1; }
}
fails "$tmp/s1.json" "$tmp/s1.json" "$tmp/s2.json" "$tmp/s3.json" "$tmp/s4.json" "$tmp/s5.json"
grep -q 'given twice' "$tmp/err"
fails "$tmp/s1.json" "$tmp/s2.json" "$tmp/s3.json" "$tmp/s4.json"
grep -q 'shard 5/5 is missing' "$tmp/err"
"$numasim" compare -t ring4 -w "$t" --vary MODE=bind,local --shard 2/5 --format json -o "$tmp/other.json"
fails "$tmp/s1.json" "$tmp/other.json"
grep -q 'not the same sweep' "$tmp/err"
fails "$tmp/s1.json" "$tmp/j1.json"
fails "$tmp/c.csv"
echo "merge checks ok"

# --jobs within host memory: a ring4 run is estimated at 262144 frames
# (4 x 256 MiB / 4 KiB) x (24 + 16) bytes + 32 MiB = 44040192 bytes
# (42 MiB). Workers start longest first by their cost estimate
# (docs/sweeps.md): variants 1-4 (zone_reclaim_mode 0, 1, 3, 7: 0, 1, 2
# and 3 bits set) cost 1, 2, 3 and 4 times the same work, so the start
# order is 4, 3, 2, 1. With 60000000 bytes available only one runs at a
# time, so variants 3, 2 and 1 each wait, in that order; with 1 byte each still runs, alone;
# with plenty none waits. The output never changes.
set -- -t ring4 -w zone-reclaim --vary vm.zone_reclaim_mode=0,1,3,7 --format json
"$numasim" compare "$@" --jobs 1 -o "$tmp/mem1.json"
for avail in 60000000 1 100000000000; do
	NUMASIM_MEMAVAILABLE=$avail "$numasim" compare "$@" --jobs 4 --progress -o "$tmp/mem4.json" 2>"$tmp/err"
	cmp "$tmp/mem1.json" "$tmp/mem4.json"
	if [ $avail = 100000000000 ]; then want=""; else want="3 2 1"; fi
	got=$(sed -n 's/^compare: variant \([0-9]*\) waits for host memory: needs 42 MiB.*/\1/p' "$tmp/err" | paste -sd' ' -)
	[ "$got" = "$want" ] || { echo "avail $avail: waits '$got', want '$want'"; cat "$tmp/err"; exit 1; }
done
echo "memory queueing ok"

# compare exits 1 when a run fails an expect, and merge says the same
rc=0
"$numasim" compare -w interleave -t ring4,2socket --format json -o "$tmp/e.json" || rc=$?
[ $rc -eq 1 ]
rc=0
"$numasim" merge "$tmp/e.json" -o "$tmp/e2.json" || rc=$?
[ $rc -eq 1 ]
cmp "$tmp/e.json" "$tmp/e2.json"
echo "test_sweeps ok"
