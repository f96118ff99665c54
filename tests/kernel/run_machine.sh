#!/bin/sh
# The `kernel` tier (docs/verify.md, docs/testing.md): every scenario of
# tests/kernel/ in one `numasim verify` boot of machine TOPO on KERNEL.
# Exit 0 when all agree (or differ as their annotations say, with the
# cause), 1 on a difference, 77 (ctest: SKIPPED) when QEMU or the kernel
# cannot be had; never a pass then. The JSON result is kept beside the test
# (kernel-TOPO-KERNEL.json) for scripts/kernel-table.
# Usage: run_machine.sh NUMASIM SRCDIR TOPO KERNEL
numasim=$1 src=$2 topo=$3 kernel=$4
name=$(basename "$topo" .json)
out=$PWD/kernel-$name-$kernel
set --
for t in "$src"/tests/kernel/*.trace; do set -- "$@" -w "$t"; done
NUMASIM_VERIFY_JSON=$out.json "$numasim" verify -t "$topo" --kernel "$kernel" "$@" > "$out.txt" 2> "$out.err"
rc=$?
# A failed guest (exit 2, "the guest failed") is a failure, never
# retried: its program's FAULT lines in the output say where it died.
cat "$out.txt" "$out.err"
if [ $rc -eq 2 ] && grep -q 'cannot run the kernel' "$out.err"; then
  echo "kernel tier: SKIPPED: $(grep -m1 "cannot run the kernel" "$out.err")"
  exit 77
fi
exit $rc
