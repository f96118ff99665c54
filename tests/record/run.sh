#!/bin/sh
# run.sh NUMASIM SRCDIR PROG - records PROG with `numasim record
# --expect-rc`, replays the trace on this machine's imported topology and
# compares what PROG measured on the real kernel (its REC lines: numa_maps
# of its own mappings) with numasim's numa_maps of the same mappings; the
# kernel's results of the policy and migration calls are `expect` lines
# in the trace, which the replay checks itself (docs/recording.md, "Tests").
# Exit 77 (SKIPPED) with the reason when ptrace or perf_event is not
# permitted here.
set -u
NUMASIM=$1 SRC=$2 PROG=$3
NAME=$(basename "$PROG")
W=$(mktemp -d "${TMPDIR:-/tmp}/numasim-record.XXXXXX") || exit 2
trap 'rm -rf "$W"' EXIT

"$NUMASIM" record -o "$W/probe.trace" -- true 2>"$W/probe.err"
rc=$?
# without privilege only user-mode faults are sampled: the kernel's
# first touches of read() buffers would be missing
if [ $rc -ne 0 ] || grep -q 'not permitted\|not available\|not sampled without privilege' "$W/probe.err"; then
	echo "SKIPPED: $(head -n 1 "$W/probe.err")"
	exit 77
fi
python3 "$SRC/scripts/import-topology" -o "$W/host.json" || exit 2

"$NUMASIM" record --expect-rc -o "$W/rec.trace" -- "$PROG" "$W" >"$W/measured" 2>"$W/record.err"
rc=$?
cat "$W/record.err"
if [ $rc -ne 0 ]; then
	echo "FAIL: numasim record exited $rc"
	exit 1
fi
if grep -q '^FAIL' "$W/measured"; then
	cat "$W/measured"
	echo "FAIL: $NAME failed on the real kernel"
	exit 1
fi
"$NUMASIM" trace validate -w "$W/rec.trace" || { echo "FAIL: the recorded trace does not validate"; exit 1; }
# The programs measure themselves just before they exit: the replay is
# compared at its end with the exits left out, so every task's mappings
# are still there to be reported.
grep -v ' exit pid=' "$W/rec.trace" >"$W/replay.trace"
# The replay runs with this machine's transparent huge page settings.
set --
for f in enabled defrag; do
	v=$(sed -n 's/.*\[\(.*\)\].*/\1/p' /sys/kernel/mm/transparent_hugepage/$f 2>/dev/null)
	[ -n "$v" ] && set -- "$@" --set "mm.transparent_hugepage.$f=$v"
done
"$NUMASIM" run -t "$W/host.json" -w "$W/replay.trace" "$@" --format json -o "$W/replay.json"
rc=$?
if [ $rc -ne 0 ]; then
	"$NUMASIM" run -t "$W/host.json" -w "$W/replay.trace" "$@" | sed -n '/xpect/,$p' | head -n 20
	echo "FAIL: the replay exited $rc (1: an expect with the kernel's result failed)"
	exit 1
fi
python3 "$SRC/tests/record/compare.py" "$W/measured" "$W/replay.json" "$W/rec.trace"
