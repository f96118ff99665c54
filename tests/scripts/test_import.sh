#!/bin/sh
# test_import.sh NUMASIM SRCDIR - `numasim import` on the real captures in
# tests/import (docs/recording.md, "Importing captures"):
#  - every capture imports into a trace that `numasim trace validate`
#    accepts;
#  - perf: the replay of an imported capture, on a topology of the shape
#    of the machine it was captured on, reproduces the numa_maps the
#    program measured on the real kernel during that capture
#    (*.measured, compared by tests/record/compare.py);
#  - strace: the tasks, affinity calls and policy results in the trace
#    are those the capture shows, counted from the capture itself;
#  - lackey: the access counts add up to the capture's data accesses,
#    and there is one first touch per distinct page.
set -u
NUMASIM=$1 SRC=$2
D=$SRC/tests/import
W=$(mktemp -d "${TMPDIR:-/tmp}/numasim-import.XXXXXX") || exit 2
trap 'rm -rf "$W"' EXIT
fail=0
no() { echo "FAIL $*"; fail=1; }

imp() {   # imp KIND FIXTURE [OPTIONS] -> $W/FIXTURE.trace
	_k=$1 _f=$2; shift 2
	"$NUMASIM" import "$_k" "$D/$_f" -o "$W/$_f.trace" "$@" 2>"$W/err" || { cat "$W/err"; no "import $_k $_f"; return 1; }
	"$NUMASIM" trace validate -w "$W/$_f.trace" >/dev/null || { no "$_f: the imported trace does not validate"; return 1; }
}
count() { grep -c -- "$1" "$2"; }

# perf, with the side band: replayed and compared with the measurement
for f in perf_threads perf_fork_exec; do
	imp perf $f.txt || continue
	grep -v ' exit pid=' "$W/$f.txt.trace" >"$W/$f.replay"
	"$NUMASIM" run -t "$D/onenode.json" -w "$W/$f.replay" --format json -o "$W/$f.json" ||
		{ no "$f: the replay failed"; continue; }
	python3 "$SRC/tests/record/compare.py" "$D/$f.measured" "$W/$f.json" "$W/$f.replay" ||
		no "$f: the replay differs from what the program measured"
done
# the same capture's tasks: one fork/thread record per PERF_RECORD_FORK
f=perf_threads.txt
[ "$(count ' thread pid=' "$W/$f.trace")" = "$(count 'PERF_RECORD_FORK' "$D/$f")" ] ||
	no "$f: thread records differ from the capture's PERF_RECORD_FORK lines"

# perf, samples only: every sample's page is first-touched once
f=perf_plain.txt
if imp perf $f; then
	pages=$(awk '{print $1, substr($4, 1, length($4) - 3)}' "$D/$f" | sort -u | wc -l)
	got=$("$NUMASIM" import perf "$D/$f" -o "$W/x.trace" 2>&1 | sed -n 's/.* \([0-9]*\) first touches.*/\1/p')
	[ "$got" = "$pages" ] || no "$f: $got first touches, the capture has $pages distinct (task, page)"
fi

# strace: tasks, exits, affinity, policy results
for f in strace_threads.txt strace_fork_exec.txt strace_files_y.txt strace_policies.txt strace_move_pages.txt \
	strace_ls_no_f.txt; do
	imp strace $f --expect-rc || continue
	t=$W/$f.trace
	[ "$(count ' exit pid=' "$t")" = "$(count '+++ exited' "$D/$f")" ] || no "$f: exit records"
	threads=$(grep -E 'clone3?\(.*CLONE_THREAD' "$D/$f" | wc -l)
	[ "$(count ' thread pid=' "$t")" = "$threads" ] || no "$f: thread records"
	forks=$(grep -E 'clone3?\(' "$D/$f" | grep -v CLONE_THREAD | wc -l)
	[ "$(count ' fork pid=' "$t")" = "$forks" ] || no "$f: fork records"
	aff=$(grep -E 'sched_setaffinity\(' "$D/$f" | wc -l)
	[ "$(count ' affinity pid=' "$t")" = "$aff" ] || no "$f: affinity records"
done
t=$W/strace_policies.txt.trace
[ "$(count 'rc=EINVAL' "$t")" = "$(grep -Ec '(mbind|set_mempolicy)\(.*= -1 EINVAL' "$D/strace_policies.txt")" ] ||
	no "strace_policies: EINVAL results"
grep -q 'mbind pid=[0-9]* addr=0x[0-9a-f]* len=65536 mode=bind nodes=0$' "$t" || no "strace_policies: mbind bind"
grep -q 'set_mempolicy pid=[0-9]* mode=interleave nodes=0$' "$t" || no "strace_policies: set_mempolicy interleave"
t=$W/strace_move_pages.txt.trace
[ "$(count 'status=0,0,0,-ENOENT,-ENOENT,0,0,0' "$t")" = 2 ] || no "strace_move_pages: status arrays"
grep -q 'rc=ENODEV' "$t" || no "strace_move_pages: ENODEV"
t=$W/strace_files_y.txt.trace
grep -q 'read pid=[0-9]* file=[^ ]*record_files.data offset=0 len=65536$' "$t" ||
	no "strace_files_y: the four 16 KiB reads as one record"
grep -q 'read pid=[0-9]* file=[^ ]*record_files.data offset=131072 len=16384$' "$t" || no "strace_files_y: pread"
grep -q 'mmap pid=[0-9]* addr=0x[0-9a-f]* len=256KiB file=[^ ]*record_files.data offset=0 shared read' "$t" ||
	no "strace_files_y: the shared file mapping"

# lackey: counts add up
f=lackey_move_pages.txt
if imp lackey $f --interval 100; then
	t=$W/$f.trace
	want=$(grep -c '^ [LSM] ' "$D/$f")
	got=$(awk '$2 == "access" { for (i = 3; i <= NF; i++) if ($i ~ /^count=/) s += substr($i, 7) } END { print s + 0 }' "$t")
	[ "$got" = "$want" ] || no "$f: access counts add up to $got, the capture has $want data accesses"
	pages=$(awk '/^ [LSM] / { split($2, a, ","); print substr(a[1], 1, length(a[1]) - 3) }' "$D/$f" | sort -u | wc -l)
	touched=$(awk '$2 == "touch" { for (i = 3; i <= NF; i++) if ($i ~ /^len=/) { v = substr($i, 5); sub(/KiB$/, "", v); s += v / 4 } } END { print s + 0 }' "$t")
	[ "$touched" = "$pages" ] || no "$f: $touched pages touched, the capture has $pages distinct pages"
fi
[ $fail = 0 ] && echo "ok: every capture imports, and agrees with what it shows"
exit $fail
