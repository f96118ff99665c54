#!/bin/sh
# Installs numasim to a temporary prefix, moves the tree elsewhere and
# checks that everything still works from there (docs/api.md):
#  - `numasim run -t NAME` finds the shipped data beside the binary;
#  - the program of docs/api.md, as printed there (= tests/api/example.c),
#    builds with `pkg-config --cflags --libs numasim` (and --static) and
#    prints what docs/api.md says it prints;
#  - a CMake project using find_package(numasim) builds and runs it;
#  - a program linked with the moved libnumasim.so finds the data beside
#    the library.
# Usage: test_install.sh BUILD_DIR SOURCE_DIR
set -e
build=$1
src=$2
for tool in cc pkg-config cmake; do
  command -v $tool >/dev/null 2>&1 || { echo "SKIPPED: no $tool"; exit 77; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/numasim-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
unset NUMASIM_DATADIR NUMASIM_LIB

cmake --install "$build" --prefix "$tmp/first" >"$tmp/install.log"
# A sanitizer build (-DNUMASIM_SANITIZE=ON): programs using the library
# are built with the sanitizers too, as its runtime must come first.
san=""
if readelf -d "$(find "$tmp/first" -name 'libnumasim.so.*.*')" | grep -q 'libasan'; then
  san="-fsanitize=address,undefined"
fi
mv "$tmp/first" "$tmp/moved"
p=$tmp/moved
libdir=$(dirname "$(find "$p" -name numasim.pc)")
libdir=${libdir%/pkgconfig}
for f in bin/numasim include/numasim.h share/numasim/topologies/ring4.json \
         share/numasim/workloads/default.trace share/numasim/python/numasim.py; do
  [ -e "$p/$f" ] || { echo "FAIL: not installed: $f"; exit 1; }
done
for f in libnumasim.so libnumasim.a "$(readelf -d "$libdir/libnumasim.so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')"; do
  [ -e "$libdir/$f" ] || { echo "FAIL: not in $libdir: $f"; exit 1; }
done

# The static library, too, defines only the numasim_* calls globally
# (sanitizer runtime hooks aside).
others=$(nm -g --defined-only "$libdir/libnumasim.a" | awk 'NF == 3 {print $3}' |
         grep -v '^numasim_' | grep -v '^__\(asan\|odr_asan\|ubsan\|sancov\)' || true)
[ -z "$others" ] || { echo "FAIL: libnumasim.a defines more than numasim_*:"; echo "$others" | head; exit 1; }

# 1. The moved binary finds its data: a topology that exists only in the
# moved tree proves the lookup is relative to the binary, not the
# configured prefix nor the source tree.
sed 's/"name": "ring4"/"name": "only-here"/' "$src/topologies/ring4.json" \
  >"$p/share/numasim/topologies/only-here.json"
(cd "$tmp" && "$p/bin/numasim" run -t ring4 -w default >"$tmp/run.txt")
grep -q "workload default on topology ring4" "$tmp/run.txt" || { echo "FAIL: run -t ring4"; cat "$tmp/run.txt"; exit 1; }
(cd / && "$p/bin/numasim" run -t only-here -w default >"$tmp/run2.txt")
grep -q "on topology only-here" "$tmp/run2.txt" || { echo "FAIL: run -t only-here"; exit 1; }
echo "ok: the moved numasim finds ring4 and only-here under $p/share/numasim"

# 2. The docs/api.md example as printed, with pkg-config.
awk '/^```c$/ {on=1; next} /^```$/ && on {exit} on' "$src/docs/api.md" >"$tmp/example.c"
awk '/^```text$/ {n++; if (n==1) {on=1; next}} /^```$/ && on {exit} on' "$src/docs/api.md" >"$tmp/want.txt"
cmp -s "$tmp/example.c" "$src/tests/api/example.c" || { echo "FAIL: docs/api.md's example is not tests/api/example.c"; diff "$tmp/example.c" "$src/tests/api/example.c" | head; exit 1; }
[ -s "$tmp/want.txt" ] || { echo "FAIL: no output block in docs/api.md"; exit 1; }
export PKG_CONFIG_PATH="$libdir/pkgconfig"
# shellcheck disable=SC2046
cc -Wall -Werror $san -o "$tmp/example" "$tmp/example.c" $(pkg-config --cflags --libs numasim)
LD_LIBRARY_PATH="$libdir" "$tmp/example" >"$tmp/got.txt"
diff "$tmp/want.txt" "$tmp/got.txt" || { echo "FAIL: the example's output differs from docs/api.md"; exit 1; }
# shellcheck disable=SC2046
cc -Wall -Werror $san -o "$tmp/example-static" "$tmp/example.c" $(pkg-config --cflags numasim) \
   "$libdir/libnumasim.a" $(pkg-config --static --libs-only-l numasim | sed 's/-lnumasim//')
"$tmp/example-static" >"$tmp/got-static.txt"
diff "$tmp/want.txt" "$tmp/got-static.txt" || { echo "FAIL: the static example differs"; exit 1; }
echo "ok: docs/api.md example built with pkg-config (shared and static) prints what the doc says"

# 3. find_package(numasim) from a CMake project.
cmake -S "$src/tests/api/consumer" -B "$tmp/consumer" -DCMAKE_PREFIX_PATH="$p" \
      -DEXAMPLE_SOURCE="$tmp/example.c" -DCMAKE_C_FLAGS="$san" >"$tmp/consumer.log" 2>&1 || { cat "$tmp/consumer.log"; exit 1; }
cmake --build "$tmp/consumer" >>"$tmp/consumer.log" 2>&1 || { cat "$tmp/consumer.log"; exit 1; }
"$tmp/consumer/example" >"$tmp/got-cmake.txt"
diff "$tmp/want.txt" "$tmp/got-cmake.txt" || { echo "FAIL: the find_package example differs"; exit 1; }
echo "ok: find_package(numasim) project builds and runs the example"

# 4. A program outside the tree linked with the moved library: the data
# is found beside the library (libdir/../share/numasim).
cat >"$tmp/here.c" <<'PROG'
#include <numasim.h>
#include <stdio.h>
int main(void)
{
	numasim_t *h = numasim_create();
	int rc = numasim_load_topology(h, "only-here");

	if (rc)
		fprintf(stderr, "%s\n", numasim_errmsg(h));
	numasim_destroy(h);
	return rc ? 1 : 0;
}
PROG
# shellcheck disable=SC2046
cc $san -o "$tmp/here" "$tmp/here.c" $(pkg-config --cflags --libs numasim)
(cd / && LD_LIBRARY_PATH="$libdir" "$tmp/here") || { echo "FAIL: the library does not find its data"; exit 1; }
echo "ok: libnumasim.so finds the data beside itself"

# 5. The installed Python module finds the moved library by its own place
# (<prefix>/share/numasim/python -> <prefix>/lib*), the data beside it.
if command -v python3 >/dev/null 2>&1; then
  runtimes=$(ldd "$libdir/libnumasim.so" 2>/dev/null | awk '/libasan|libubsan/ {print $3}' | tr '\n' ' ')
  (cd / && env ${runtimes:+LD_PRELOAD="$runtimes"} ${runtimes:+ASAN_OPTIONS=detect_leaks=0} \
     NUMASIM_NO_PANDAS=1 PYTHONPATH="$p/share/numasim/python" python3 -c '
import numasim, os, sys
lib = numasim.library()._name
assert lib.startswith(sys.argv[1]), lib
s = numasim.Simulation("only-here", "default")
s.run()
assert s.report_dict()["topology"]["name"] == "only-here"
print("ok: the installed Python module loads", os.path.basename(lib), "from the moved prefix")' "$p") \
  || { echo "FAIL: the installed Python module"; exit 1; }
else
  echo "no python3: the installed module is not tried"
fi
