#!/bin/sh
# Runs one scenario trace. The trace names its topology in a comment line
# `# topology: NAME` (default: the shipped default; a relative FILE.json is
# from the trace's directory) and may add
# `# args: ...` for extra command-line options. Exit 0 means every expect held.
numasim=$1 trace=$2
topo=$(sed -n 's/^# topology: *//p' "$trace" | head -n 1)
# a relative path to a topology file is from the trace's directory
case $topo in *.json) case $topo in /*) ;; *) topo=$(dirname "$trace")/$topo ;; esac ;; esac
args=$(sed -n 's/^# args: *//p' "$trace" | head -n 1)
# shellcheck disable=SC2086
exec "$numasim" run ${topo:+-t "$topo"} -w "$trace" --check --no-progress $args >/dev/null
