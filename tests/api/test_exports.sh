#!/bin/sh
# The shared library exports the numasim_* calls of include/numasim.h and
# nothing else (symbol visibility): every defined dynamic symbol starts
# with numasim_, and every call the header declares is there.
# Usage: test_exports.sh LIBNUMASIM_SO   (the header is found beside this script)
set -e
so=$1
header=$(dirname "$0")/../../include/numasim.h
command -v nm >/dev/null 2>&1 || { echo "SKIPPED: no nm (binutils)"; exit 77; }
syms=$(nm -D --defined-only "$so" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sort)
bad=$(printf '%s\n' "$syms" | grep -v '^numasim_' || true)
if [ -n "$bad" ]; then
  echo "exported but not numasim_*:"; printf '%s\n' "$bad"; exit 1
fi
declared=$(grep -o "^NUMASIM_EXPORT [^(]*(" "$header" | sed "s/($//; s/.*[ *]//" | sort)
missing=$(printf '%s\n' "$declared" | while read -r f; do
  printf '%s\n' "$syms" | grep -qx "$f" || echo "$f"; done)
if [ -n "$missing" ]; then
  echo "declared in numasim.h but not exported:"; printf '%s\n' "$missing"; exit 1
fi
extra=$(printf '%s\n' "$syms" | while read -r f; do
  printf '%s\n' "$declared" | grep -qx "$f" || echo "$f"; done)
if [ -n "$extra" ]; then
  echo "exported but not declared in numasim.h:"; printf '%s\n' "$extra"; exit 1
fi
# and tests/api/test_api.c calls every one of them
untested=$(printf '%s\n' "$declared" | while read -r f; do
  grep -q "$f(" "$(dirname "$0")/test_api.c" || echo "$f"; done)
if [ -n "$untested" ]; then
  echo "not called by tests/api/test_api.c:"; printf '%s\n' "$untested"; exit 1
fi
echo "exports: $(printf '%s\n' "$syms" | wc -l) symbols, all numasim_* and all in numasim.h"
