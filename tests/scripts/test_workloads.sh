#!/bin/sh
# The shipped workloads are exactly what `numasim gen` writes, are valid
# traces and stay under 1 MB. Usage: test_workloads.sh NUMASIM SRCDIR
numasim=$1 src=$2 rc=0
for s in compile dilemma shared-array random-access cron pagecache default; do
	f=$src/workloads/$s.trace
	if ! "$numasim" gen "$s" | cmp -s - "$f"; then
		echo "FAIL $s: workloads/$s.trace differs from 'numasim gen $s' (run scripts/gen-workloads)"; rc=1
	fi
	"$numasim" trace validate -w "$f" >/dev/null || rc=1
	[ "$(wc -c < "$f")" -lt 1048576 ] || { echo "FAIL $s: over 1 MB"; rc=1; }
	"$numasim" trace validate -w "$s" >/dev/null || { echo "FAIL $s: not found by name"; rc=1; }
done
exit $rc
