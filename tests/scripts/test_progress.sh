#!/bin/sh
# --progress is by host time: a run of a few heavy records that takes
# more than a second prints a progress line (records, simulated time,
# rate) although it has far fewer than the 2^20 records the old
# record-count trigger waited for; it is on by default when stderr is a
# terminal (through script(1)) and off when stderr is a file; it never
# reaches stdout. SKIPPED without script(1).
# Usage: test_progress.sh NUMASIM SRCDIR
numasim=$1
command -v script > /dev/null || { echo "SKIPPED: no script(1)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# 8 records of 2 million random accesses each: well over 20 ms
{
  echo '# numasim trace v1'
  echo '@0 spawn pid=1 cpu=0'
  echo '@0 mmap pid=1 addr=0x10000000 len=64MiB'
  echo '@0 touch pid=1 addr=0x10000000 len=64MiB'
  for i in 1 2 3 4 5 6 7 8; do
    echo "@${i}ms access pid=1 addr=0x10000000 len=64MiB count=2000000 pattern=random seed=$i"
  done
} > "$tmp/heavy.trace"
fail=0
# lines every 20 ms of host time instead of every second, so that the
# test does not depend on how fast this machine is
NUMASIM_PROGRESS_INTERVAL=20ms
export NUMASIM_PROGRESS_INTERVAL
"$numasim" run -t ring4 -w "$tmp/heavy.trace" --progress > "$tmp/out" 2> "$tmp/err"
grep -q 'numasim: [0-9]*/11 records, simulated t=[0-9.]* ms, [0-9]* records/s' "$tmp/err" ||
  { echo "FAIL: --progress printed no progress line"; cat "$tmp/err"; fail=1; }
grep -q 'records/s' "$tmp/out" && { echo "FAIL: progress on stdout"; fail=1; }
"$numasim" run -t ring4 -w "$tmp/heavy.trace" > "$tmp/out2" 2> "$tmp/err2"
[ -s "$tmp/err2" ] && { echo "FAIL: progress with stderr not a terminal"; cat "$tmp/err2"; fail=1; }
cmp -s "$tmp/out" "$tmp/out2" || { echo "FAIL: progress changed the report"; fail=1; }
# stderr a terminal: on by default
script -q -c "\"$numasim\" run -t ring4 -w \"$tmp/heavy.trace\" -o \"$tmp/r.txt\"" "$tmp/typescript" > /dev/null 2>&1
grep -q 'records/s' "$tmp/typescript" || { echo "FAIL: no progress on a terminal by default"; fail=1; }
echo "progress checked"
exit $fail
