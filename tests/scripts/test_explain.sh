#!/bin/sh
# numasim explain: levels, filters and the bound on the default level.
# Usage: test_explain.sh NUMASIM SRCDIR
#
# The decisions level (the default) must stay readable for every shipped
# workload: at most 400 lines, eight screens of 50 lines, whatever the
# trace's length - a decision is told once per record, a record like one
# already told is counted, so the output grows with the number of
# distinct things the kernel did, not with the number of pages.
numasim=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bound=400
for w in "$src"/workloads/*.trace; do
  name=$(basename "$w" .trace)
  for set in "" "kernel.numa_balancing=1"; do
    "$numasim" explain -w "$name" ${set:+--set "$set"} > "$tmp/out" 2> "$tmp/err"
    rc=$?
    n=$(wc -l < "$tmp/out")
    if [ "$rc" -gt 1 ] || [ "$n" -gt $bound ] || [ "$n" -lt 3 ]; then
      echo "FAIL: explain -w $name $set: exit $rc, $n lines (bound $bound)"; head -3 "$tmp/err"; fail=1
    fi
  done
done

# summary: the default workload's four workers each touch 8 MiB locally,
# 8 MiB / 4 KiB = 2048 pages, so each node's first-touch decision is
# taken 2048 times (hand arithmetic from workloads/default.trace).
"$numasim" explain -w default --level summary > "$tmp/sum"
for n in 0 1 2 3; do
  grep -q "^ *2048  fault: new anonymous page on node $n (policy default), the task runs on node $n (local)" \
    "$tmp/sum" || { echo "FAIL: summary lacks 2048 faults on node $n"; fail=1; }
done

# all: nothing collapsed - every fault of the first touch is printed
# (tests/scenarios/zero_page.trace: a 1 MiB read touch maps the zero page
# 256 times, 1 MiB / 4 KiB, then a 512 KiB write allocates 128 pages).
"$numasim" explain -t ring4 -w "$src/tests/scenarios/zero_page.trace" --level all > "$tmp/all"
z=$(grep -c 'maps the shared zero page' "$tmp/all")
a=$(grep -c 'fault: new anonymous page on node 1' "$tmp/all")
[ "$z" -eq 256 ] || { echo "FAIL: --level all: $z zero-page lines, want 256"; fail=1; }
[ "$a" -ge 128 ] || { echo "FAIL: --level all: $a new-page lines, want >= 128"; fail=1; }
"$numasim" explain -t ring4 -w "$src/tests/scenarios/zero_page.trace" > "$tmp/dec"
grep -q '\.\.\. and 255 more decisions like those above' "$tmp/dec" ||
  { echo "FAIL: decisions level does not count the 255 repeats"; fail=1; }

# --pid: only pid 2's records (and global ones) of the default workload
"$numasim" explain -w default --pid 2 --level all > "$tmp/pid"
if grep '^t=.*line [0-9]*: .* pid=[0-9]' "$tmp/pid" | grep -v ' pid=2\b' | grep -q .; then
  echo "FAIL: --pid 2 shows another task's record"; grep '^t=' "$tmp/pid" | grep -v 'pid=2' | head -3; fail=1
fi
grep -q 'pid=2' "$tmp/pid" || { echo "FAIL: --pid 2 shows nothing of pid 2"; fail=1; }

# --from/--to: record headers all inside the window
"$numasim" explain -w default --level all --from 21ms --to 22ms > "$tmp/win"
awk -F'[= ]' '/^t=/ { if ($2 < 21 || $2 >= 22) bad = 1; n++ } END { exit bad || !n }' "$tmp/win" ||
  { echo "FAIL: --from 21ms --to 22ms shows records outside the window"; fail=1; }

# narration of the mechanisms the issue lists
"$numasim" explain -w migrate > "$tmp/mig"
for want in 'migrate_pages: pid 1' 'migration entr' 'migration done' 'memory_migrate=1: its pages follow' \
            'mems changed with memory_migrate=1'; do
  grep -q "$want" "$tmp/mig" || { echo "FAIL: explain -w migrate lacks '$want'"; fail=1; }
done
"$numasim" explain -w zone-reclaim --set vm.zone_reclaim_mode=1 > "$tmp/zr"
grep -q 'node reclaim on node 0 scanned' "$tmp/zr" || { echo "FAIL: no node reclaim narration"; fail=1; }
# ring4 has 1 GiB: touching 1100 MiB runs every zone below its low
# watermark, so kswapd wakes, swaps, and sleeps once balanced.
cat > "$tmp/k.trace" <<'TR'
# numasim trace v1
@0 sysctl sim.swap_size=1GiB
@0 spawn pid=1 cpu=0
@1ms mmap pid=1 addr=0x10000000 len=1100MiB
@1ms touch pid=1 addr=0x10000000 len=1100MiB
TR
"$numasim" explain -t ring4 -w "$tmp/k.trace" > "$tmp/sw"
grep -q 'wake kswapd0' "$tmp/sw" && grep -q 'kswapd[0-9] sleeps' "$tmp/sw" ||
  { echo "FAIL: kswapd waking and sleeping not narrated"; fail=1; }

"$numasim" explain --level loud > /dev/null 2> "$tmp/e"
grep -q "unknown level 'loud'" "$tmp/e" || { echo "FAIL: bad --level accepted"; fail=1; }
echo "explain checked"
exit $fail
