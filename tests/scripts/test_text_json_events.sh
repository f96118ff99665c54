#!/bin/sh
# The text report's header counts events as the JSON report's `events`
# does (docs/report.md: records and engine events run), for every shipped
# workload. Usage: test_text_json_events.sh NUMASIM SRCDIR
numasim=$1 src=$2
fail=0
for w in "$src"/workloads/*.trace; do
  name=$(basename "$w" .trace)
  t=$("$numasim" run -w "$name" | sed -n 's/^Simulated time .* records run, \([0-9]*\) events$/\1/p')
  j=$("$numasim" run -w "$name" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["events"])')
  [ -n "$t" ] && [ "$t" = "$j" ] || { echo "FAIL $name: text $t events, JSON $j"; fail=1; }
done
echo "text and JSON event counts compared"
exit $fail
