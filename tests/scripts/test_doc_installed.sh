#!/bin/sh
# Every command in the installed docs runs exactly as printed from
# <prefix>/share/doc/numasim, the directory the pages name for an
# installed numasim, with the installed numasim first on PATH: the build
# is installed with `cmake --install BUILD --prefix` into a temporary
# directory and test_doc_examples.sh runs each installed page's commands
# there, so the installed binary must find its topologies and workloads
# relative to itself and the traces the pages use must be installed.
# $NUMASIM_DATADIR is unset, so nothing points the binary back at the
# source tree.
# Usage: test_doc_installed.sh NUMASIM SRCDIR
numasim=$1 src=$2
build=$(cd "$(dirname "$numasim")" && pwd)
[ -f "$build/cmake_install.cmake" ] || { echo "SKIPPED: $build is not a CMake build directory"; exit 77; }
command -v cmake > /dev/null || { echo "SKIPPED: no cmake to install with"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" > "$tmp/install.log" 2>&1 ||
  { echo "FAIL: cmake --install"; cat "$tmp/install.log"; exit 1; }
doc=$prefix/share/doc/numasim
[ -x "$prefix/bin/numasim" ] || { echo "FAIL: no $prefix/bin/numasim"; exit 1; }
[ -f "$doc/README.md" ] || { echo "FAIL: no pages in $doc"; exit 1; }
# the installed pages are the source's pages
for p in "$src"/docs/*.md; do
  cmp -s "$p" "$doc/$(basename "$p")" || { echo "FAIL: $(basename "$p") is not installed as it is"; exit 1; }
done
unset NUMASIM_DATADIR
# shipped names resolve in the install, not in the source tree: a
# topology that only the install has is found by name
sed 's/"name": *"ring4"/"name": "installed-only"/' "$prefix/share/numasim/topologies/ring4.json" \
  > "$prefix/share/numasim/topologies/installed-only.json"
(cd "$tmp" && "$prefix/bin/numasim" topo show -t installed-only > /dev/null) ||
  { echo "FAIL: the installed numasim does not find its data beside itself"; exit 1; }
rm "$prefix/share/numasim/topologies/installed-only.json"
cd "$doc" || exit 1
pages=$(echo *.md)
DOC_PAGES=$pages sh "$src/tests/scripts/test_doc_examples.sh" "$prefix/bin/numasim" "$doc"
