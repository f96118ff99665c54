#!/bin/sh
# What `numasim verify` does when the guest stops before the end
# (verify/guest.py boot(), docs/verify.md "KVM or TCG"), with QEMU and the
# kernel replaced by stand-ins, so no boot is needed:
# - a guest that booted under KVM and stopped during a program is run
#   again under TCG; the facts say accel tcg and name the program;
# - a guest that stops under TCG raises the failure, naming the program
#   that was running and quoting the console's last lines (the kernel's
#   panic message), since the work directory is gone in CI;
# - a TCG guest that never speaks is booted once more; twice silent, the
#   error quotes the console.
# Usage: test_verify_guest_stop.sh NUMASIM SRCDIR
src=$2
command -v python3 >/dev/null || { echo "SKIPPED: no python3"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# boot() looks for QEMU on PATH before anything else: a stand-in that is
# never run (qemu_run is replaced below), so the test needs no QEMU
mkdir "$dir/bin"
printf '#!/bin/sh\nexit 1\n' >"$dir/bin/qemu-system-x86_64"
chmod +x "$dir/bin/qemu-system-x86_64"
PATH=$dir/bin:$PATH XDG_CACHE_HOME=$dir/cache python3 - "$src/verify" "$dir" <<'EOF'
import os, sys
sys.path.insert(0, sys.argv[1])
import guest
work = sys.argv[2]
os.makedirs(os.path.join(os.environ["XDG_CACHE_HOME"], "numasim", "verify"))
topo = {"name": "two", "nodes": [{"id": 0, "memory": "256MiB", "cpus": "0"},
                                 {"id": 1, "memory": "256MiB", "cpus": "1"}]}
guest.kernel = lambda v: ("vmlinuz", "config", "mods", "6.12.0-test")
guest.initramfs = lambda *a: None
guest.disk = lambda *a: None
runs = []

def fake_run(cmd, results, timeout, boot_s):
    acc = cmd[cmd.index("-accel") + 1].split(",")[0]
    runs.append(acc)
    console = [c for c in cmd if c.startswith("file:")][0][5:]
    full = acc == "tcg" and os.environ.get("FAKE_TCG") == "done"
    with open(console, "w") as f:
        f.write("[    9.1] Kernel panic - not syncing: Attempted to kill init!\n")
    if acc == "tcg" and os.environ.get("FAKE_TCG") == "silent" and runs.count("tcg") <= int(
            os.environ["FAKE_SILENT"]):
        open(results, "w").close()      # QEMU ended before the guest said a word
        return 0, ""
    full = full or os.environ.get("FAKE_TCG") == "silent"
    with open(results, "w") as f:
        f.write("VERIFY BOOTED 6.12.0-test 4.00 1.0\nBEGIN t0\nEND t0 0\nBEGIN t1\n")
        if full:
            f.write("END t1 0\nVERIFY DONE 30.00 1.0\n")
    return 0, ""

guest.qemu_run = fake_run
fails = 0
# KVM, then TCG, which finishes
os.environ["NUMASIM_VERIFY_ACCEL"] = "kvm"
os.environ["FAKE_TCG"] = "done"
lines, facts = guest.boot(topo, "6.12", work, work, 60)
if runs != ["kvm", "tcg"] or facts["accel"] != "tcg" or \
        "stopped before the end during program t1" not in facts["fallback"][-1]:
    print("FAIL: KVM stop not rerun under TCG: runs %s, facts %s" % (runs, facts))
    fails += 1
else:
    print("ok a guest stopped under KVM is run again under TCG: %s" % facts["fallback"][-1])
# TCG stops too: the failure names the program and quotes the console
runs[:] = []
os.environ["NUMASIM_VERIFY_ACCEL"] = "tcg"
os.environ["FAKE_TCG"] = "stop"
try:
    guest.boot(topo, "6.12", work, work, 60)
    print("FAIL: a guest stopped under TCG was not a failure")
    fails += 1
except guest.RunError as e:
    msg = str(e)
    if runs != ["tcg"] or not msg.startswith("the guest stopped before the end during program t1 ") \
            or "\n  console: [    9.1] Kernel panic - not syncing: Attempted to kill init!" not in msg:
        print("FAIL: runs %s, message %r" % (runs, msg))
        fails += 1
    else:
        print("ok a guest stopped under TCG fails, naming t1 and quoting the console")
# TCG: QEMU ends before the guest speaks, once: booted again, and the run
# goes on; twice: "did not boot", with the console's last lines
os.environ["FAKE_TCG"] = "silent"
for silent in (1, 2):
    runs[:] = []
    os.environ["FAKE_SILENT"] = str(silent)
    try:
        lines, facts = guest.boot(topo, "6.12", work, work, 60)
        ok = silent == 1 and runs == ["tcg", "tcg"] and "booted again" in facts["fallback"][-1]
        what = "booted again: %s" % facts["fallback"]
    except guest.GuestError as e:
        ok = silent == 2 and runs == ["tcg", "tcg"] and str(e).startswith("the guest did not boot: no output") \
            and "\n  console: [    9.1] Kernel panic" in str(e)
        what = "%r" % str(e)
    if ok:
        print("ok a TCG guest silent %d time%s: %s" % (silent, "" if silent == 1 else "s", what[:90]))
    else:
        print("FAIL: silent %d: runs %s, %s" % (silent, runs, what))
        fails += 1
sys.exit(1 if fails else 0)
EOF
