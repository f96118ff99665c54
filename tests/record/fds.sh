#!/bin/sh
# fds.sh NUMASIM PROG [bpf] - records tests/record/fds/fds.c (reads and
# writes of one file through fds made every way: open in a thread,
# F_DUPFD, dup2, fork, SCM_RIGHTS, a clone sharing the fd table, O_APPEND,
# read() at a shared file position) with the per-fd seccomp filters, with
# every read() stopping (NUMASIM_RECORD_NO_BPF=1), with a filter on every
# fd (NUMASIM_RECORD_ALL_FDS=1) and without seccomp
# (NUMASIM_RECORD_NO_SECCOMP=1), and checks each trace
# against what the program did: its `RW read|write OFFSET LEN` lines are
# the trace's read and write records of that file, none missing and none
# more; and its own output (stdout, a regular file it starts with) is
# written all: write records of that file summing to its size.
# With bpf: the per-fd filters only, whose reads must come from the BPF
# program on sys_enter_read (the trace says so); SKIPPED with the reason
# when it cannot load here.
# Exit 77 (SKIPPED) with the reason when ptrace is not permitted here.
set -u
NUMASIM=$1 PROG=$2 ONLY=${3:-}
W=$(mktemp -d "${TMPDIR:-/tmp}/numasim-fds.XXXXXX") || exit 2
trap 'rm -rf "$W"' EXIT

if ! "$NUMASIM" record -o "$W/probe.trace" -- true 2>"$W/probe.err"; then
	echo "SKIPPED: $(head -n 1 "$W/probe.err")"
	exit 77
fi
fail=0
modes="per-fd NUMASIM_RECORD_NO_BPF=1 NUMASIM_RECORD_ALL_FDS=1 NUMASIM_RECORD_NO_SECCOMP=1"
test "$ONLY" = bpf && modes=per-fd
for mode in $modes; do
	rm -f "$W/fds.data"
	env $(test $mode = per-fd || echo $mode) NUMASIM_RECORD_BPF_LOG=1 "$NUMASIM" record \
		-o "$W/t.trace" -- "$PROG" "$W" >"$W/out" 2>"$W/err" ||
		{ cat "$W/err"; echo "FAIL ($mode): record exited $?"; exit 1; }
	if [ "$ONLY" = bpf ] && ! grep -q "^# read(), write() and pwrite64() of a regular file: from a BPF program" "$W/t.trace"; then
		echo "SKIPPED: $(grep -m 1 'no BPF program for read() and write()' "$W/err" ||
			echo 'no BPF program for read() and write() here (no per-fd filters or tracepoints)')"
		exit 77
	fi
	if grep -q '^FAIL' "$W/out"; then
		cat "$W/out"
		echo "FAIL ($mode): the program failed"
		exit 1
	fi
	sed -n 's/^RW //p' "$W/out" | sort >"$W/expected"
	sed -nE "s@^[^ ]* (read|write) pid=[0-9]+ file=$W/fds.data offset=([0-9]+) len=([0-9]+)\$@\1 \2 \3@p" \
		"$W/t.trace" | sort >"$W/recorded"
	if ! diff "$W/expected" "$W/recorded"; then
		echo "FAIL ($mode): the trace's transfers of fds.data differ (< done, > recorded)"
		fail=1
	fi
	size=$(wc -c <"$W/out")
	sum=$(sed -nE "s@^[^ ]* write pid=[0-9]+ file=$W/out offset=[0-9]+ len=([0-9]+)\$@\1@p" "$W/t.trace" |
		awk '{ s += $1 } END { print s + 0 }')
	if [ "$sum" -ne "$size" ]; then
		echo "FAIL ($mode): $sum bytes of write records of stdout, $size written"
		fail=1
	fi
	[ $fail = 0 ] && echo "ok ($mode): $(wc -l <"$W/expected") transfers, $size bytes of stdout"
done
exit $fail
