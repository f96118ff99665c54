#!/bin/sh
# accesses.sh NUMASIM SRCDIR PROG - records tests/record/accesses.c with
# `numasim record --accesses 10ms` and checks that the access records
# name the pages it uses, and only those (check_accesses.py). Exit 77
# (SKIPPED) with the reason where neither idle page tracking nor
# soft-dirty bits can be had (not root, a kernel built without them) or
# ptrace or fault sampling is not permitted.
set -u
NUMASIM=$1 SRC=$2 PROG=$3
W=$(mktemp -d "${TMPDIR:-/tmp}/numasim-accesses.XXXXXX") || exit 2
trap 'rm -rf "$W"' EXIT

"$NUMASIM" record --accesses 10ms -o "$W/probe.trace" -- true 2>"$W/probe.err"
rc=$?
if [ $rc -ne 0 ] || grep -q 'not permitted\|nor are soft-dirty\|no access records' "$W/probe.err"; then
	echo "SKIPPED: $(grep -m1 'accesses\|not permitted' "$W/probe.err" || head -n 1 "$W/probe.err")"
	exit 77
fi
mode=idle
grep -q 'from soft-dirty bits' "$W/probe.err" && mode=soft-dirty
"$NUMASIM" record --accesses 10ms -o "$W/rec.trace" -- "$PROG" "$W" 10 >"$W/measured" 2>"$W/record.err"
rc=$?
cat "$W/record.err"
[ $rc -eq 0 ] || { echo "FAIL: numasim record exited $rc"; exit 1; }
grep -q '^FAIL' "$W/measured" && { cat "$W/measured"; echo "FAIL: the program failed"; exit 1; }
"$NUMASIM" trace validate -w "$W/rec.trace" || { echo "FAIL: the recorded trace does not validate"; exit 1; }
python3 "$SRC/tests/record/check_accesses.py" "$W/rec.trace" "$W/measured" "$mode"
