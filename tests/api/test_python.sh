#!/bin/sh
# The Python module (python/numasim.py, docs/python.md).
# Usage: test_python.sh MODE LIBNUMASIM_SO NUMASIM_BINARY SOURCE_DIR
#  MODE plain: tests/api/test_python.py with plain dicts (no pandas);
#  MODE docs:  the example of docs/python.md, as printed, with pandas and
#              matplotlib; SKIPPED (77) naming what is missing.
set -e
mode=$1 so=$2 bin=$3 src=$4
export NUMASIM_LIB="$so" PYTHONPATH="$src/python" MPLBACKEND=Agg
unset NUMASIM_DATADIR
# A sanitizer build: the sanitizer runtimes must be loaded before Python;
# the interpreter's own allocations at exit are not leaks of ours.
runtimes=$(ldd "$so" 2>/dev/null | awk '/libasan|libubsan/ {print $3}' | tr '\n' ' ')
if [ -n "$runtimes" ]; then
  export LD_PRELOAD="$runtimes" ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
fi
case $mode in
plain)
  command -v python3 >/dev/null 2>&1 || { echo "SKIPPED: no python3"; exit 77; }
  NUMASIM_NO_PANDAS=1 python3 "$src/tests/api/test_python.py" "$bin"
  ;;
docs)
  # Debian's python3-pandas and python3-matplotlib serve /usr/bin/python3,
  # which may not be the python3 first on PATH.
  py=""
  for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import pandas, matplotlib' 2>/dev/null; then
      py=$p; break
    fi
  done
  [ -n "$py" ] || { echo "SKIPPED: no python3 with pandas and matplotlib (scripts/setup installs python3-pandas python3-matplotlib)"; exit 77; }
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/numasim-py.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  awk '/^```python$/ {n++; if (n==1) {on=1; next}} /^```$/ && on {exit} on' "$src/docs/python.md" >"$tmp/example.py"
  awk '/^```text$/ {n++; if (n==1) {on=1; next}} /^```$/ && on {exit} on' "$src/docs/python.md" >"$tmp/want.txt"
  [ -s "$tmp/example.py" ] && [ -s "$tmp/want.txt" ] || { echo "FAIL: no example or output block in docs/python.md"; exit 1; }
  (cd "$tmp" && "$py" example.py >got.txt)
  diff "$tmp/want.txt" "$tmp/got.txt" || { echo "FAIL: docs/python.md's example prints something else"; exit 1; }
  head -c 8 "$tmp/numa-balancing.png" | od -An -c | grep -q 'P   N   G' || { echo "FAIL: no PNG written"; exit 1; }
  # pandas: the same module gives DataFrames
  (cd "$tmp" && "$py" -c 'import numasim, pandas
t = numasim.compare("ring4", "default", [{}, "vm.zone_reclaim_mode=1"])
assert isinstance(t, pandas.DataFrame) and list(t["variant"]) == ["default", "vm.zone_reclaim_mode=1"], t
s = numasim.Simulation("ring4", "default", timeseries="50ms"); s.run()
ts = s.timeseries()
assert isinstance(ts, pandas.DataFrame) and set(ts["node"]) == {0, 1, 2, 3}, ts
assert (ts["used_pages"] == 65536 - ts["free_pages"]).all()
print("ok: DataFrames")')
  echo "ok: docs/python.md example runs as printed with $py"
  ;;
*) echo "usage: test_python.sh plain|docs LIB NUMASIM SRC"; exit 2 ;;
esac
