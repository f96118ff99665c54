#!/bin/sh
# How `numasim verify` reads the guest's kswapd trace
# (NUMASIM_VERIFY_KSWAPD_TRACE, docs/verify.md; verify/verify.py
# kswapd_trace()), from lines in the form the guest's init prints them
# (ftrace's own line format after `KTRACE PROGRAM ALLOCATIONS`); the
# answers are counted by hand from the lines below:
# - kswapd0 is woken 3 times: at allocation 100 it runs at 101 (within
#   one more allocation), at 500 it runs at 500, at 900 it runs at 960
#   (waited, 60 allocations meanwhile);
# - kswapd1 is woken once, at 20, and runs at 45 (waited, 25);
# - another program's lines and a switch with no wakeup before it count
#   for nothing; the LOST line gives the events lost;
# - four fallbacks (mm_page_alloc_extfrag, lines taken from a 6.1 guest):
#   two movable allocations into reclaimable pageblocks (fallback orders
#   9 and 8), a reclaimable one into a movable pageblock (order 10) and a
#   movable one into an unmovable pageblock (order 5); those of orders 8
#   and 5 took less than a pageblock (order 9): 2 partial.
# Usage: test_verify_kswapd_trace.sh NUMASIM SRCDIR
src=$2
command -v python3 >/dev/null || { echo "SKIPPED: no python3"; exit 77; }
python3 - "$src/verify" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import verify

def wake(prog, n, nid, t):
    return "KTRACE %s %d              exe-259     [000] .....     %s: mm_vmscan_wakeup_kswapd: nid=%d order=0 gfp_flags=none" % (prog, n, t, nid)

def sw(prog, n, frm, to, t, state="R+"):
    return ("KTRACE %s %d              %s     [000] d..2.     %s: sched_switch: prev_comm=%s prev_pid=1 "
            "prev_prio=120 prev_state=%s ==> next_comm=%s next_pid=2 next_prio=120" % (prog, n, frm, t, frm, state, to))

lines = [
    "BEGIN t0", "END t0 0",
    sw("t0", 5, "exe", "kswapd0", "6.000100"),          # no wakeup before it
    wake("t0", 100, 0, "6.001000"), sw("t0", 101, "exe", "kswapd0", "6.001100"),
    sw("t0", 101, "kswapd0", "exe", "6.002000", "S"),
    wake("t0", 500, 0, "6.010000"), sw("t0", 500, "exe", "kswapd0", "6.010050"),
    sw("t0", 500, "kswapd0", "exe", "6.011000", "S"),
    wake("t0", 900, 0, "6.020000"), sw("t0", 960, "exe", "kswapd0", "6.022000"),
    wake("t0", 20, 1, "6.030000"), sw("t0", 45, "exe", "kswapd1", "6.031000"),
    wake("t1", 7, 0, "6.040000"), sw("t1", 300, "exe", "kswapd0", "6.050000"),
    "KTRACE t0 1000              exe-259     [000] .....     6.060000: mm_page_alloc_extfrag: page=00000000581acee1 pfn=0x4e00 alloc_order=0 fallback_order=9 pageblock_order=9 alloc_migratetype=1 fallback_migratetype=2 fragmenting=0 change_ownership=1",
    "KTRACE t0 1001              exe-259     [000] .....     6.060100: mm_page_alloc_extfrag: page=00000000b9b31bae pfn=0x4d00 alloc_order=0 fallback_order=8 pageblock_order=9 alloc_migratetype=1 fallback_migratetype=2 fragmenting=1 change_ownership=1",
    "KTRACE t0 1002              exe-259     [000] .....     6.060200: mm_page_alloc_extfrag: page=0000000058952dcc pfn=0x800 alloc_order=2 fallback_order=10 pageblock_order=9 alloc_migratetype=2 fallback_migratetype=1 fragmenting=0 change_ownership=1",
    "KTRACE t0 1003              exe-259     [000] .....     6.060300: mm_page_alloc_extfrag: page=0000000090aa4018 pfn=0x5200 alloc_order=0 fallback_order=5 pageblock_order=9 alloc_migratetype=1 fallback_migratetype=0 fragmenting=1 change_ownership=0",
    "KTRACE t0 LOST 3",
]
got = verify.kswapd_trace(lines, "t0")
want = {"nodes": {"0": {"wakeups": 3, "at_once": 2, "waited": 1, "pages_waiting": 60},
                  "1": {"wakeups": 1, "at_once": 0, "waited": 1, "pages_waiting": 25}},
        "fallbacks": {"total": 4, "partial": 2,
                      "kinds": {"movable into reclaimable": 2, "movable into unmovable": 1,
                                "reclaimable into movable": 1}},
        "lost": 3}
if got != want:
    print("FAIL: kswapd trace read as %s, want %s" % (got, want))
    sys.exit(1)
print("ok kswapd trace: %s" % got)
if verify.kswapd_trace(["BEGIN t0", "END t0 0"], "t0") is not None:
    print("FAIL: no trace lines should read as no trace")
    sys.exit(1)
print("ok no trace lines: no trace")
EOF
