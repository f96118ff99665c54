#!/bin/sh
# Every `$ numasim ...` example in docs/*.md runs and exits 0, from the
# top of the source tree. Usage: test_doc_examples.sh NUMASIM SRCDIR
numasim=$1 src=$2
cd "$src" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
grep -h '^\$ numasim ' docs/*.md | sed 's/^\$ numasim //' > "$tmp/cmds"
while IFS= read -r args; do
  n=$((n + 1))
  # shellcheck disable=SC2086
  if ! (eval "set -- $args"; "$numasim" "$@" > "$tmp/out" 2>&1); then
    echo "FAIL: numasim $args"
    sed 's/^/  /' "$tmp/out" | head -5
    fail=1
  fi
done < "$tmp/cmds"
echo "$n documented examples run"
exit $fail
