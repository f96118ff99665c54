#!/bin/sh
# Every write, flush, close and rename is checked (docs/cli.md, "Output
# files"): each format to /dev/full (through -o and as stdout), `topo
# show`, `gen` and `trace validate` to /dev/full, and a report larger
# than the file-size limit, exit 2 with one line
# "NAME: write failed: <reason>"; a regular file keeps its old content
# and no temporary file is left. Usage: test_write_errors.sh NUMASIM SRCDIR
numasim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$tmp" || exit 1
[ -c /dev/full ] || { echo "SKIPPED: no /dev/full"; exit 77; }
expect2() {   # PATTERN CMD...
  pat=$1; shift
  out=$("$@" 2>&1 >/dev/null); rc=$?
  [ "$rc" = 2 ] || fail "$*: exit $rc, want 2 ($out)"
  [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || fail "$*: not one line: $out"
  printf '%s\n' "$out" | grep -Eq "$pat" || fail "$*: '$out' does not match '$pat'"
  echo "ok $* -> $out"
}
for fmt in text json html; do
  expect2 '^/dev/full: write failed: No space left on device$' "$numasim" run --format $fmt -o /dev/full
  expect2 '^stdout: write failed: No space left on device$' sh -c '"$0" run --format '$fmt' > /dev/full' "$numasim"
done
expect2 '^stdout: write failed: No space left on device$' sh -c '"$0" topo show -t ring4 > /dev/full' "$numasim"
expect2 '^stdout: write failed: No space left on device$' sh -c '"$0" topo validate -t ring4 > /dev/full' "$numasim"
expect2 '^stdout: write failed: No space left on device$' sh -c '"$0" gen compile > /dev/full' "$numasim"
expect2 '^stdout: write failed: No space left on device$' sh -c '"$0" --help > /dev/full' "$numasim"
expect2 '^stdout: write failed: No space left on device$' sh -c '"$0" compare -w default --vary vm.swappiness=10,60 > /dev/full' "$numasim"
# a full file system, as a file-size limit: the old report stays, whole
echo old > out.json
expect2 '^out.json: write failed: File too large$' sh -c 'trap "" XFSZ; ulimit -f 8; exec "$0" run --format json -o out.json' "$numasim"
[ "$(cat out.json)" = old ] || fail "out.json was changed by a failed write"
[ -z "$(ls -A | grep -v '^out.json$')" ] || fail "left behind: $(ls -A)"
echo "ok the old file is kept and no temporary file is left"
