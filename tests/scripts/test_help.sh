#!/bin/sh
# Every subcommand answers --help (and -h) on stdout with exit 0, the top
# --help lists every subcommand, and the numasim(1) page built next to the
# binary carries every synopsis line of the help text.
# Usage: test_help.sh NUMASIM SRCDIR
numasim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
"$numasim" --help > "$tmp/top" || { echo "FAIL: numasim --help"; exit 1; }
for cmd in run compare merge explain topo gen trace tunables quiz verify record import; do
  grep -q "^  numasim $cmd " "$tmp/top" || { echo "FAIL: numasim --help lacks $cmd"; fail=1; }
  for h in --help -h; do
    if ! "$numasim" $cmd $h > "$tmp/out" 2> "$tmp/err" || [ -s "$tmp/err" ] ||
       ! grep -q "^  numasim $cmd" "$tmp/out" || ! grep -q '^options:' "$tmp/out"; then
      echo "FAIL: numasim $cmd $h"; cat "$tmp/err"; fail=1
    fi
  done
done
grep -q "^  numasim topo show|validate|order" "$tmp/top" || { echo "FAIL: topo order"; fail=1; }
# --help after other words too, and `help CMD`
"$numasim" run -t ring4 --help | grep -q '^options:' || { echo "FAIL: run -t ring4 --help"; fail=1; }
"$numasim" help explain | grep -q -- '--level' || { echo "FAIL: help explain"; fail=1; }
# help's own help is the overview
for h in --help help; do
  "$numasim" help $h > "$tmp/out" && cmp -s "$tmp/out" "$tmp/top" || { echo "FAIL: numasim help $h"; fail=1; }
done
man=$(dirname "$numasim")/numasim.1
if [ ! -f "$man" ]; then
  echo "FAIL: $man not built"; exit 1
fi
"$numasim" help --man "$tmp/man.1" && cmp -s "$tmp/man.1" "$man" || { echo "FAIL: $man is stale"; fail=1; }
# each synopsis line of --help appears in the page's SYNOPSIS (roff escapes '-' as '\-')
sed -n 's/^  numasim \([a-z]\)/numasim \1/p' "$tmp/top" | grep -v -e '--help' |
while IFS= read -r line; do
  esc=$(printf '%s' "$line" | sed 's/-/\\-/g')
  grep -qF -- "$esc" "$man" || { echo "FAIL: man page lacks: $line"; exit 1; }
done || fail=1
echo "help and man page checked"
exit $fail
