#!/bin/sh
# `snapshot pid=P` joins P's stream (docs/trace-format.md): it is taken
# once P's previous record has finished, while a snapshot without pid=
# runs at its time. Model arithmetic: a 16 MiB first touch on node 0 is
# 16 MiB / 4 KiB = 4096 anonymous pages, and the touch takes time, so at
# @0 the global snapshot sees none of them and the pid=1 one all of them.
# Usage: test_snapshot_pid.sh NUMASIM SRCDIR
numasim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/s.trace" <<'TR'
# numasim trace v1
@0 spawn pid=1 cpu=0
@0 mmap pid=1 addr=0x10000000 len=16MiB
@0 touch pid=1 addr=0x10000000 len=16MiB
@0 snapshot label=global
@0 snapshot label=after pid=1
TR
"$numasim" run -t ring4 -w "$tmp/s.trace" --format json -o "$tmp/r.json" || exit 1
python3 - "$tmp/r.json" <<'PY'
import json, sys
snaps = {s["label"]: s for s in json.load(open(sys.argv[1]))["snapshots"]}
g, a = snaps["global"], snaps["after"]
assert g["time_ns"] == 0, g["time_ns"]
assert g["nodes"][0]["anon_pages"] == 0, g["nodes"][0]["anon_pages"]
assert a["time_ns"] > 0, a["time_ns"]
assert a["nodes"][0]["anon_pages"] == 4096, a["nodes"][0]["anon_pages"]
print("snapshot pid= ok")
PY
