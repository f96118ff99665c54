#!/bin/sh
# The C layout (.clang-format): every tracked .c and .h file conforms. SKIPPED (77) without
# clang-format 14 or outside a git checkout (a source tarball).
# Usage: test_format.sh NUMASIM SRCDIR
src=$2
git -C "$src" rev-parse --git-dir >/dev/null 2>&1 || { echo "format: skipped: not a git checkout"; exit 77; }
exec "$src/scripts/check-format"
