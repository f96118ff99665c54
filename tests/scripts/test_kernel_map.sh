#!/bin/sh
# docs/kernel-map.md is what scripts/kernel-map makes of the "Models X()"
# comments in sim/ now: a comment changed without regenerating the page
# fails here. Usage: test_kernel_map.sh NUMASIM SRCDIR
exec python3 "$2/scripts/kernel-map" --check
