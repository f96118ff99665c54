#!/bin/sh
# Binary traces (docs/trace-format.md "Binary traces") and the compiled
# form the validation pass hands the replay.
#  - Round trip: for every scenario, text -> binary -> text -> binary gives
#    the same binary bytes (the same records: fields, line numbers, name,
#    parameters); for a set of scenarios covering every op (the replays
#    of all 73 would take many minutes under ASan), the text, its binary
#    and the text written back replay to byte-identical JSON reports (the
#    path aside), with every expect holding.
#  - The binary trace and the text written from it replay with identical
#    --explain narrations (a binary touch/access record's line is its
#    canonical text, the one convert writes).
#  - A compiled form spilled to a temporary file (NUMASIM_TAPE_MEM_MAX)
#    replays like one kept in memory; a binary trace piped in runs too.
#  - Parameters are fixed in a binary trace; truncated or damaged binary
#    input is one line naming the file, record and byte, exit 2.
# Usage: test_binary_trace.sh NUMASIM SRCDIR
numasim=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$tmp" || exit 1
norm() { sed 's|"path": "[^"]*"|"path": X|' "$1"; }

# every op, expect kind and flag form among them: spawn/fork/thread/exit,
# mmap/munmap/touch/access (seq, pattern=random, seed=, stride=), files, policies,
# move_pages/migrate_pages, cpusets, sysctl, kmalloc, madvise, snapshots
replayed="first_touch fork_cow task_lifecycle stillborn_child file_mapping fsync_writes_all
 policy_errors policy_interleave migrate_move_pages migrate_pages cpuset_migrate reclaim_kmalloc
 thp_madvise numab_sysctl ratio_2node huge_pages"
replayed=$(echo $replayed)
n=0 r=0
for t in "$src"/tests/scenarios/*.trace; do
  name=$(basename "$t" .trace)
  topo=$(sed -n 's/^# topology: *//p' "$t" | head -n 1)
  args=$(sed -n 's/^# args: *//p' "$t" | head -n 1)
  mkdir -p a b c
  "$numasim" trace convert -w "$t" -o "b/$name.trace" 2>/dev/null || fail "$name: convert to binary"
  "$numasim" trace convert -w "b/$name.trace" -o "c/$name.trace" 2>/dev/null || fail "$name: convert back to text"
  "$numasim" trace convert -w "c/$name.trace" -o "b2.bin" 2>/dev/null || fail "$name: convert the text back"
  cmp -s "b/$name.trace" b2.bin || fail "$name: text -> binary -> text -> binary changed the records"
  head -c 8 "b/$name.trace" | od -An -tx1 | grep -q '89 4e 53 54 52 0d 0a 1a' || fail "$name: no magic"
  n=$((n + 1))
  case " $replayed " in *" $name "*) ;; *) continue ;; esac
  for d in src b c; do
    f="b/$name.trace"; [ $d = c ] && f="c/$name.trace"; [ $d = src ] && f=$t
    # shellcheck disable=SC2086
    "$numasim" run ${topo:+-t "$topo"} -w "$f" --no-progress $args --format json -o "$d.json" \
      || fail "$name: the $d trace did not replay (exit $?)"
  done
  norm src.json > src.n; norm b.json > b.n; norm c.json > c.n
  cmp -s src.n b.n || fail "$name: the binary trace's report differs from the text's"
  cmp -s src.n c.n || fail "$name: the text written from the binary reports differently"
  r=$((r + 1))
done
[ $n -gt 50 ] || fail "only $n scenarios"
[ $r = 16 ] || fail "$r of the 16 replayed scenarios found"
echo "ok $n scenarios round trip; $r replay to byte-identical reports"

