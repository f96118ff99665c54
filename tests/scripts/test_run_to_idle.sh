#!/bin/sh
# sim.run_to_idle (docs/model.md §4, "The replay"): whether the report
# waits for the simulated kernel's queued work after the trace's last
# record. Linux fact (Documentation/admin-guide/sysctl/vm.rst): a page
# written by write() stays dirty until the flusher writes it back, and
# periodic writeback writes data older than dirty_expire_centisecs
# (3000: 30 s). Model arithmetic: 4 MiB written is 4 MiB / 4 KiB = 1024
# dirty pages; written back, pgpgout counts them in KiB: 4096.
# - run_to_idle=1 (the default): the run goes on past 30 s, the file is
#   clean, pgpgout 4096;
# - run_to_idle=0 (what numasim verify uses): the report is taken when
#   the last record ends, well before 30 s: 1024 pages dirty, pgpgout 0.
# Usage: test_run_to_idle.sh NUMASIM SRCDIR
numasim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/w.trace" <<'TR'
# numasim trace v1
@0 file name=/data/w size=4MiB
@0 spawn pid=1 cpu=0
+1ms write pid=1 file=/data/w offset=0 len=4MiB
+1ms mmap pid=1 addr=0x10000000 len=4MiB file=/data/w read
+1ms touch pid=1 addr=0x10000000 len=4MiB read
TR
for v in 1 0; do
	"$numasim" run -t ring4 -w "$tmp/w.trace" --set sim.run_to_idle=$v --format json \
		-o "$tmp/r$v.json" || exit 1
done
python3 - "$tmp/r1.json" "$tmp/r0.json" <<'PY'
import json, sys
idle, end = (json.load(open(p)) for p in sys.argv[1:3])

def maps(r):
    return r["tasks"][0]["numa_maps"][0]

assert idle["sim_time_ns"] >= 30 * 10**9, idle["sim_time_ns"]
assert idle["vmstat"]["pgpgout"] == 4096, idle["vmstat"]["pgpgout"]
assert "dirty=" not in maps(idle), maps(idle)
assert end["sim_time_ns"] < 10**9, end["sim_time_ns"]
assert end["vmstat"]["pgpgout"] == 0, end["vmstat"]["pgpgout"]
assert "dirty=1024 " in maps(end), maps(end)
print("sim.run_to_idle ok")
PY
