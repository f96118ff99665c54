#!/bin/sh
# Every scenario trace (tests/scenarios/, tests/kernel/) says in its
# header which truth its expects check: a comment line starting
# "# Linux fact" (what a real kernel does: its code, its documentation,
# a measured run) or "# Model arithmetic" (figures worked out by hand
# from the model's rules and costs, docs/model.md). docs/testing.md.
# Usage: test_scenario_headers.sh NUMASIM SRCDIR
src=$2
rc=0
n=0
for f in "$src"/tests/scenarios/*.trace "$src"/tests/kernel/*.trace; do
	n=$((n + 1))
	if ! grep -qE '^# (Linux fact|Model arithmetic)' "$f"; then
		echo "${f#"$src"/}: no '# Linux fact' or '# Model arithmetic' line in the header"
		rc=1
	fi
done
[ "$n" -gt 0 ] || { echo "no scenario traces under $src/tests"; exit 1; }
exit $rc
