#!/bin/sh
# Agreement with the real kernel (docs/testing.md): every trace of
# tests/realkernel/ runs as a C program on this machine's kernel and on
# numasim with a topology imported from this machine; return codes,
# move_pages status arrays and numa_maps lines must agree.
# SKIPPED (exit 77, one "skipped" line; ctest reports it so, never as a
# pass) only where it cannot run: no C compiler, no
# /sys/devices/system/node/node0, NUMA system calls that fail (a kernel
# without CONFIG_NUMA: ENOSYS; a seccomp filter: EPERM), or every trace
# skipped by compare.py.
# Usage: test_realkernel.sh NUMASIM SRCDIR
set -e
numasim=$1 src=$2
kit=$src/tests/realkernel
cc=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
skip() { echo "realkernel: skipped: $*"; exit 77; }

command -v "$cc" >/dev/null 2>&1 || skip "no C compiler ($cc)"
[ -d /sys/devices/system/node/node0 ] || skip "no /sys/devices/system/node/node0"
cat > "$tmp/probe.c" <<'C'
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(void)
{
	int mode;
	unsigned long mask[16];

	if (syscall(SYS_get_mempolicy, &mode, mask, 1025, NULL, 0)) {
		printf("get_mempolicy: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
C
"$cc" -o "$tmp/probe" "$tmp/probe.c" || skip "cannot build a C program"
why=$("$tmp/probe") || skip "$why"

"$src/scripts/import-topology" --name host -o "$tmp/host.json"
exec python3 "$kit/compare.py" "$numasim" "$tmp/host.json" "$tmp/work" "$kit"/*.trace
