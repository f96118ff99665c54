#!/bin/sh
# numasim quiz: for every topic and 20 seeds, the worked answer - written
# into the problem's trace as expect lines, from the rule the topic
# teaches - is what numasim's own simulation of the problem gives
# (`run --check` holds every expect), and `-c` says so. The scaling
# topic's arithmetic: 2 nodes give 50 % local, 16 nodes 93.75 % remote.
# The tiers topic's tier names and demotion target (hand arithmetic:
# abstract distance >> 7, the nearest lower-tier node) are what
# `topo show` prints for the generated machine.
# The problems are checked side by side, one process per CPU (each
# problem's check is independent of the others'), so that the topics
# with long simulations (balancing runs 8 s of scanning) do not set the
# wall time alone.
# Usage: test_quiz.sh NUMASIM SRCDIR
# (Internally: test_quiz.sh --one NUMASIM DIR TOPIC SEED checks one problem.)
if [ "$1" = --one ]; then
  mode=one numasim=$2 tmp=$3 topic=$4 oneseed=$5
else
  mode=all numasim=$1
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
fi
fail=0

# One problem's checks; prints "checked" and FAIL lines.
check_one() {
  t=$1 seed=$2 d=$tmp/$1-$2
  mkdir -p "$d"
  {
    echo checked
    "$numasim" quiz "$t" --seed "$seed" --files "$d" > /dev/null || { echo "FAIL $t $seed: --files"; return 0; }
    grep -q ' expect ' "$d/quiz.trace" || echo "FAIL $t $seed: no answer in the trace"
    if ! "$numasim" run -t "$d/quiz.json" -w "$d/quiz.trace" --check > /dev/null 2> "$d/err"; then
      echo "FAIL $t --seed $seed: the simulation disagrees with the answer"; head -3 "$d/err"
    fi
    if [ "$t" = tiers ]; then
      "$numasim" quiz tiers --seed "$seed" -c > "$d/c"
      "$numasim" topo show -t "$d/quiz.json" > "$d/show"
      # "so node T is node A's target" against the model's boot-log line
      set -- $(sed -n "s/.*so node \([0-9]*\) is node \([0-9]*\)'s target.*/\1 \2/p" "$d/c")
      grep -q "^Demotion targets for Node $2: preferred: $1," "$d/show" ||
        { echo "FAIL tiers --seed $seed: target $1 of node $2 is not what topo show prints"; cat "$d/show"; }
      # "nodes 2-4 (1280) are in memory_tier10" (or "node 2 (...) is in")
      set -- $(tr '\n' ' ' < "$d/c" | sed -n 's/.*top tier; nodes\{0,1\} \([0-9-]*\) ([0-9]*) [a-z]* in *memory_tier\([0-9]*\).*/\1 \2/p')
      grep -q "^memory_tier$2 nodelist: $1 " "$d/show" && grep -q "^memory_tier4 nodelist: 0-1 .*top tier" "$d/show" ||
        { echo "FAIL tiers --seed $seed: tier memory_tier$2 of nodes $1 is not what topo show prints"; cat "$d/show"; }
    fi
  }
  return 0
}

if [ $mode = one ]; then
  check_one "$topic" "$oneseed" > "$tmp/$topic-$oneseed.log" 2>&1
  exit 0
fi
topics=$("$numasim" quiz | sed -n 's/^  \([a-z-]*\) .*/\1/p')
[ "$(echo "$topics" | wc -l)" -ge 11 ] || { echo "FAIL: quiz lists too few topics: $topics"; exit 1; }
echo "$topics" | grep -qx tiers || { echo "FAIL: no tiers topic"; exit 1; }
# the slow topics first, so no process is left running one at the end
for t in balancing cpusets $topics; do
  for seed in $(seq 1 20); do echo "$t $seed"; done
done | awk '!seen[$0]++' | xargs -P "$(nproc 2>/dev/null || echo 1)" -L1 sh "$0" --one "$numasim" "$tmp"
n=0
for t in $topics; do
  for seed in $(seq 1 20); do
    l=$tmp/$t-$seed.log
    [ -s "$l" ] || { echo "FAIL $t --seed $seed: its check printed nothing"; fail=1; continue; }
    n=$((n + $(grep -c '^checked$' "$l")))
    if grep -v '^checked$' "$l"; then fail=1; fi
  done
  d=$tmp/$t-7
  "$numasim" quiz "$t" --seed 7 -c > "$d/c" || { echo "FAIL $t: -c exits $?"; fail=1; }
  grep -q "simulation of this problem agrees" "$d/c" || { echo "FAIL $t: -c does not confirm"; fail=1; }
  "$numasim" quiz "$t" --seed 7 > "$d/p1"; "$numasim" quiz "$t" --seed 7 > "$d/p2"
  cmp -s "$d/p1" "$d/p2" || { echo "FAIL $t: not deterministic"; fail=1; }
  grep -q ' expect ' "$d/p1" && { echo "FAIL $t: the question shows the answers"; fail=1; }
done

# scaling: find a seed with 2 nodes and one with 16 and check the figures
for seed in $(seq 1 40); do
  "$numasim" quiz scaling --seed "$seed" -c > "$tmp/s"
  grep -q '^2 threads' "$tmp/s" && { grep -q '50.00 % of accesses are local' "$tmp/s" || { echo "FAIL: 2 nodes"; fail=1; }; }
  grep -q '^16 threads' "$tmp/s" && { grep -q '93.75 % remote' "$tmp/s" || { echo "FAIL: 16 nodes"; fail=1; }; }
done
"$numasim" quiz fallbak 2> "$tmp/e"; [ $? -eq 2 ] && grep -q "did you mean 'fallback'" "$tmp/e" ||
  { echo "FAIL: a mistyped topic"; fail=1; }
[ "$n" -eq $((20 * $(echo "$topics" | wc -l))) ] || { echo "FAIL: $n problems checked"; fail=1; }
echo "$n quiz problems checked against the simulation"
exit $fail