w="$src/tests/scenarios/first_touch.trace"
"$numasim" trace convert -w "$w" -o ft.bin 2>/dev/null || fail "convert"
"$numasim" trace convert -w ft.bin -o ft.txt 2>/dev/null || fail "convert back"
"$numasim" explain -t ring4 -w ft.bin --level all > x1.out || fail "explain binary"
"$numasim" explain -t ring4 -w ft.txt --level all > x2.out || fail "explain text"
cmp -s x1.out x2.out || fail "--explain of the binary trace and of its text differ"
[ -s x1.out ] || fail "--explain printed nothing"
echo "ok --explain of a binary trace and of its text are identical"

"$numasim" run -t ring4 -w "$w" --format json -o mem.json || fail "run"
NUMASIM_TAPE_MEM_MAX=64 "$numasim" run -t ring4 -w "$w" --format json -o spill.json || fail "spilled run"
cmp -s mem.json spill.json || fail "a compiled trace spilled to a file replays differently"
"$numasim" explain -t ring4 -w "$w" --level all > e1.out || fail "explain"
NUMASIM_TAPE_MEM_MAX=64 "$numasim" explain -t ring4 -w "$w" --level all > e2.out || fail "explain spilled"
grep -q 'line [0-9]*: .*touch pid=' e1.out || fail "--explain does not show the record lines"
cmp -s e1.out e2.out || fail "--explain differs when the compiled trace is spilled"
echo "ok a compiled trace spilled to a temporary file replays the same"

"$numasim" run -t ring4 -w ft.bin --format json -o f.json || fail "run binary file"
cat ft.bin | "$numasim" run -t ring4 -w - --format json -o p.json || fail "binary from a pipe"
norm f.json > f.n; norm p.json > p.n
cmp -s f.n p.n || fail "a binary trace piped in reports differently"
"$numasim" trace validate -w ft.bin | grep -q ': ok (' || fail "validate binary"
echo "ok a binary trace from a pipe; trace validate reads binary"

# parameters: resolved when written, fixed afterwards
printf '# numasim trace v1\n# param SIZE=4MiB\n@0 spawn pid=1 cpu=0\n@0 mmap pid=1 addr=0x10000000 len=${SIZE}\n@1ms touch pid=1 addr=0x10000000 len=${SIZE}\n' > p.trace
"$numasim" trace convert -w p.trace -o p8.bin --set SIZE=8MiB 2>/dev/null || fail "convert --set"
"$numasim" run -w p.trace --set SIZE=8MiB --format json -o pt.json || fail "run --set"
"$numasim" run -w p8.bin --format json -o pb.json || fail "run binary with parameters"
norm pt.json > pt.n; norm pb.json > pb.n
cmp -s pt.n pb.n || fail "binary trace with parameters reports differently"
"$numasim" run -w p8.bin --set SIZE=8MiB --format json -o pb2.json || fail "the same value is fine"
out=$("$numasim" run -w p8.bin --set SIZE=2MiB 2>&1 >/dev/null); rc=$?
[ $rc = 2 ] || fail "another value for a fixed parameter: exit $rc"
echo "$out" | grep -q "parameter 'SIZE' is 8MiB in this binary trace" || fail "message: $out"
echo "ok parameters are resolved in a binary trace"

# damaged binary input: one line, exit 2, naming file, record and byte
size=$(wc -c < ft.bin)
head -c $((size - 3)) ft.bin > cut.bin
out=$("$numasim" run -w cut.bin 2>&1 >/dev/null); rc=$?
[ $rc = 2 ] || fail "truncated: exit $rc"
[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || fail "truncated: more than one line: $out"
printf '%s\n' "$out" | grep -Eq '^cut.bin: binary trace: record [0-9]+ \(byte [0-9]+\): ' || fail "truncated: $out"
out=$("$numasim" trace convert -w cut.bin -o out.txt 2>&1 >/dev/null); rc=$?
[ $rc = 2 ] || fail "convert of a truncated trace: exit $rc"
[ ! -e out.txt ] || fail "convert of a truncated trace left a file"
ls out.txt.* >/dev/null 2>&1 && fail "convert left its temporary file"
echo "ok damaged binary input: $out"
exit 0
