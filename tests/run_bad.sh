#!/bin/sh
# Runs one bad-input case. tests/bad/NAME.err holds the exact expected
# stderr line; NAME.cmd holds the numasim arguments (with @DIR@ for this
# folder). The run must exit 2, print exactly that one line, and not crash.
numasim=$1 err=$2
dir=$(dirname "$err") name=$(basename "$err" .err)
args=$(sed "s|@DIR@|$dir|g" "$dir/$name.cmd")
out=$(cd "$dir/../.." && eval "\"$numasim\" $args" 2>&1 >/dev/null)
rc=$?
want=$(sed "s|@DIR@|$dir|g" "$err")
if [ "$rc" -ne 2 ]; then
  echo "FAIL $name: exit status $rc, want 2"; echo "stderr: $out"; exit 1
fi
if [ "$out" != "$want" ]; then
  echo "FAIL $name: message differs"; echo " got: $out"; echo "want: $want"; exit 1
fi
echo "ok $name: $out"
