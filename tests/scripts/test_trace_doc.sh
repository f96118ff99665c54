#!/bin/sh
# Every ```trace block of docs/trace-format.md is a valid trace.
# Usage: test_trace_doc.sh NUMASIM SRCDIR
numasim=$1 src=$2 dir=$(mktemp -d) rc=0
trap 'rm -rf "$dir"' EXIT
awk -v dir="$dir" '
	/^```trace$/ { n++; f = dir "/doc" n ".trace"; on = 1; next }
	/^```$/ { on = 0 }
	on { print > f }
' "$src/docs/trace-format.md"
ls "$dir"/doc*.trace >/dev/null 2>&1 || { echo "no trace blocks found"; exit 1; }
for f in "$dir"/doc*.trace; do
	"$numasim" trace validate -w "$f" || rc=1
done
exit $rc
