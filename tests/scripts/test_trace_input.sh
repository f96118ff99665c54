#!/bin/sh
# Where a trace can come from and what a line may hold (docs/cli.md
# "Traces from pipes", docs/trace-format.md "Lines"): a valid trace piped
# in (-w -, /dev/stdin, a FIFO) gives the same report as the file, read
# once; a line is at most 65536 bytes (/dev/zero is refused at once, not
# buffered), a NUL byte is refused, a directory and an empty pipe are one
# clear line. Usage: test_trace_input.sh NUMASIM SRCDIR
numasim=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$tmp" || exit 1
# "# name:" keeps the workload's name the same whatever the source
{ echo "# numasim trace v1"; echo "# name: piped"; grep -v '^# numasim trace' "$src/tests/scenarios/first_touch.trace"; } > t.trace
"$numasim" run -t ring4 -w t.trace --seed 3 --format json -o ref.json || fail "reference run"
cat t.trace | "$numasim" run -t ring4 -w - --seed 3 --format json -o a.json || fail "-w - exited $?"
cat t.trace | "$numasim" run -t ring4 -w /dev/stdin --seed 3 --format json -o b.json || fail "/dev/stdin exited $?"
mkfifo fifo
cat t.trace > fifo &
"$numasim" run -t ring4 -w fifo --seed 3 --format json -o c.json || fail "FIFO exited $?"
wait
for f in a b c; do
  sed 's|"path": "[^"]*"|"path": X|' $f.json > $f.n
  sed 's|"path": "[^"]*"|"path": X|' ref.json > ref.n
  cmp -s ref.n $f.n || fail "$f.json differs from the report of the file"
done
echo "ok pipes, /dev/stdin and a FIFO give the file's report"
cat t.trace | "$numasim" trace validate -w - | grep -q ': ok (' || fail "trace validate -w -"

# one line, exit 2: run CMD... and compare stderr with a pattern
expect2() {
  pat=$1; shift
  out=$("$@" 2>&1 >/dev/null); rc=$?
  [ "$rc" = 2 ] || fail "$*: exit $rc, want 2 ($out)"
  [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || fail "$*: more than one line: $out"
  printf '%s\n' "$out" | grep -Eq "$pat" || fail "$*: '$out' does not match '$pat'"
  echo "ok $out"
}
# /dev/zero must be refused fast and small: 64 MiB of address space is
# plenty for a capped line, far too little for an unbounded one
if ldd "$numasim" 2>/dev/null | grep -q libasan; then
  # the sanitizers reserve terabytes of shadow memory: no ulimit -v
  expect2 '^/dev/zero:1: line longer than 65536 bytes$' "$numasim" run -w /dev/zero
else
  (ulimit -v 262144; expect2 '^/dev/zero:1: line longer than 65536 bytes$' "$numasim" run -w /dev/zero) || exit 1
fi
{ echo "# numasim trace v1"; head -c 65537 /dev/zero | tr '\0' '#'; echo; } > long.trace
expect2 '^long.trace:2: line longer than 65536 bytes$' "$numasim" run -w long.trace
{ echo "# numasim trace v1"; printf '#'; head -c 65535 /dev/zero | tr '\0' ' '; echo; echo "@0 spawn pid=1 cpu=0"; } > max.trace
"$numasim" trace validate -w max.trace >/dev/null || fail "a 65536-byte line was refused"
printf '# numasim trace v1\n@0 spawn pid=1\000 cpu=0\n' > nul.trace
expect2 '^nul.trace:2: NUL byte in the line \(column 15\)$' "$numasim" run -w nul.trace
expect2 '^stdin:1: NUL byte' sh -c 'printf "\000" | "$0" run -w -' "$numasim"
expect2 '^\.: is a directory, not a trace file$' "$numasim" run -w .
expect2 "^stdin: empty: nothing was read" sh -c '"$0" run -w - < /dev/null' "$numasim"
expect2 "^numasim: -w: empty trace name$" "$numasim" run -w ""
mkfifo fifo2
printf 'junk\n' > fifo2 &
expect2 "^fifo2:1: first line must be" "$numasim" run -w fifo2
wait
