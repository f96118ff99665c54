#!/bin/sh
# fallback.sh NUMASIM PROG - records PROG with the seccomp filter and
# without it (NUMASIM_RECORD_NO_SECCOMP=1: every call stops, the path of a
# kernel without seccomp) and checks that the two traces have the same
# records apart from what differs between any two runs: pids, addresses
# (ASLR), CPUs, times, and the page-fault records (touch, present, run),
# which depend on timing and fault-around (docs/recording.md, "Tests").
# Exit 77 (SKIPPED) with the reason when ptrace is not permitted here.
set -u
NUMASIM=$1 PROG=$2
W=$(mktemp -d "${TMPDIR:-/tmp}/numasim-fallback.XXXXXX") || exit 2
trap 'rm -rf "$W"' EXIT

if ! "$NUMASIM" record -o "$W/probe.trace" -- true 2>"$W/probe.err"; then
	echo "SKIPPED: $(head -n 1 "$W/probe.err")"
	exit 77
fi
"$NUMASIM" record -o "$W/seccomp.trace" -- "$PROG" "$W" >/dev/null 2>"$W/seccomp.err" ||
	{ cat "$W/seccomp.err"; echo "FAIL: record exited $?"; exit 1; }
NUMASIM_RECORD_NO_SECCOMP=1 "$NUMASIM" record -o "$W/ptrace.trace" -- "$PROG" "$W" \
	>/dev/null 2>"$W/ptrace.err" ||
	{ cat "$W/ptrace.err"; echo "FAIL: record without seccomp exited $?"; exit 1; }
grep -q 'every system call stops (PTRACE_SYSCALL)' "$W/ptrace.err" ||
	{ cat "$W/ptrace.err"; echo "FAIL: no line saying the recorder stops at every call"; exit 1; }
if grep -q 'PTRACE_SYSCALL' "$W/seccomp.err"; then
	cat "$W/seccomp.err"
	echo "SKIPPED: no seccomp filter here, both recordings took the fallback"
	exit 77
fi
for t in seccomp ptrace; do
	grep -v '^#' "$W/$t.trace" | sed 's/^[^ ]* //' |
		grep -v '^touch \|^present \|^run \|^cpu ' |
		sed -E 's/(pid|tid|child|as_pid)=[0-9]+/\1=P/g; s/0x[0-9a-f]+/A/g; s/cpu=[0-9]+/cpu=C/g' \
		>"$W/$t.rec"
done
if ! diff "$W/seccomp.rec" "$W/ptrace.rec"; then
	echo "FAIL: the recording without seccomp differs (< with seccomp, > without)"
	exit 1
fi
echo "ok: $(wc -l <"$W/seccomp.rec") records alike with and without seccomp"
