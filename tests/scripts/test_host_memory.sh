#!/bin/sh
# A host allocation failure is never a simulated event (docs/model.md,
# "Host memory"): under any `ulimit -v`, a run either gives the report of
# the unlimited run byte for byte, or exits 2 with one line saying
# "out of host memory" - never a simulated ENOMEM, OOM kill or missing
# swap device. Each case sweeps address-space limits from too small to
# boot to enough, and must see both outcomes (else the sweep proves
# nothing). Usage: test_host_memory.sh NUMASIM SRCDIR
numasim=$1 src=$2
if ldd "$numasim" 2>/dev/null | grep -q 'libasan\|libubsan'; then
  echo "SKIPPED: sanitizer builds reserve terabytes of shadow memory; ulimit -v cannot apply"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$tmp" || exit 1
runs=0
sweep() {   # TOPO TRACE KB...
  topo=$1 trace=$2; shift 2
  "$numasim" run -t "$topo" -w "$trace" --seed 4 --format json -o ref.json || fail "$topo $trace: reference run"
  ok=0 refused=0
  for kb in "$@"; do
    rm -f out.json
    (ulimit -v "$kb"; exec "$numasim" run -t "$topo" -w "$trace" --seed 4 --format json -o out.json) 2> err.txt
    rc=$?
    runs=$((runs + 1))
    case $rc in
      0) cmp -s ref.json out.json || fail "$topo $trace under ulimit -v $kb: exit 0 but the report differs"
         ok=$((ok + 1)) ;;
      2) [ "$(wc -l < err.txt)" = 1 ] || fail "$topo $trace under ulimit -v $kb: stderr is not one line: $(cat err.txt)"
         grep -q 'out of host memory' err.txt || fail "$topo $trace under ulimit -v $kb: $(cat err.txt)"
         [ ! -e out.json ] || fail "$topo $trace under ulimit -v $kb: a report was written"
         refused=$((refused + 1)) ;;
      *) fail "$topo $trace under ulimit -v $kb: exit $rc: $(cat err.txt)" ;;
    esac
  done
  [ "$ok" -gt 0 ] && [ "$refused" -gt 0 ] || fail "$topo $trace: $ok runs finished and $refused were refused: widen the sweep"
  echo "ok $topo $(basename "$trace"): $ok identical reports, $refused clean refusals"
}
seq_kb() { i=$1; while [ "$i" -le "$2" ]; do echo "$i"; i=$((i + $3)); done; }
# shellcheck disable=SC2046
sweep ring4 "$src/workloads/migrate.trace" $(seq_kb 8000 40000 1000)
# shellcheck disable=SC2046
sweep ring4 "$src/workloads/pagecache.trace" $(seq_kb 8000 40000 1000)
# shellcheck disable=SC2046
sweep 2socket "$src/workloads/swap.trace" $(seq_kb 20000 60000 1000)
# shellcheck disable=SC2046
# (numa16's 4M frames at 24 bytes: boot needs about 100 MB, the run a few more)
sweep numa16 "$src/workloads/compile.trace" $(seq_kb 95000 135000 1000)
echo "$runs limited runs"
