#!/bin/sh
# numasim quiz: for every topic and 20 seeds, the worked answer - written
# into the problem's trace as expect lines, from the rule the topic
# teaches - is what numasim's own simulation of the problem gives
# (`run --check` holds every expect), and `-c` says so. The scaling
# topic's arithmetic: 2 nodes give 50 % local, 16 nodes 93.75 % remote.
# Usage: test_quiz.sh NUMASIM SRCDIR
numasim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
topics=$("$numasim" quiz | sed -n 's/^  \([a-z-]*\) .*/\1/p')
[ "$(echo "$topics" | wc -l)" -ge 9 ] || { echo "FAIL: quiz lists too few topics: $topics"; exit 1; }
for t in $topics; do
  for seed in $(seq 1 20); do
    n=$((n + 1))
    "$numasim" quiz "$t" --seed "$seed" --files "$tmp" > /dev/null || { echo "FAIL $t $seed: --files"; fail=1; continue; }
    grep -q ' expect ' "$tmp/quiz.trace" || { echo "FAIL $t $seed: no answer in the trace"; fail=1; }
    if ! "$numasim" run -t "$tmp/quiz.json" -w "$tmp/quiz.trace" --check > /dev/null 2> "$tmp/err"; then
      echo "FAIL $t --seed $seed: the simulation disagrees with the answer"; head -3 "$tmp/err"; fail=1
    fi
  done
  "$numasim" quiz "$t" --seed 7 -c > "$tmp/c" || { echo "FAIL $t: -c exits $?"; fail=1; }
  grep -q "simulation of this problem agrees" "$tmp/c" || { echo "FAIL $t: -c does not confirm"; fail=1; }
  "$numasim" quiz "$t" --seed 7 > "$tmp/p1"; "$numasim" quiz "$t" --seed 7 > "$tmp/p2"
  cmp -s "$tmp/p1" "$tmp/p2" || { echo "FAIL $t: not deterministic"; fail=1; }
  grep -q ' expect ' "$tmp/p1" && { echo "FAIL $t: the question shows the answers"; fail=1; }
done
# scaling: find a seed with 2 nodes and one with 16 and check the figures
for seed in $(seq 1 40); do
  "$numasim" quiz scaling --seed "$seed" -c > "$tmp/s"
  grep -q '^2 threads' "$tmp/s" && { grep -q '50.00 % of accesses are local' "$tmp/s" || { echo "FAIL: 2 nodes"; fail=1; }; }
  grep -q '^16 threads' "$tmp/s" && { grep -q '93.75 % remote' "$tmp/s" || { echo "FAIL: 16 nodes"; fail=1; }; }
done
"$numasim" quiz fallbak 2> "$tmp/e"; [ $? -eq 2 ] && grep -q "did you mean 'fallback'" "$tmp/e" ||
  { echo "FAIL: a mistyped topic"; fail=1; }
echo "$n quiz problems checked against the simulation"
exit $fail
